import { SimulatedCustomerPanel } from "./assistant-call.tsx";
import {
  inSpokenOrder,
  isCallOver,
  speakerOf,
  type Call,
  type Track,
  type TranscriptSegment,
} from "../domain/calls.ts";
import { leadDisplayName, type Lead } from "../domain/leads.ts";
import { hasMaskedCardData } from "../domain/card-masking.ts";
import { CardDataNoticeView } from "./card-data.tsx";
import { CallerCheckNotice } from "./caller-check.tsx";
import { Badge } from "./components.tsx";
import { callStatusWords, formatClock, formatOffset, humanise, phoneForDisplay } from "./format.ts";
import { formatDateTime } from "../domain/london-time.ts";
import { Layout, type PageContext } from "./layout.tsx";
import { CallDetailsPanel } from "./call-details.tsx";
import { CallSlotsPanel } from "./call-slots.tsx";
import type { CallDetails } from "../domain/extraction/call-details.ts";
import type { TranscriberHealth } from "../domain/live-call/transcriber-health.ts";
import type { CallerCardData } from "../domain/live-call/caller-card.ts";

/** What the page knows about transcription when it is drawn; live events update it. */
export type TranscriberState =
  | { state: "not_configured" | "running" | "failed" | "unknown"; label: string | null }
  | TranscriberHealth;

export interface CallView {
  call: Call;
  lead: Lead | null;
  transcript: TranscriptSegment[];
  transcriber: TranscriberState;
  /** Resume the live stream after this event id (the page already shows everything before it). */
  afterEventId: number;
  /** The call is over but this process is still storing its last lines and filing it: listen until "filed". */
  stillFiling: boolean;
  /** An assistant call the simulator is answering: staff may key in the customer's replies. */
  simulatedCustomer?: boolean;
  recordingUrl: string | null;
  details: CallDetails | null;
  /** The job the call was filed under, when it has been, and whether this call opened it. */
  issue: { id: string; title: string; openedByThisCall: boolean } | null;
  /** The caller's secure payment link, shown when card details are heard. */
  payLink: string | null;
  /** The texts an emergency on this call sent our own people (on-call engineer, office), with their state. */
  emergencyTexts?: { to: string; status: string; error: string | null }[];
}

/**
 * The page stops listening once it has both "ended" (Twilio's final status) and "filed" (the
 * intake's caller card and job are out), in either order (src/views/app.js); if "filed" never
 * comes (no media stream, a crash), it stops by itself this long after "ended". A page drawn
 * after the call ended but before its filing was done listens for "filed" alone, as long at most.
 */
export const LISTEN_AFTER_ENDED_MS = 60_000;

/**
 * The call page. While the call is live it listens to its topic on /live (call:<id>): transcript lines are
 * appended as they are final, provisional text shows per speaker until then, the status and a
 * running timer update, and a details panel shows what we know of the caller.
 */
