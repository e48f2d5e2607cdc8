import type { MiddlewareHandler } from "hono";
import type { PaymentEvent } from "../../domain/payments/settle.ts";
import type { AppEnv } from "../deps.ts";
import { rejectionError } from "../errors.ts";
import { readRawBody } from "./raw-body.ts";
import { logAbout } from "../log-context.ts";

/**
 * Stripe's events carry one object (a session, an intent, an invoice) without expanded lists:
 * a few KB, tens at most. Stripe publishes no larger size, so 64 KB, as for Twilio.
 */
export const STRIPE_MAX_BODY_BYTES = 64 * 1024;

/** What verifyStripe leaves on the context: the event, verified and in the domain's terms. */
export type StripeEnv = AppEnv & { Variables: { paymentEvent: PaymentEvent } };

/**
 * Stripe's webhook: the body is read within STRIPE_MAX_BODY_BYTES (413 beyond), then the
 * payments port verifies Stripe-Signature over it (the official SDK, in the adapter; at most
 * five minutes old) and translates the event. A bad one gets 400 and changes nothing; a good
 * one is `c.get("paymentEvent")`. The embedded test checkout's events pass the same check.
 * @example app.post("/api/stripe/webhook", verifyStripe(), (c) => c.json({ type: c.get("paymentEvent").type }))
 */
export const verifyStripe = (): MiddlewareHandler<StripeEnv> => async (c, next) => {
  const deps = c.get("deps");
  const rawBody = new TextDecoder().decode(
    await readRawBody(c, STRIPE_MAX_BODY_BYTES, "The body is too large to be a Stripe event."),
  );
  const verified = await deps.quotesToCash.webhooks.verify(rawBody, c.req.header("Stripe-Signature"));
  if (!verified.ok) {
    deps.logger.warn({ reason: verified.reason, bytes: rawBody.length }, "Stripe webhook refused");
    throw rejectionError(verified);
  }
  c.set("paymentEvent", verified.value);
  logAbout(c, { eventId: verified.value.eventId });
  await next();
};
