import { emergencyKeyPrefix, emergencyRecipient } from "../../domain/scheduling/on-call-routing.ts";
import { deliveryStatusLabel } from "../../domain/messaging/delivery-status.ts";
import { payLinkFor, paymentTalkFinished } from "../../domain/live-call/card-data.ts";
import { CardDataLive } from "../../views/card-data.tsx";
import { cardDataDeps } from "../card-data-deps.ts";
import { checkCaller } from "../../domain/live-call/caller-check.ts";
import { Hono, type Context } from "hono";
import { z } from "zod";
import { isCallOver, type Call } from "../../domain/calls.ts";
import { NOT_CONFIGURED, type LiveCall } from "../../domain/live-call/live-call.ts";
import { CALLS_CHANNEL, callChannel, type CallChannel, type LiveCallEvent } from "../../domain/live-call/channels.ts";
import { CallPage, type TranscriberState } from "../../views/call-live.tsx";
import { renderCallEvent, renderCallsListEvent } from "../../views/call-live-events.tsx";
import { CallsPage, CallsTable } from "../../views/calls.tsx";
import { CallDetailsPanel } from "../../views/call-details.tsx";
import { callDetails, type CallDetails } from "../../domain/extraction/call-details.ts";
import { correctField } from "../../domain/extraction/corrections.ts";
import { emptyExtraction } from "../../domain/extraction/extraction.ts";
import { companySafetyRules } from "../../domain/extraction/safety-rules.ts";
import { transcriptFromSegments } from "../../domain/extraction/transcript.ts";
import type { AppEnv } from "../deps.ts";
import { carryLateCorrection, filedAlready } from "./call-late-corrections.ts";
import { alertEmergency } from "../../domain/scheduling/on-call-routing.ts";
import { emergencyAlertDeps } from "../emergency-alert-deps.ts";
import { audit, changedFields, opensFromStart } from "../audit.ts";
import { notFound, reasonStatus, rejectionError } from "../errors.ts";
import { pageContext } from "../page-context.ts";
import { pageOrFragment } from "../respond.ts";
import { liveStream, renderedOnce } from "../live-stream.ts";
import { CODE_MAX, formText, LINE_MAX, pageNumber, validForm, validQuery } from "../validation.ts";

const PAGE_SIZE = 50;

/** The list's page: anything unreadable is page 1; bounded so the offset stays sane. */
const listQuery = z.object({ page: pageNumber(10_000) });

/** A correction from the details panel: which detail and what staff typed; correctField decides the rest. */
const correctionForm = z.object({ field: formText(CODE_MAX), value: formText(LINE_MAX) });

const transcriberState = (call: Call): TranscriberState =>
  call.transcriber === null
    ? { state: "unknown", label: null }
    : call.transcriber === NOT_CONFIGURED
      ? { state: "not_configured", label: null }
      : { state: "running", label: call.transcriber };

/** Where a reconnecting viewer left off: the Last-Event-ID header, else the id the page was drawn at. */
function resumeFrom(c: Context): number | null {
  const raw = c.req.header("Last-Event-ID") ?? c.req.query("after");
  const n = raw === undefined ? Number.NaN : Number(raw);
  return Number.isSafeInteger(n) && n >= 0 ? n : null;
}

/** The panel's view of a call from what is stored: the last extraction (or none yet) and the corrections. */
async function detailsOf(c: Context<AppEnv>, call: Call): Promise<CallDetails | null> {
  const { repos, extraction } = c.get("deps");
  if (!call.extracted && Object.keys(call.corrections).length === 0) return null;
  const transcript = transcriptFromSegments(await repos.calls.transcript(call.id));
  return callDetails(
    call.extracted ?? emptyExtraction(extraction.extractor.name),
    call,
    transcript,
    await companySafetyRules(repos.settings),
  );
}

const callEvent = renderedOnce<LiveCallEvent, CallChannel>((event, channel) => renderCallEvent(event, channel.callId));
const callsChanged = renderedOnce(renderCallsListEvent);

