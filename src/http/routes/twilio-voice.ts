import { Hono, type Context } from "hono";
import twilio from "twilio";
import { callStatusFrom, statusChanges, statusesBefore } from "../../domain/live-call/call-status.ts";
import { leadForContact } from "../../domain/lead-identity.ts";
import { phoneFromCarrier } from "../../domain/phone.ts";
import { RECORDING_TASK, type RecordingTask } from "../../domain/live-call/recordings.ts";
import { CALLS_CHANNEL, callChannel, callStatusEvent } from "../../domain/live-call/channels.ts";
import type { AppDeps, AppEnv } from "../deps.ts";
import { numbersToRing, whoAnswersAt, type Ringing } from "../../domain/scheduling/on-call-routing.ts";
import { verifyTwilio } from "../middleware/verify-twilio.ts";
import { streamTokenFor } from "../stream-token.ts";
import { isMissedCall } from "../../domain/messaging/missed-calls.ts";
import { isCallOver } from "../../domain/calls.ts";

const { VoiceResponse } = twilio.twiml;

/** Seconds the staff phones ring before the caller is offered voicemail. */
const RING_SECONDS = 20;

const twimlReply = (c: Context, response: InstanceType<typeof VoiceResponse>) => {
  c.header("Content-Type", "text/xml; charset=utf-8");
  return c.body(response.toString());
};

function voicemail(response: InstanceType<typeof VoiceResponse>, base: string, companyName: string) {
  response.say(
    { voice: "Polly.Amy", language: "en-GB" },
    `Sorry, nobody at ${companyName} can take your call right now. Please leave a message after the tone and we will call you back.`,
  );
  response.record({
    maxLength: 180,
    playBeep: true,
    recordingStatusCallback: `${base}/api/twilio/recording`,
    recordingStatusCallbackEvent: ["completed"],
  });
}

/**
 * Who the call rings: the office in office hours, the engineer on call out of them, the staff
 * numbers when no one is. A rota that cannot be read must not cost the caller: staff numbers then.
 */
async function ringNow(deps: AppDeps, callId: string): Promise<Ringing> {
  const staffNumbers = deps.twilio.staffNumbers;
  try {
    const ringing = numbersToRing(
      await whoAnswersAt({ onCall: deps.repos.onCall, engineers: deps.repos.engineers }, deps.now()),
      staffNumbers,
    );
    // Who, never the numbers: phone numbers stay out of the logs.
    deps.logger.info({ callId, routedTo: ringing.routedTo, engineerId: ringing.engineerId }, "call routed");
    return ringing;
  } catch (error) {
    deps.logger.error({ err: error, callId }, "could not read the on-call rota; ringing the staff numbers");
    return { routedTo: "fallback", numbers: staffNumbers, engineerId: null };
  }
}

