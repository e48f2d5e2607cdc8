import Stripe from "stripe";
import { ok, reject } from "../../domain/result.ts";
import type { PaymentWebhooks } from "../../ports/payments.ts";
import { translateStripeEvent } from "./stripe-events.ts";

/** Stripe's default: a signature older than five minutes is refused (a replayed delivery). */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

/**
 * Verifies Stripe-Signature (`t=…,v1=…`: HMAC-SHA256 of "t.rawBody" with the endpoint's
 * secret) over the raw body with the official SDK, refuses deliveries older than the
 * tolerance by the app's clock, then translates the event. Under Bun the SDK's synchronous
 * constructEvent throws, so this uses constructEventAsync.
 * @example const webhooks = createStripeWebhooks({ secret: "whsec_…", now: () => new Date() });
 */
export function createStripeWebhooks(options: {
  secret: string;
  now: () => Date;
  toleranceSeconds?: number;
}): PaymentWebhooks {
  const tolerance = options.toleranceSeconds ?? SIGNATURE_TOLERANCE_SECONDS;
  return {
    async verify(rawBody, header) {
      if (!header) return reject("bad_signature", "The Stripe-Signature header is missing.");
      let event: Stripe.Event;
      try {
        event = await Stripe.webhooks.constructEventAsync(
          rawBody,
          header,
          options.secret,
          tolerance,
          undefined,
          options.now().getTime(),
        );
      } catch (error) {
        if (error instanceof SyntaxError) return reject("bad_payload", "The body is not JSON.");
        const message = error instanceof Error ? (error.message.split("\n")[0] ?? "") : String(error);
        return reject("bad_signature", `Stripe signature check failed: ${message.trim()}`);
      }
      if (typeof event?.id !== "string" || typeof event.type !== "string" || !event.data?.object) {
        return reject("bad_payload", "The body is not a Stripe event.");
      }
      return ok(translateStripeEvent(event));
    },
  };
}
