import type { Context, MiddlewareHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import twilio from "twilio";
import type { AppEnv } from "../deps.ts";

/**
 * The URL Twilio signed: the public address it was configured with, not the one this process
 * sees (behind a proxy, host and scheme differ). The query string is part of what is signed.
 */
export function signedUrl(c: Context<AppEnv>, scheme: "https" | "wss" = "https"): string {
  const base = new URL(c.get("deps").settings.publicBaseUrl);
  const seen = new URL(c.req.url);
  const protocol = scheme === "wss" ? (base.protocol === "https:" ? "wss:" : "ws:") : base.protocol;
  return `${protocol}//${base.host}${seen.pathname}${seen.search}`;
}

/** Whether `signature` is Twilio's HMAC-SHA1 of `url` and the sorted form `params`. */
export const twilioSignatureValid = (authToken: string, signature: string | undefined, url: string, params: Record<string, string>) =>
  Boolean(signature) && twilio.validateRequest(authToken, signature!, url, params);

/**
 * Twilio webhooks must carry a valid X-Twilio-Signature; anything else gets 403 before the
 * handler runs, so it changes nothing. The parsed form is left on the request for the handler.
 */
export const requireTwilioSignature = (): MiddlewareHandler<AppEnv> => async (c, next) => {
  const { twilio: settings, logger } = c.get("deps");
  const form = await c.req.parseBody();
  const params: Record<string, string> = {};
  for (const [key, value] of Object.entries(form)) if (typeof value === "string") params[key] = value;
  const signature = c.req.header("X-Twilio-Signature");
  if (!twilioSignatureValid(settings.authToken, signature, signedUrl(c), params)) {
    logger.warn({ path: c.req.path, signed: Boolean(signature) }, "Twilio webhook refused: bad or missing signature");
    throw new HTTPException(403, { message: signature ? "The Twilio signature does not match." : "The Twilio signature is missing." });
  }
  await next();
};
