import type { MiddlewareHandler } from "hono";
import type { WebhookOutcome, WebhookProvider } from "../../ports/metrics.ts";
import type { AppEnv } from "../deps.ts";

/** Each provider webhook's path, and the provider it is counted under. */
export const WEBHOOK_PATHS: Readonly<Record<string, WebhookProvider>> = {
  "/api/twilio/voice": "twilio-voice",
  "/api/twilio/voicemail": "twilio-voice",
  "/api/twilio/status": "twilio-voice",
  "/api/twilio/recording": "twilio-voice",
  "/api/twilio/sms": "twilio-sms",
  "/api/twilio/sms-status": "twilio-sms",
  "/api/twilio/media-stream": "twilio-media-stream",
  "/api/whatsapp/webhook": "whatsapp",
  "/api/stripe/webhook": "stripe",
};

const outcomeOf = (status: number): WebhookOutcome =>
  status >= 500 ? "failed" : status >= 400 ? "refused" : "accepted";

/**
 * Counts and times every provider webhook by provider and outcome: refused by its signature
 * check or for bad input (4xx), failed on our side (5xx), or accepted. Other paths pass by.
 */
export const webhookMetrics = (): MiddlewareHandler<AppEnv> => async (c, next) => {
  const provider = WEBHOOK_PATHS[c.req.path];
  if (!provider) return next();
  const started = performance.now();
  await next();
  c.get("deps").metrics.webhookHandled(provider, outcomeOf(c.res.status), (performance.now() - started) / 1000);
};
