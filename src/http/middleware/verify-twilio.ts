import { withStorableText } from "../../domain/storable-text.ts";
import type { Context, MiddlewareHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import { parseBody } from "hono/utils/body";
import twilio from "twilio";
import type { AppEnv } from "../deps.ts";
import { readRawBody } from "./raw-body.ts";
import { logAbout } from "../log-context.ts";

/**
 * Twilio's webhook parameters are a few KB (an SMS body is at most 1,600 characters, plus
 * media URLs); far more is not a webhook.
 */
export const TWILIO_MAX_BODY_BYTES = 64 * 1024;

/** What verifyTwilio leaves on the context: the form parameters Twilio signed. */
export type TwilioEnv = AppEnv & { Variables: { twilioParams: Record<string, string> } };

/**
 * The URL Twilio signed: the public address it was configured with, not the one this process
 * sees (behind a proxy, host and scheme differ). The query string is part of what is signed.
 */
export function signedUrl<E extends AppEnv>(c: Context<E>, scheme: "https" | "wss" = "https"): string {
  const base = new URL(c.get("deps").settings.publicBaseUrl);
  const seen = new URL(c.req.url);
  const protocol = scheme === "wss" ? (base.protocol === "https:" ? "wss:" : "ws:") : base.protocol;
  return `${protocol}//${base.host}${seen.pathname}${seen.search}`;
}

/** Whether `signature` is Twilio's HMAC-SHA1 of `url` and the sorted form `params`. */
export const twilioSignatureValid = (
  authToken: string,
  signature: string | undefined,
  url: string,
  params: Record<string, string>,
) => Boolean(signature) && twilio.validateRequest(authToken, signature!, url, params);

/** The string fields of a form body (urlencoded, or multipart), parsed from the bytes already read. */
async function formParams(c: Context, raw: Uint8Array<ArrayBuffer>): Promise<Record<string, string>> {
  const form = await parseBody(new Request(c.req.url, { method: "POST", headers: c.req.raw.headers, body: raw }));
  const params: Record<string, string> = {};
  for (const [key, value] of Object.entries(form)) if (typeof value === "string") params[key] = value;
  return params;
}

/**
 * Twilio's HTTP webhooks: the body is read within TWILIO_MAX_BODY_BYTES (413 beyond), and must
 * carry a valid X-Twilio-Signature over its parameters (403 otherwise, before the handler runs,
 * so it changes nothing). The verified parameters are `c.get("twilioParams")`.
 * @example app.post("/api/twilio/sms", verifyTwilio(), (c) => c.text(c.get("twilioParams").Body ?? ""))
 */
export const verifyTwilio = (): MiddlewareHandler<TwilioEnv> => async (c, next) => {
  const { twilio: settings, logger } = c.get("deps");
  const raw = await readRawBody(c, TWILIO_MAX_BODY_BYTES, "The body is too large to be a Twilio webhook.");
  const params = await formParams(c, raw);
  const signature = c.req.header("X-Twilio-Signature");
  if (!twilioSignatureValid(settings.authToken, signature, signedUrl(c), params)) {
    logger.warn({ path: c.req.path, signed: Boolean(signature) }, "Twilio webhook refused: bad or missing signature");
    throw new HTTPException(403, {
      message: signature ? "The Twilio signature does not match." : "The Twilio signature is missing.",
    });
  }
  // Verified over the bytes as sent; then without control characters, which no handler can store.
  c.set("twilioParams", withStorableText(params));
  // An SMS (or its status report) is the event its MessageSid names; a voice callback is about its call.
  logAbout(c, { callSid: params.CallSid, eventId: params.MessageSid });
  await next();
};

/**
 * The media stream's WebSocket upgrade: no body, so the signature covers the URL alone, taken
 * as the wss:// address Twilio opened or its https:// form. Refused with 403 before the upgrade.
 */
export const verifyTwilioUpgrade = (): MiddlewareHandler<AppEnv> => async (c, next) => {
  const { twilio: settings, logger } = c.get("deps");
  const signature = c.req.header("X-Twilio-Signature");
  const valid = [signedUrl(c, "wss"), signedUrl(c, "https")].some((url) =>
    twilioSignatureValid(settings.authToken, signature, url, {}),
  );
  if (!valid) {
    logger.warn({ signed: Boolean(signature) }, "media stream refused: bad or missing Twilio signature");
    return c.text("The Twilio signature is missing or does not match.", 403);
  }
  await next();
};