export function CallPage(props: { ctx: PageContext; view: CallView }) {
  const { call, lead } = props.view;
  const live = !isCallOver(call.status);
  const listening = live || props.view.stillFiling;
  const who = lead ? leadDisplayName(lead) : phoneForDisplay(call.from);
  return (
    <Layout ctx={props.ctx} title={`${call.direction === "outbound" ? "Call to" : "Call from"} ${who}`}>
      <div
        id="live-call"
        hx-ext={listening ? "sse" : undefined}
        sse-connect={
          listening ? `/live?topic=call:${call.id}&after=call:${call.id}=${props.view.afterEventId}` : undefined
        }
        data-close-when={live ? "ended filed" : listening ? "filed" : undefined}
        data-close-after-ended={live ? String(LISTEN_AFTER_ENDED_MS) : undefined}
        data-close-after={!live && listening ? String(LISTEN_AFTER_ENDED_MS) : undefined}
      >
        <div class="toolbar">
          <h1 style="margin:0;margin-right:auto">
            {call.assistant ? "Assistant call to" : call.direction === "outbound" ? "Call to" : "Call from"}{" "}
            <span id="caller-name" sse-swap="caller-name">
              {who}
            </span>{" "}
            {call.emergency ? <Badge value="emergency" /> : null}
          </h1>
          <span id="call-status" sse-swap="status">
            <CallStatusLine call={call} />
          </span>
        </div>
        {listening ? (
          <div
            hx-get={`/calls/${call.id}`}
            hx-trigger="sse:reload"
            hx-select="#live-call"
            hx-target="#live-call"
            hx-swap="outerHTML"
          ></div>
        ) : null}
        {props.view.simulatedCustomer && live ? (
          <SimulatedCustomerPanel callId={call.id} csrfToken={props.ctx.csrfToken} />
        ) : null}
        <div id="caller-check" sse-swap="caller-check">
          <CallerCheckNotice callId={call.id} check={call.callerCheck} csrfToken={props.ctx.csrfToken} />
        </div>
        <div id="card-data" sse-swap="card">
          {call.cardDataHeardAt ? (
            <CardDataNoticeView
              callId={call.id}
              heardAt={call.cardDataHeardAt}
              recording={null}
              payLink={props.view.payLink}
              live={live}
            />
          ) : null}
        </div>
        <div class="grid two">
          <section class="card">
            <h2>Transcript</h2>
            <div id="transcriber-state" sse-swap="transcriber">
              <TranscriberNotice state={props.view.transcriber} live={live} />
            </div>
            <div class="transcript" id="transcript" sse-swap="transcript" hx-swap="beforeend">
              {inSpokenOrder(props.view.transcript.filter((s) => s.isFinal)).map((segment) => (
                <TranscriptLine segment={segment} call={call} />
              ))}
            </div>
            {live ? (
              <div class="interims">
                <p class="line caller interim" id="interim-inbound" sse-swap="interim-inbound"></p>
                <p class="line staff interim" id="interim-outbound" sse-swap="interim-outbound"></p>
              </div>
            ) : null}
            {!live && props.view.transcript.length === 0 ? (
              <p class="muted">Nothing was transcribed on this call.</p>
            ) : null}
            {props.view.emergencyTexts?.length ? (
              <section id="emergency-texts">
                <h2>Emergency texts</h2>
                <ul>
                  {props.view.emergencyTexts.map((text) => (
                    <li>
                      To the {text.to}: {text.status}
                      {text.error ? <span class="muted"> ({text.error})</span> : null}
                    </li>
                  ))}
                </ul>
              </section>
            ) : null}
            {props.view.recordingUrl ? (
              <>
                <h2>Recording</h2>
                <audio controls preload="none" src={props.view.recordingUrl} style="width:100%"></audio>
              </>
            ) : null}
          </section>
          <aside>
            <section class="card">
              <h2>Details</h2>
              <div id="intake-note" sse-swap="intake">
                {props.view.issue ? (
                  <IntakeNote issue={props.view.issue} created={props.view.issue.openedByThisCall} />
                ) : null}
              </div>
              <div id="caller-details-panel" sse-swap="details" data-refresh={`/calls/${call.id}/details`}>
                <CallDetailsPanel callId={call.id} details={props.view.details} csrfToken={props.ctx.csrfToken} />
              </div>
            </section>
            <CallSlotsPanel callId={call.id} />
            <section class="card" id="caller-details" sse-swap="caller">
              <CallerCard call={call} lead={lead} />
            </section>
          </aside>
        </div>
      </div>
    </Layout>
  );
}

/**
 * Who is calling, as far as the lead says. Drawn with the page, and again when the call's
 * intake fills in the lead (the "caller" live event), so the name shows without a reload.
 */
export function CallerCard(props: {
  call: Pick<Call, "from" | "startedAt" | "transcriber" | "summary">;
  lead: CallerCardData["lead"];
}) {
  const { call, lead } = props;
  return (
    <>
      <h2>Caller</h2>
      <dl class="details">
        <dt>Number</dt>
        <dd>{phoneForDisplay(call.from)}</dd>
        <dt>Lead</dt>
        <dd>{lead ? <a href={`/leads/${lead.id}`}>{leadDisplayName(lead)}</a> : "—"}</dd>
        <dt>Address</dt>
        <dd>{lead ? [lead.address, lead.postcode].filter(Boolean).join(", ") || "—" : "—"}</dd>
        <dt>Segment</dt>
        <dd>{lead ? humanise(lead.segment) : "—"}</dd>
        <dt>Started</dt>
        <dd>{formatDateTime(call.startedAt)}</dd>
        <dt>Transcribed by</dt>
        <dd>{call.transcriber ?? "—"}</dd>
      </dl>
      {call.summary ? <p>{call.summary}</p> : null}
    </>
  );
}

