import { assistantTwiml } from "../adapters/twilio/assistant-twiml.ts";
import { createDemoReplies, type DemoReplies } from "../adapters/transcription/demo-replies.ts";
import type { AssistantSimulator, CustomerReply } from "../compose/app-deps.ts";
import type { Log } from "../ports/log.ts";
import type { OutboundCaller } from "../ports/outbound-caller.ts";
import { answerAssistantCall, type AnsweredCall } from "./assistant-customer.ts";
import { postSigned, twilioSid } from "./twilio-wire.ts";

/** Hangs up a simulated call nobody ends: five minutes of audio. */
const LONGEST_CALL_MS = 5 * 60_000;

/**
 * Assistant calls on the embedded default (no Twilio keys): nothing is dialled; the simulator
 * answers as the customer would, against this server as Twilio would (signed status callbacks,
 * the call's own `<Connect><Stream>` TwiML, the bidirectional stream), giving the replies staff
 * picked, or the keys and words staff type on the call's page. Labelled "call simulator".
 *
 * @example
 * const caller = createSimulatedCaller({ authToken, log });
 * caller.plan(callId, [{ digit: "1" }]);
 * await caller.place({ callId, to, streamUrl, parameters, statusCallback, recordingCallback });
 */
export function createSimulatedCaller(options: {
  authToken: string;
  log: Log;
  /** Faster than real time (tests). */
  speed?: number;
  thinkMs?: number;
}): OutboundCaller & AssistantSimulator {
  const plans = new Map<string, CustomerReply[]>();
  const demos = new Map<string, DemoReplies>();
  const answered = new Map<string, AnsweredCall>();
  const accountSid = twilioSid("AC");

  const run = async (call: Parameters<OutboundCaller["place"]>[0], callSid: string) => {
    const params = (status: string, extra: Record<string, string> = {}) => ({
      CallSid: callSid,
      AccountSid: accountSid,
      From: "+441130000000",
      To: call.to,
      CallStatus: status,
      Direction: "outbound-api",
      ApiVersion: "2010-04-01",
      ...extra,
    });
    const status = (name: string, extra?: Record<string, string>) =>
      postSigned(call.statusCallback, options.authToken, params(name, extra)).then((r) => void r.body?.cancel());
    const demo = createDemoReplies();
    demos.set(call.callId, demo);
    try {
      await status("ringing");
      await status("in-progress");
      const customer = await answerAssistantCall({
        twiml: assistantTwiml(call),
        authToken: options.authToken,
        callSid,
        accountSid,
        speed: options.speed,
        thinkMs: options.thinkMs,
        replies: plans.get(call.callId) ?? [],
        demo,
        maxAudioMs: LONGEST_CALL_MS,
      });
      answered.set(call.callId, customer);
      const end = await customer.ended;
      await status("completed", { CallDuration: String(Math.round(end.audioMs / 1000)) });
      options.log.info({ callId: call.callId, audioMs: end.audioMs }, "simulated assistant call finished");
    } catch (error) {
      options.log.warn({ err: error, callId: call.callId }, "simulated assistant call failed");
      await status("failed").catch(() => {});
    } finally {
      answered.delete(call.callId);
      demos.delete(call.callId);
      plans.delete(call.callId);
    }
  };

  return {
    name: "call simulator",
    from: null,
    async place(call) {
      const callSid = twilioSid("CA");
      // After the app has stored the call's CallSid: the simulator answers at once, Twilio after rings.
      setTimeout(() => void run(call, callSid), 200);
      return { providerCallId: callSid };
    },
    plan: (callId, replies) => void plans.set(callId, replies),
    demoTranscriber: (callId) => demos.get(callId)?.transcriber ?? null,
    customer(callId) {
      const customer = answered.get(callId);
      return customer ? { press: (digit) => customer.press(digit), say: (words) => customer.say(words) } : null;
    },
  };
}