/** `activeCalls`: the calls whose media stream is open in this process, by CallSid. */
export function callRoutes(
  activeCalls: ReadonlyMap<string, Pick<LiveCall, "resumeAfter" | "transcriber">> = new Map(),
) {
  const app = new Hono<AppEnv>();

  app.get("/calls", validQuery(listQuery), async (c) => {
    const { page } = c.req.valid("query");
    const calls = await c.get("deps").repos.calls.recent({ limit: PAGE_SIZE + 1, offset: (page - 1) * PAGE_SIZE });
    const props = { calls: calls.slice(0, PAGE_SIZE), page, hasMore: calls.length > PAGE_SIZE };
    return pageOrFragment(
      c,
      () => c.html(<CallsPage ctx={pageContext(c)} {...props} />),
      () => c.html(<CallsTable {...props} />),
    );
  });

  /** The calls list refreshes itself when a call starts or changes status. */
  app.get("/calls/events", (c) => liveStream(c, CALLS_CHANNEL, callsChanged, resumeFrom(c)));

  app.get("/calls/:id", async (c) => {
    const { repos, liveEvents } = c.get("deps");
    const call = await repos.calls.byId(c.req.param("id"));
    if (!call) throw notFound("call");
    // Read the event id before the transcript, and go back before any line shown live but not
    // stored yet: nothing said in between is lost (the page drops repeats).
    const lastEventId = liveEvents.lastId(callChannel(call.id));
    // Its media stream is open here, or it has ended and its last lines and filing are under way.
    const active = activeCalls.get(call.providerCallId);
    const afterEventId = active?.resumeAfter(lastEventId) ?? lastEventId;
    const [lead, transcript, details, issue, payLink, emergencyTexts] = await Promise.all([
      call.leadId ? repos.leads.byId(call.leadId) : null,
      repos.calls.transcript(call.id),
      detailsOf(c, call),
      call.issueId ? repos.issues.byId(call.issueId) : null,
      call.cardDataHeardAt ? payLinkFor(cardDataDeps(c.get("deps")), call) : null,
      call.emergency ? repos.messages.byKeyPrefix(emergencyKeyPrefix(call.id)) : [],
    ]);
    const view = {
      call,
      lead,
      transcript,
      transcriber: active?.transcriber ?? transcriberState(call),
      afterEventId,
      stillFiling: active !== undefined && isCallOver(call.status),
      simulatedCustomer: call.assistant !== null && c.get("deps").assistant.simulator !== null,
      recordingUrl: call.recordingKey ? `/calls/${call.id}/recording` : null,
      details,
      issue: issue ? { id: issue.id, title: issue.title, openedByThisCall: issue.sourceCallId === call.id } : null,
      payLink,
      emergencyTexts: emergencyTexts.map((text) => ({
        to: emergencyRecipient(text.idempotencyKey),
        status: deliveryStatusLabel(text.status, text.channel),
        error: text.error,
      })),
    };
    return c.html(<CallPage ctx={pageContext(c)} view={view} />);
  });

  /** Staff say the caller has stopped reading card details: the paused recording runs again. */
  app.post("/calls/:id/payment-talk-finished", async (c) => {
    const call = await c.get("deps").repos.calls.byId(c.req.param("id"));
    if (!call) throw notFound("call");
    const finished = await paymentTalkFinished(cardDataDeps(c.get("deps")), call, c.get("user")?.email ?? "unknown");
    if (!finished.ok) throw rejectionError(finished);
    return c.html(<CardDataLive callId={call.id} notice={finished.value} live={!isCallOver(call.status)} />);
  });

  app.get("/calls/:id/events", async (c) => {
    const call = await c.get("deps").repos.calls.byId(c.req.param("id"));
    if (!call) throw notFound("call");
    return liveStream(c, callChannel(call.id), callEvent, resumeFrom(c));
  });

  /** The details panel alone (after staff leave a field they were editing). */
  app.get("/calls/:id/details", async (c) => {
    const call = await c.get("deps").repos.calls.byId(c.req.param("id"));
    if (!call) throw notFound("call");
    return c.html(<CallDetailsPanel callId={call.id} details={await detailsOf(c, call)} csrfToken={null} />);
  });

  /**
   * A correction typed into the panel: kept on the call, never overwritten by a later
   * extraction, and shown to everyone watching the call.
   */
  app.post("/calls/:id/details", validForm(correctionForm), async (c) => {
    const { repos, liveEvents } = c.get("deps");
    const call = await repos.calls.byId(c.req.param("id"));
    if (!call) throw notFound("call");
    const form = c.req.valid("form");
    const corrected = correctField(form.field, form.value);
    if (!corrected.ok) {
      c.header("HX-Retarget", "#flash");
      return c.html(
        <p class="form-error" role="alert">
          {corrected.message}
        </p>,
        reasonStatus(corrected.reason),
      );
    }
    const { field, value } = corrected.value;
    // Enter sends it, then leaving the field may send it again: the same value twice is one correction.
    if (field in call.corrections && call.corrections[field] === value)
      return c.html(<CallDetailsPanel callId={call.id} details={await detailsOf(c, call)} csrfToken={null} />);
    const by = c.get("user")?.email ?? "unknown";
    const updated = await repos.calls.correct(call.id, { field, value, by, at: c.get("deps").now() });
    if (!updated) throw notFound("call");
    const details = await detailsOf(c, updated);
    if (details?.emergency && !call.emergency) {
      await repos.calls.update(call.id, { emergency: true });
      await liveEvents.publish(CALLS_CHANNEL, { type: "emergency", data: { callId: call.id } });
      // Staff heard it first: the same texts as the extractor's, keyed by call, so its later run adds none.
      await alertEmergency(emergencyAlertDeps(c.get("deps")), call.id, details);
    }
    if (details) await liveEvents.publish(callChannel(call.id), { type: "details", data: details });
    // A corrected name may be (or stop being) someone other than the number's lead.
    if (details) await checkCaller({ ...repos, liveEvents, log: c.get("deps").logger }, call.id, details.extraction);
    await audit(c, "call", call.id, `corrected ${field}`, { field });
    if (filedAlready(updated, activeCalls)) await carryLateCorrection(c, updated, field);
    return c.html(<CallDetailsPanel callId={call.id} details={details} csrfToken={null} />);
  });

  /** The recording, for staff only: streamed through the app, so the bucket stays private. */
  app.get("/calls/:id/recording", async (c) => {
    const { repos, blobStore } = c.get("deps");
    const call = await repos.calls.byId(c.req.param("id"));
    if (!call?.recordingKey) throw notFound("recording");
    const blob = await blobStore.get(call.recordingKey);
    if (!blob) throw notFound("recording");
    if (opensFromStart(c.req.header("Range"))) await audit(c, "recording", call.id, "opened the recording");
    return c.body(blob.body, 200, {
      "Content-Type": blob.contentType,
      "Content-Length": String(blob.size),
      "Cache-Control": "private, max-age=300",
    });
  });

  return app;
}
