import twilio from "twilio";
import type { OutboundCaller } from "../../ports/outbound-caller.ts";
import { defaultPolicy } from "../resilience/vendor-policies.ts";
import type { VendorPolicy } from "../resilience/vendor-policy.ts";
import { assistantTwiml } from "./assistant-twiml.ts";

export interface TwilioOutboundCallerConfig {
  accountSid: string;
  authToken: string;
  /** TWILIO_PHONE_NUMBER, E.164: the number the customer sees. */
  from: string;
  /** Another address for Twilio's REST API (https://api.twilio.com); tests point it at a loopback peer. */
  apiBaseUrl?: string;
  timeoutMs?: number;
  /** Twilio's shared timeout and circuit (src/adapters/resilience); default: one of its own. */
  policy?: VendorPolicy;
}

/**
 * Places assistant calls through the official twilio SDK: `client.calls.create` (POST
 * /2010-04-01/Accounts/{AccountSid}/Calls.json) with the `<Connect><Stream>` TwiML inline, the
 * call recorded (both channels: the assistant and the customer) to the recording callback, and
 * every progress event reported to the status callback the inbound calls use. Tried once: a
 * create that may have reached Twilio must not ring the customer twice.
 *
 * @example
 * const caller = createTwilioOutboundCaller({ accountSid, authToken, from: "+442071234567" });
 * const { providerCallId } = await caller.place({ callId, to, streamUrl, parameters, statusCallback, recordingCallback });
 */
export function createTwilioOutboundCaller(config: TwilioOutboundCallerConfig): OutboundCaller {
  const client = twilio(config.accountSid, config.authToken, { timeout: config.timeoutMs ?? 15_000 });
  if (config.apiBaseUrl) client.api.baseUrl = config.apiBaseUrl.replace(/\/$/, "");
  const policy = config.policy ?? defaultPolicy("Twilio");
  return {
    name: "Twilio",
    from: config.from,
    async place(call) {
      try {
        const created = await policy.run(
          () =>
            client.calls.create({
              to: call.to,
              from: config.from,
              twiml: assistantTwiml(call),
              record: true,
              recordingChannels: "dual",
              recordingStatusCallback: call.recordingCallback,
              recordingStatusCallbackEvent: ["completed"],
              statusCallback: call.statusCallback,
              statusCallbackEvent: ["initiated", "ringing", "answered", "completed"],
              statusCallbackMethod: "POST",
            }),
          { retry: false },
        );
        return { providerCallId: created.sid };
      } catch (error) {
        const e = error as { status?: number; code?: number; message?: string };
        throw new Error(
          `Twilio could not place the call` +
            (typeof e.status === "number" ? ` (HTTP ${e.status}${e.code ? `, code ${e.code}` : ""})` : "") +
            `: ${e.message ?? String(error)}`,
          { cause: error },
        );
      }
    },
  };
}
