import { createMediaPayloadDecoder } from "../../adapters/twilio/media-payload-decoder.ts";
import { Hono } from "hono";
import { upgradeWebSocket } from "hono/bun";
import type { WSContext } from "hono/ws";
import { isCallOver } from "../../domain/calls.ts";
import { startLiveCall, type LiveCall } from "../../domain/live-call/live-call.ts";
import { cardNumberHeard } from "../../domain/live-call/card-data.ts";
import { cardDataDeps } from "../card-data-deps.ts";
import { callIntakeObserver } from "../../domain/extraction/call-intake.ts";
import { alertEmergency } from "../../domain/scheduling/on-call-routing.ts";
import { emergencyAlertDeps } from "../emergency-alert-deps.ts";
import { companySafetyRules } from "../../domain/extraction/safety-rules.ts";
import { parseMediaStreamMessage, type StartMessage } from "../../adapters/twilio/media-stream-messages.ts";
import type { AppDeps, AppEnv } from "../deps.ts";
import { verifyTwilioUpgrade } from "../middleware/verify-twilio.ts";
import { streamTokenFor } from "../stream-token.ts";

/** Closes a stream that cannot be used: policy violation, with the reason for the logs. */
const REFUSED = 1008;

/**
 * WS /api/twilio/media-stream: Twilio Media Streams. One session per connection and one per
 * call (keyed by CallSid): a second stream for the same call is refused, not given a second
 * pipeline. Bad messages are logged and dropped; they never end a good call.
 */
export function mediaStreamRoutes(activeCalls: Map<string, LiveCall>) {
  const app = new Hono<AppEnv>();

  app.get(
    "/api/twilio/media-stream",
    verifyTwilioUpgrade(),
    upgradeWebSocket((c) => {
      const deps = c.get("deps");
      const framesReceived = deps.metrics.mediaFramesReceived;
      let log = deps.logger.child({ stream: "media" });
      let callSid: string | null = null;
      let callId: string | null = null;
      let leaseTaken: Promise<unknown> = Promise.resolve();
      let live: LiveCall | null = null;
      let starting: Promise<void> | null = null;
      /** This stream's end: the last results stored and the call filed. Shutdown waits for it. */
      let stopping: Promise<void> = Promise.resolve();
      let released: () => void = () => {};
      // Each track's payloads decoded side by side into slabs (no Buffer per frame).
      const decode = { inbound: createMediaPayloadDecoder(), outbound: createMediaPayloadDecoder() };

      const refuse = (ws: WSContext, reason: string) => {
        log.warn({ reason }, "media stream closed");
        ws.close(REFUSED, reason.slice(0, 120));
      };

      const start = async (message: StartMessage, ws: WSContext) => {
        const { callSid: sid, customParameters, streamSid } = message.start;
        log = deps.logger.child({ callSid: sid, streamSid });
        const call = await deps.repos.calls.byProviderId(sid);
        if (!call) return refuse(ws, "no call with this CallSid");
        if (customParameters.callId !== call.id || customParameters.streamToken !== streamTokenFor(deps, call.id)) {
          return refuse(ws, "stream parameters do not belong to this call");
        }
        if (activeCalls.has(sid)) return refuse(ws, "a stream for this call is already open");
        if (isCallOver(call.status)) return refuse(ws, `the call is already ${call.status}`);
        callSid = sid;
        callId = call.id;
        const transcriber = deps.transcription.forStream(customParameters);
        const intake = callIntakeObserver(
          {
            calls: deps.repos.calls,
            leads: deps.repos.leads,
            leadContacts: deps.repos.leadContacts,
            issues: deps.repos.issues,
            auditTrail: deps.repos.audit,
            now: deps.now,
            extractor: deps.extraction.extractor,
            liveEvents: deps.liveEvents,
            log,
            safetyRules: () => companySafetyRules(deps.repos.settings),
            emergencyHeard: async (details) => {
              await alertEmergency(emergencyAlertDeps(deps, log), call.id, details);
            },
          },
          call,
          deps.extraction,
        );
        const cardData = cardDataDeps(deps, log);
        live = startLiveCall(
          {
            calls: deps.repos.calls,
            liveEvents: deps.liveEvents,
            log,
            metrics: deps.metrics,
            cardNumberHeard: () =>
              void cardNumberHeard(cardData, call.id).catch((error: unknown) =>
                log.error({ err: error }, "could not flag the call for card data"),
              ),
          },
          call,
          transcriber,
          message.start.tracks,
          intake,
        );
        activeCalls.set(sid, live);
        deps.metrics.callsInProgress.up();
        // Held while this instance streams it: if the instance dies, the lease lapses and another closes the call.
        // Not awaited here: audio that arrives meanwhile goes straight to the transcriber; the release waits for it.
        leaseTaken = deps.callLeases
          .hold(call.id)
          .catch((error: unknown) => log.error({ err: error }, "could not take the call's lease"));
        log.info(
          { tracks: message.start.tracks, transcriber: transcriber?.name ?? "not configured" },
          "media stream started",
        );
      };

      const end = (why: string): Promise<void> => {
        if (live && callSid) {
          const ending = live;
          const sid = callSid;
          const leased = callId;
          live = null;
          // Still listed while its last lines and its filing are done: a call page opened now
          // listens for them (and a second stream for the call is still refused).
          stopping = ending
            .stop()
            .then(
              () => log.info({ why, ...ending.stats }, "media stream ended"),
              (error: unknown) => log.error({ err: error, why }, "media stream did not end cleanly"),
            )
            .then(() => leaseTaken)
            .then(() =>
              // Filed (or failed to file): no sweep should close it again.
              deps.callLeases
                .release(leased ?? "")
                .catch((error: unknown) => log.error({ err: error }, "could not release the call's lease")),
            )
            .finally(() => {
              activeCalls.delete(sid);
              deps.metrics.callsInProgress.down();
            });
        }
        // A second end (the socket closing after `stop`) waits for the first.
        return stopping.then(released);
      };

      return {
        onMessage(event, ws) {
          if (typeof event.data !== "string") {
            log.warn({ reason: "binary frame" }, "media message dropped");
            return;
          }
          const parsed = parseMediaStreamMessage(event.data);
          if (!parsed.ok) {
            log.warn({ reason: parsed.reason }, "media message dropped");
            return;
          }
          const message = parsed.message;
          switch (message.event) {
            case "connected":
              return;
            case "start":
              if (starting || live) return log.warn({}, "second start message dropped");
              deps.callEndings.add(new Promise<void>((resolve) => (released = resolve)));
              starting = start(message, ws).catch((error: unknown) => {
                log.error({ err: error }, "media stream could not start");
                refuse(ws, "could not start");
              });
              return;
            case "media": {
              framesReceived.inc();
              if (!live) {
                if (!starting) log.warn({}, "media before start dropped");
                // Frames racing the start's database lookup wait for it, in order.
                else {
                  const payload = decode[message.media.track](message.media.payload);
                  void starting.then(() => live?.media(message.media.track, message.media.timestamp, payload));
                }
                return;
              }
              live.media(
                message.media.track,
                message.media.timestamp,
                decode[message.media.track](message.media.payload),
              );
              return;
            }
            case "mark":
            case "dtmf":
              log.debug({ event: message.event }, "media stream event");
              return;
            case "stop":
              void (starting ?? Promise.resolve()).then(() => end("stop message"));
              return;
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

export type { AppDeps };