/** One final line. The id lets the page ignore a line it already shows (a resumed stream). */
export const TranscriptLine = (props: {
  segment: Pick<TranscriptSegment, "id" | "track" | "text" | "startMs" | "speaker">;
  /** The call, when known: on an assistant call the outbound line is the assistant's. */
  call?: Pick<Call, "assistant">;
}) => (
  <p class={`line ${props.segment.track === "inbound" ? "caller" : "staff"}`} id={`seg-${props.segment.id}`}>
    <span class="muted">{formatOffset(props.segment.startMs)}</span>{" "}
    <span class="speaker">{speakerOf(props.segment.track, props.call, props.segment)}:</span> {props.segment.text}
    {hasMaskedCardData(props.segment.text) ? <CardDetailsRemoved /> : null}
  </p>
);

/** Beside a line that had a card number, security code or expiry date masked out of it. */
export const CardDetailsRemoved = () => (
  <>
    {" "}
    <span class="badge card-removed">card details removed</span>
  </>
);

/** What someone is saying right now, not yet final. Empty clears the line. */
export const InterimLine = (props: { track: Track; text: string }) =>
  props.text ? (
    <>
      <span class="speaker">{speakerOf(props.track)}:</span> {props.text}…
      {hasMaskedCardData(props.text) ? <CardDetailsRemoved /> : null}
    </>
  ) : (
    <></>
  );

/**
 * Status and, while the call is answered, a timer the page's script keeps running; once the
 * call is over the same timer stops at the call's length, in the same m:ss.
 */
export function CallStatusLine(props: { call: Pick<Call, "status" | "answeredAt" | "durationSeconds"> }) {
  const { call } = props;
  const over = isCallOver(call.status);
  return (
    <>
      <Badge value={over ? call.status : "live"} label={callStatusWords(call.status)} />{" "}
      {call.status === "in-progress" && call.answeredAt ? (
        <span class="timer" data-since={call.answeredAt.toISOString()}>
          0:00
        </span>
      ) : over && call.durationSeconds !== null ? (
        <span class="timer" title="Length of the call">
          {formatClock(call.durationSeconds)}
        </span>
      ) : over ? (
        <span class="muted">—</span>
      ) : null}
    </>
  );
}

export function TranscriberNotice(props: { state: TranscriberState; live: boolean }) {
  const { state } = props;
  const health = "tracks" in state ? state : null;
  const side = health ? whichSide(health.tracks) : "";
  const lost =
    health && health.droppedMs > 0
      ? ` ${seconds(health.droppedMs)} of audio could not be held and is not transcribed.`
      : "";
  if (state.state === "not_configured") {
    return (
      <p class="notice">
        Transcription not configured: add a WisprFlow or Deepgram key to see what is said. The call itself is
        unaffected.
      </p>
    );
  }
  if (state.state === "failed") {
    return (
      <p class="notice warn">
        Transcription unavailable{side}: the transcriber could not be reached. The call goes on.{lost}
      </p>
    );
  }
  if (state.state === "reconnecting") {
    return (
      <p class="notice" role="status">
        Transcriber reconnecting…{side} The call goes on; up to {seconds(health?.keptMs ?? 0)} of audio is held for it,
        anything older is not transcribed.{lost}
      </p>
    );
  }
  if (state.label === "demo transcript") {
    return (
      <p class="notice">
        Demo transcript: the simulator's script replayed in step with the audio, not speech recognition.
      </p>
    );
  }
  if (props.live && state.state === "running")
    return (
      <p class="muted">
        Transcribing live ({state.label}).{lost}
      </p>
    );
  return <></>;
}

const whichSide = (tracks: readonly Track[]) =>
  tracks.length === 1 ? (tracks[0] === "inbound" ? " (caller's side)" : " (staff's side)") : "";
const seconds = (ms: number) => `${Math.round(ms / 1000)} s`;

export const IntakeNote = (props: { issue: { id: string; title: string }; created: boolean }) => (
  <p class="ok-note">
    {props.created ? "Job opened: " : "Filed under the job "}
    <a href={`/issues/${props.issue.id}`}>{props.issue.title}</a>
  </p>
);
