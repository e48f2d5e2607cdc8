import type { VendorCheck, VendorCheckOutcome } from "../../ports/vendor-check.ts";
import { checkFailure } from "../vendor-check-outcome.ts";

/** Graph's "invalid or expired access token" (OAuthException), whatever HTTP status carries it. */
const TOKEN_REFUSED = 190;
/** Graph's "object does not exist or cannot be read with this token": the phone number id. */
const NO_SUCH_OBJECT = 100;

/**
 * WhatsApp's key check: fetches the business phone number the app sends from
 * (GET /{version}/{phone-number-id}?fields=display_phone_number,verified_name, Bearer token),
 * over fetch as the Cloud API adapter talks to Meta (Meta ships no Node SDK). Graph reports a bad
 * token as code 190 (HTTP 400 or 401), so the body's code is read as well as the status; an id
 * the token cannot see (code 100) names WHATSAPP_PHONE_NUMBER_ID.
 *
 * @example const check = createWhatsAppPhoneNumberCheck({ accessToken, phoneNumberId });
 */
export function createWhatsAppPhoneNumberCheck(config: {
  accessToken: string;
  phoneNumberId: string;
  baseUrl?: string;
  apiVersion?: string;
}): VendorCheck {
  const base = `${(config.baseUrl ?? "https://graph.facebook.com").replace(/\/$/, "")}/${config.apiVersion ?? "v24.0"}`;
  const url = `${base}/${encodeURIComponent(config.phoneNumberId)}?fields=display_phone_number,verified_name`;
  return {
    vendor: "WhatsApp",
    async check(signal): Promise<VendorCheckOutcome> {
      let response: Response;
      try {
        response = await fetch(url, { headers: { Authorization: `Bearer ${config.accessToken}` }, signal });
      } catch (error) {
        return checkFailure(error, "WHATSAPP_ACCESS_TOKEN", signal);
      }
      if (response.ok) {
        await response.body?.cancel();
        return { state: "working" };
      }
      const body = (await response.json().catch(() => null)) as { error?: { code?: number; message?: string } } | null;
      const reason = `HTTP ${response.status}${body?.error?.code ? `, code ${body.error.code}` : ""}: ${(body?.error?.message ?? response.statusText).slice(0, 200)}`;
      if (body?.error?.code === TOKEN_REFUSED || response.status === 401 || response.status === 403)
        return { state: "refused", variable: "WHATSAPP_ACCESS_TOKEN", reason };
      if (body?.error?.code === NO_SUCH_OBJECT)
        return { state: "refused", variable: "WHATSAPP_PHONE_NUMBER_ID", reason };
      return { state: "unreachable", reason };
    },
  };
}
