import { Hono } from "hono";
import { upgradeWebSocket } from "hono/bun";
import type { WSContext } from "hono/ws";
import { isCallOver, type Call } from "../../domain/calls.ts";
import { startLiveCall, type LiveCall } from "../../domain/live-call/live-call.ts";
import { createAssistantSession, type AssistantSession } from "../../domain/assistant/assistant-session.ts";
import { contextForCall } from "../../domain/assistant/subjects.ts";
import { actOnOutcome } from "../../domain/assistant/outcomes.ts";
import { resendQuote } from "../../domain/payments/quote-flow.ts";
import { publishVisitChange } from "../../domain/scheduling/schedule-channel.ts";
import { CALLS_CHANNEL } from "../../domain/live-call/channels.ts";
import { INBOX_CHANNEL } from "../../domain/messaging/live.ts";
import { parseMediaStreamMessage, type StartMessage } from "../../adapters/twilio/media-stream-messages.ts";
import { streamReplies } from "../../adapters/twilio/stream-replies.ts";
import type { AppDeps, AppEnv } from "../deps.ts";
import type { Log } from "../../ports/log.ts";
import { verifyTwilioUpgrade } from "../middleware/verify-twilio.ts";
import { streamTokenFor } from "../stream-token.ts";
import { flowDeps } from "./quotes-support.ts";

/** Closes a stream that cannot be used: policy violation, with the reason for the logs. */
const REFUSED = 1008;

/** What the assistant's outcome needs, from the app's deps. */
const outcomeDeps = (deps: AppDeps, log: Log) => ({
  appointments: deps.repos.appointments,
  resendQuote: (quoteId: string) => resendQuote(flowDeps(deps), quoteId),
  calls: deps.repos.calls,
  missedCalls: deps.repos.missedCalls,
  audit: deps.repos.audit,
  visitChanged: (visit: Parameters<typeof publishVisitChange>[1]) => publishVisitChange(deps.liveEvents, visit),
  consent: deps.callConsent,
  followUpAdded: (callId: string) =>
    deps.liveEvents.publish(INBOX_CHANNEL, { type: "missed-call", data: { callId, outcome: "handed_over" } }),
  log,
  now: deps.now,
});

/**
 * WS /api/twilio/assistant-stream: the bidirectional stream of a call the assistant placed
 * (`<Connect><Stream>`), verified as the inbound stream is (Twilio's signature on the upgrade, the
 * call's id and HMAC token as parameters, one stream per call). The assistant speaks on it
 * (`media`, `mark`, `clear`) and listens (`dtmf`, the inbound track through the transcriber);
 * both sides are shown live and stored as the call's transcript, the assistant's on the outbound track.
 */