/** Twilio's voice webhooks: a call arrives, its status changes, nobody answered. All signature-checked. */
export function twilioVoiceRoutes() {
  const app = new Hono<AppEnv>();

  /**
   * A call is ringing: find or create the caller's lead, store the call, and answer TwiML that
   * streams both tracks to us and puts the caller through to staff (recorded, both channels),
   * (office hours) or to the engineer on call (out of them), or to voicemail. On the caller's ring
   * time: a handful of queries (the lease, office hours, the rota) and no vendor calls.
   */
  app.post("/api/twilio/voice", verifyTwilio(), async (c) => {
    const deps = c.get("deps");
    const form = c.get("twilioParams");
    const callSid = form.CallSid ?? "";
    if (!/^CA[0-9a-zA-Z]{10,}$/.test(callSid)) return c.text("CallSid is missing or malformed.", 400);
    const phone = phoneFromCarrier(form.From ?? "");
    const lead = phone.ok
      ? await leadForContact(
          {
            leads: deps.repos.leads,
            leadAliases: deps.repos.leadAliases,
            log: deps.logger,
            auditTrail: deps.repos.audit,
            now: deps.now,
          },
          { phone: phone.value },
          "phone",
        )
      : null;
    const call = await deps.repos.calls.record({
      providerCallId: callSid,
      direction: "inbound",
      from: phone.ok ? phone.value : (form.From ?? "unknown"),
      to: form.To ?? "",
      leadId: lead?.id ?? null,
      status: callStatusFrom(form.CallStatus ?? "") ?? "ringing",
      startedAt: deps.now(),
    });
    // Held from its first ring, not only once its stream opens: if this instance dies before the
    // stream starts, the lease lapses and another instance closes the call. A replay finds it held.
    if (!isCallOver(call.status))
      await deps.callLeases
        .holdRinging(call.id)
        .catch((error: unknown) =>
          deps.logger.error({ err: error, callId: call.id, callSid }, "could not take the ringing call's lease"),
        );
    void deps.liveEvents.publish(CALLS_CHANNEL, { type: "call", data: { callId: call.id, status: call.status } });
    deps.logger.info({ callId: call.id, leadId: lead?.id }, "call arriving");

    const base = deps.settings.publicBaseUrl;
    const response = new VoiceResponse();
    const stream = response
      .start()
      .stream({ url: `${base.replace(/^http/, "ws")}/api/twilio/media-stream`, track: "both_tracks" });
    stream.parameter({ name: "callId", value: call.id });
    stream.parameter({ name: "streamToken", value: streamTokenFor(deps, call.id) });
    const ringing = await ringNow(deps, call.id);
    if (ringing.numbers.length > 0) {
      const dial = response.dial({
        timeout: RING_SECONDS,
        record: "record-from-answer-dual",
        recordingStatusCallback: `${base}/api/twilio/recording`,
        recordingStatusCallbackEvent: ["completed"],
        action: `${base}/api/twilio/voicemail`,
      });
      for (const number of ringing.numbers) dial.number(number);
    } else {
      voicemail(response, base, deps.settings.companyName);
    }
    return twimlReply(c, response);
  });

  /** After <Dial>: answered calls end; unanswered ones go to voicemail. */
  app.post("/api/twilio/voicemail", verifyTwilio(), async (c) => {
    const deps = c.get("deps");
    const form = c.get("twilioParams");
    const response = new VoiceResponse();
    if (form.DialCallStatus === "completed") response.hangup();
    else voicemail(response, deps.settings.publicBaseUrl, deps.settings.companyName);
    // Staff did not pick up: a missed call (follow-up and the once-a-day reply), whatever the caller does next.
    const missed = ["no-answer", "busy", "failed", "canceled"].includes(form.DialCallStatus ?? "")
      ? await deps.repos.calls.byProviderId(form.CallSid ?? "")
      : null;
    if (missed) await deps.messaging.missedCall(missed);
    return twimlReply(c, response);
  });

  /**
   * Status callbacks. Idempotent and safe out of order: a report is applied only when it moves
   * the call forward from where it is, in one conditional update.
   */
  app.post("/api/twilio/status", verifyTwilio(), async (c) => {
    const deps = c.get("deps");
    const form = c.get("twilioParams");
    const status = callStatusFrom(form.CallStatus ?? "");
    if (!status) return c.text(`Unknown CallStatus "${form.CallStatus ?? ""}".`, 400);
    const call = await deps.repos.calls.byProviderId(form.CallSid ?? "");
    if (!call) {
      deps.logger.warn({ status }, "status for a call we do not know; ignored");
      return c.body(null, 204);
    }
    const duration = Number.parseInt(form.CallDuration ?? "", 10);
    const changes = statusChanges(status, {
      at: deps.now(),
      durationSeconds: Number.isFinite(duration) ? duration : null,
    });
    const updated = await deps.repos.calls.advance(call.id, statusesBefore(status), changes);
    if (!updated) {
      deps.logger.info(
        { callId: call.id, currentStatus: call.status, reportedStatus: status },
        "stale or repeated call status; nothing changed",
      );
      return c.body(null, 204);
    }
    // Over, and no stream ever started (none chose a transcriber): nothing is left for the lease
    // taken at the first ring to guard. A streamed call's lease is let go when its filing is done.
    if (isCallOver(updated.status) && updated.transcriber === null) await deps.callLeases.releaseUnstreamed(call.id);
    await deps.liveEvents.publish(callChannel(call.id), callStatusEvent(updated));
    await deps.liveEvents.publish(CALLS_CHANNEL, { type: "call", data: { callId: call.id, status: updated.status } });
    if (isMissedCall(updated)) await deps.messaging.missedCall(updated);
    return c.body(null, 204);
  });

  /**
   * A recording is ready: remember to download it (a durable job, keyed by RecordingSid so a
   * repeated callback adds nothing) and answer at once; the download happens in the background.
   */
  app.post("/api/twilio/recording", verifyTwilio(), async (c) => {
    const deps = c.get("deps");
    const form = c.get("twilioParams");
    if (form.RecordingStatus && form.RecordingStatus !== "completed") return c.body(null, 204);
    const { CallSid: callSid, RecordingSid: recordingSid, RecordingUrl: recordingUrl } = form;
    if (!callSid || !recordingSid || !recordingUrl || !URL.canParse(recordingUrl)) {
      return c.text("CallSid, RecordingSid and RecordingUrl are required.", 400);
    }
    const job: RecordingTask = { callSid, recordingSid, recordingUrl };
    const added = await deps.repos.tasks.enqueue({
      kind: RECORDING_TASK,
      key: recordingSid,
      payload: job,
      runAt: deps.now(),
    });
    if (added) deps.backgroundTasks.poke();
    return c.body(null, 204);
  });

  return app;
}
