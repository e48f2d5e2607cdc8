import { fetchWithCredentials, isTwilioApiHost } from "../credentialed-fetch.ts";
import twilio from "twilio";
import { SendError, type SmsSender } from "../../ports/messengers.ts";
import { MediaTooLargeError } from "../../ports/whatsapp.ts";
import type { SmsMediaFetcher } from "../../ports/sms.ts";
import { createRatePacer, type RatePacer } from "../resilience/rate-pacer.ts";
import { defaultPolicy } from "../resilience/vendor-policies.ts";
import { VENDOR_PACE } from "../resilience/vendor-limits.ts";
import { CircuitOpenError, type VendorPolicy } from "../resilience/vendor-policy.ts";

export interface TwilioSmsConfig {
  accountSid: string;
  authToken: string;
  /** TWILIO_PHONE_NUMBER, E.164: the number texts come from. */
  from: string;
  /** Another address for Twilio's REST API (https://api.twilio.com); tests point it at a loopback peer. */
  apiBaseUrl?: string;
  timeoutMs?: number;
  /** Twilio's shared timeout and circuit (src/adapters/resilience); default: one of its own. */
  policy?: VendorPolicy;
  /** This number's pace (1 SMS a second for a long code); default: one of its own. */
  pacer?: RatePacer;
}

/** Twilio errors a later retry may get past: throttling and Twilio's own trouble. */
const RETRYABLE_TWILIO_CODES = new Set([20429, 20500, 20503, 30001]);

/**
 * SMS through the official twilio SDK (client.messages.create). Twilio's refusals become
 * SendError with its code and message (21211 invalid number, 21610 the customer replied STOP…):
 * 429, 5xx and throttling codes are retryable; a request that may have reached Twilio (a
 * timeout) is not retried, so nothing is sent twice. Sends are paced to the number's rate and
 * fail fast while Twilio's circuit is open (src/adapters/resilience).
 *
 * @example
 * const sms = createTwilioSmsSender({ accountSid, authToken, from: "+442071234567" });
 * await sms.send({ to: "+447700900123", body: "Sorry we missed your call", statusCallback: null });
 */
export function createTwilioSmsSender(config: TwilioSmsConfig): SmsSender {
  // The SDK's own retries (autoRetry, for 429s) stay off, as by default: a message create is
  // not idempotent, so it is tried once and the durable outbox decides from Twilio's answer.
  const client = twilio(config.accountSid, config.authToken, { timeout: config.timeoutMs ?? 20_000 });
  const policy = config.policy ?? defaultPolicy("Twilio");
  const pacer = config.pacer ?? createRatePacer(VENDOR_PACE.TwilioSms);
  // The SDK builds every URL from its domain's baseUrl (default https://api.twilio.com).
  if (config.apiBaseUrl) client.api.baseUrl = config.apiBaseUrl.replace(/\/$/, "");
  return {
    name: "Twilio SMS",
    live: true,
    async send({ to, body, statusCallback }) {
      // Waits its turn here, never dropped: the outbox job holding this message is already claimed.
      await pacer.take();
      try {
        const message = await policy.run(
          () =>
            client.messages.create({
              to,
              from: config.from,
              body,
              ...(statusCallback ? { statusCallback } : {}),
            }),
          { retry: false },
        );
        return { providerId: message.sid };
      } catch (error) {
        // Nothing went out: Twilio has been failing and its circuit is open. The outbox retries later.
        if (error instanceof CircuitOpenError) throw new SendError(error.message, { retryable: true, cause: error });
        const e = error as { status?: number; code?: number; message?: string; moreInfo?: string };
        if (typeof e.status === "number") {
          const retryable =
            e.status === 429 || e.status >= 500 || (e.code !== undefined && RETRYABLE_TWILIO_CODES.has(e.code));
          throw new SendError(
            `Twilio refused the SMS (HTTP ${e.status}${e.code ? `, code ${e.code}` : ""}): ${e.message ?? "no reason given"}`,
            {
              retryable,
              code: e.code !== undefined ? String(e.code) : undefined,
              cause: error,
            },
          );
        }
        const text = `${(error as { code?: string }).code ?? ""} ${e.message ?? String(error)}`;
        const refused = /ECONNREFUSED|ConnectionRefused|ENOTFOUND|EAI_AGAIN/i.test(text);
        throw new SendError(
          `Twilio could not be reached${refused ? "" : "; the SMS may have been sent"}: ${e.message ?? String(error)}`,
          { retryable: refused, ambiguous: !refused, cause: error },
        );
      }
    },
  };
}

/**
 * MMS media from Twilio's MediaUrl, with the account's credentials (HTTP Basic), read up to
 * `maxBytes`. The SDK has no call that returns media bytes, so this one GET uses fetch; the
 * credentials go only to Twilio's API hosts (and the origins in `alsoAllow`, tests' peers).
 */
export function createTwilioMediaFetcher(
  credentials: { accountSid: string; authToken: string },
  options: { alsoAllow?: readonly string[] } = {},
): SmsMediaFetcher {
  const authorization = `Basic ${Buffer.from(`${credentials.accountSid}:${credentials.authToken}`).toString("base64")}`;
  return async (url, maxBytes) => {
    const response = await fetchWithCredentials(
      url,
      { Authorization: authorization },
      { vendor: "Twilio", isVendorHost: isTwilioApiHost, alsoAllow: options.alsoAllow },
      AbortSignal.timeout(60_000),
    );
    if (!response.ok) {
      await response.body?.cancel();
      throw new Error(`Twilio media download failed: HTTP ${response.status}`);
    }
    const declared = Number(response.headers.get("Content-Length") ?? "");
    if (Number.isFinite(declared) && declared > maxBytes) {
      await response.body?.cancel();
      throw new MediaTooLargeError(maxBytes);
    }
    const bytes = new Uint8Array(await response.arrayBuffer());
    if (bytes.byteLength > maxBytes) throw new MediaTooLargeError(maxBytes);
    return { bytes, contentType: response.headers.get("Content-Type") ?? "application/octet-stream" };
  };
}
