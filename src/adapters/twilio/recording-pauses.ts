import twilio from "twilio";
import type { RecordingPauses } from "../../ports/recording-pauses.ts";
import { defaultPolicy } from "../resilience/vendor-policies.ts";
import type { VendorPolicy } from "../resilience/vendor-policy.ts";

export interface TwilioRecordingPausesConfig {
  accountSid: string;
  authToken: string;
  /** Another address for Twilio's REST API (https://api.twilio.com); tests point it at a loopback peer. */
  apiBaseUrl?: string;
  timeoutMs?: number;
  /** Twilio's shared timeout, circuit and retries (src/adapters/resilience); default: one of its own. */
  policy?: VendorPolicy;
}

/**
 * Pauses and resumes a call's recording through the official twilio SDK:
 * `client.calls(CallSid).recordings("Twilio.CURRENT").update({ status, pauseBehavior: "skip" })`,
 * i.e. POST /2010-04-01/Accounts/{AccountSid}/Calls/{CallSid}/Recordings/Twilio.CURRENT.json.
 * "skip" leaves the paused part out of the file rather than recording silence.
 * Failures carry Twilio's status and code.
 *
 * @example
 * const pauses = createTwilioRecordingPauses({ accountSid, authToken });
 * await pauses.pause("CA0123…");
 */
export function createTwilioRecordingPauses(config: TwilioRecordingPausesConfig): RecordingPauses {
  const client = twilio(config.accountSid, config.authToken, { timeout: config.timeoutMs ?? 10_000 });
  if (config.apiBaseUrl) client.api.baseUrl = config.apiBaseUrl.replace(/\/$/, "");
  const policy = config.policy ?? defaultPolicy("Twilio");
  const update = async (callSid: string, status: "paused" | "in-progress") => {
    try {
      // Setting the same status twice is harmless: safe to retry while the caller is still talking.
      await policy.run(
        () =>
          client
            .calls(callSid)
            .recordings("Twilio.CURRENT")
            .update(status === "paused" ? { status, pauseBehavior: "skip" } : { status }),
        { retry: true },
      );
    } catch (error) {
      const e = error as { status?: number; code?: number; message?: string };
      throw new Error(
        `Twilio could not set the recording ${status === "paused" ? "paused" : "recording again"}` +
          (typeof e.status === "number" ? ` (HTTP ${e.status}${e.code ? `, code ${e.code}` : ""})` : "") +
          `: ${e.message ?? String(error)}`,
        { cause: error },
      );
    }
  };
  return {
    name: "Twilio",
    pause: (callSid) => update(callSid, "paused"),
    resume: (callSid) => update(callSid, "in-progress"),
  };
}
