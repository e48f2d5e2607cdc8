import twilio from "twilio";
import type { VendorCheck } from "../../ports/vendor-check.ts";
import { outcomeOf } from "../vendor-check-outcome.ts";

export interface TwilioAccountCheckConfig {
  accountSid: string;
  authToken: string;
  /** Another address for Twilio's REST API (https://api.twilio.com); tests point it at a loopback peer. */
  apiBaseUrl?: string;
  timeoutMs?: number;
}

/**
 * Twilio's key check: fetches the account itself (GET /2010-04-01/Accounts/{AccountSid}.json)
 * through the official SDK. It costs nothing and changes nothing; a wrong token is refused (401).
 *
 * @example const check = createTwilioAccountCheck({ accountSid, authToken });
 */
export function createTwilioAccountCheck(config: TwilioAccountCheckConfig): VendorCheck {
  // The SDK retries nothing by default (autoRetry off): one attempt per check.
  const client = twilio(config.accountSid, config.authToken, { timeout: config.timeoutMs ?? 10_000 });
  if (config.apiBaseUrl) client.api.baseUrl = config.apiBaseUrl.replace(/\/$/, "");
  return {
    vendor: "Twilio",
    check: (signal) =>
      outcomeOf(() => client.api.v2010.accounts(config.accountSid).fetch(), "TWILIO_AUTH_TOKEN", signal),
  };
}