export function assistantStreamRoutes(activeCalls: Map<string, LiveCall>) {
  const app = new Hono<AppEnv>();

  app.get(
    "/api/twilio/assistant-stream",
    verifyTwilioUpgrade(),
    upgradeWebSocket((c) => {
      const deps = c.get("deps");
      let log: Log = deps.logger.child({ stream: "assistant" });
      let callSid: string | null = null;
      let call: Call | null = null;
      let live: LiveCall | null = null;
      let session: AssistantSession | null = null;
      let starting: Promise<void> | null = null;
      let leaseTaken: Promise<unknown> = Promise.resolve();
      let stopping: Promise<void> = Promise.resolve();
      let released: () => void = () => {};
      /** The customer's audio clock (Twilio's `timestamp`): where the assistant's lines sit. */
      let heardUntilMs = 0;
      /** Acting on the outcome (the visit confirmed, the link resent…): the stream's end waits for it. */
      let acting: Promise<unknown> | null = null;

      const refuse = (ws: WSContext, reason: string) => {
        log.warn({ reason }, "assistant stream closed");
        ws.close(REFUSED, reason.slice(0, 120));
      };

      const start = async (message: StartMessage, ws: WSContext) => {
        const { callSid: sid, customParameters, streamSid } = message.start;
        log = deps.logger.child({ callSid: sid, streamSid });
        const found = customParameters.callId ? await deps.repos.calls.byId(customParameters.callId) : null;
        if (!found || customParameters.streamToken !== streamTokenFor(deps, found.id))
          return refuse(ws, "stream parameters do not belong to a call");
        if (found.providerCallId !== sid && found.providerCallId !== `pending:${found.id}`)
          return refuse(ws, "no call with this CallSid");
        if (!found.assistant) return refuse(ws, "not an assistant call");
        if (activeCalls.has(sid)) return refuse(ws, "a stream for this call is already open");
        if (isCallOver(found.status)) return refuse(ws, `the call is already ${found.status}`);
        // The stream can beat the provider's answer to placeAssistantCall: the CallSid is known now.
        const current =
          found.providerCallId === sid ? found : ((await deps.repos.calls.placed(found.id, sid)) ?? found);
        call = current;
        callSid = sid;
        const subject = current.assistant!;
        const transcriber =
          deps.transcription.forStream(customParameters) ??
          deps.assistant.simulator?.demoTranscriber(current.id) ??
          null;
        const context = await contextForCall(
          deps.repos,
          { leadId: current.leadId, assistant: subject },
          deps.settings.companyName,
        );
        const replies = streamReplies(streamSid);
        live = startLiveCall(
          {
            calls: deps.repos.calls,
            liveEvents: deps.liveEvents,
            log,
            metrics: deps.metrics,
            heard: (track, text, isFinal, spanMs) => {
              if (track === "inbound") session?.heard(text, isFinal, spanMs);
            },
          },
          current,
          transcriber,
          ["inbound"],
        );
        const speaking = live;
        session = createAssistantSession(
          {
            voice: deps.voice,
            log,
            line: {
              play: (frame) => ws.send(replies.media(frame)),
              mark: (name) => ws.send(replies.mark(name)),
              clear: () => ws.send(replies.clear()),
              hangUp: () => ws.close(1000, "assistant call over"),
            },
            streamMs: () => heardUntilMs,
            said: (text, startMs, endMs) => speaking.line("outbound", text, startMs, endMs),
            finished: async (outcome, how) => {
              acting = actOnOutcome(outcomeDeps(deps, log), current, outcome, how).then(() =>
                deps.liveEvents.publish(CALLS_CHANNEL, {
                  type: "call",
                  data: { callId: current.id, status: current.status },
                }),
              );
              await acting;
            },
            turnLatency: deps.assistant.turnLatency,
            answerWaitMs: deps.assistant.answerWaitMs,
          },
          subject.script,
          context,
        );
        activeCalls.set(sid, live);
        deps.metrics.callsInProgress.up();
        leaseTaken = deps.callLeases
          .hold(current.id)
          .catch((error: unknown) => log.error({ err: error }, "could not take the call's lease"));
        log.info(
          { script: subject.script, voice: deps.voice.name, transcriber: transcriber?.name ?? "not configured" },
          "assistant stream started",
        );
        session.start();
      };

      /** The customer hung up (or the stream dropped) before any outcome: the call says so, audited. */
      const endedUnanswered = async (ended: Call) => {
        const summary = "Assistant: the call ended before the customer answered.";
        await deps.repos.calls.update(ended.id, { summary });
        await deps.repos.audit.record({
          who: "assistant",
          what: "assistant call ended without an answer",
          entity: "call",
          entityId: ended.id,
          at: deps.now(),
          details: { script: ended.assistant?.script },
        });
      };

      const end = (why: string): Promise<void> => {
        session?.stop();
        if (live && callSid) {
          const ending = live;
          const outcome = (acting ?? (call ? endedUnanswered(call) : Promise.resolve())).catch((error: unknown) =>
            log.error({ err: error }, "could not record how the assistant call ended"),
          );
          const sid = callSid;
          const leased = call?.id ?? "";
          live = null;
          stopping = Promise.all([ending.stop(), outcome])
            .then(
              () => log.info({ why, ...ending.stats, bargeIns: session?.bargeIns }, "assistant stream ended"),
              (error: unknown) => log.error({ err: error, why }, "assistant stream did not end cleanly"),
            )
            .then(() => leaseTaken)
            .then(() =>
              deps.callLeases
                .release(leased)
                .catch((error: unknown) => log.error({ err: error }, "could not release the call's lease")),
            )
            .finally(() => {
              activeCalls.delete(sid);
              deps.metrics.callsInProgress.down();
            });
        }
        return stopping.then(released);
      };

      return {
        onMessage(event, ws) {
          if (typeof event.data !== "string")
            return log.warn({ reason: "binary frame" }, "assistant stream message dropped");
          const parsed = parseMediaStreamMessage(event.data);
          if (!parsed.ok) return log.warn({ reason: parsed.reason }, "assistant stream message dropped");
          const message = parsed.message;
          const whenStarted = (work: () => void) => void (starting ?? Promise.resolve()).then(work);
          switch (message.event) {
            case "connected":
              return;
            case "start":
              if (starting) return log.warn({}, "second start message dropped");
              deps.callEndings.add(new Promise<void>((resolve) => (released = resolve)));
              starting = start(message, ws).catch((error: unknown) => {
                log.error({ err: error }, "assistant stream could not start");
                refuse(ws, "could not start");
              });
              return;
            case "media": {
              deps.metrics.mediaFramesReceived.inc();
              const { track, timestamp, payload } = message.media;
              const audio = Buffer.from(payload, "base64");
              heardUntilMs = Math.max(heardUntilMs, timestamp + audio.byteLength / 8);
              if (live) live.media(track, timestamp, audio);
              else whenStarted(() => live?.media(track, timestamp, audio));
              return;
            }
            case "dtmf":
              // The digit is the customer's answer; it is never logged with anything that names them.
              return whenStarted(() => session?.dtmf(message.dtmf.digit));
            case "mark":
              return whenStarted(() => session?.markPlayed(message.mark.name));
            case "stop":
              return whenStarted(() => void end("stop message"));
          }
        },
        onClose() {
          void (starting ?? Promise.resolve()).then(() => end("socket closed"));
        },
      };
    }),
  );

  return app;
}
