import Stripe from "stripe";
import type { Checkout, CheckoutSession } from "../../ports/payments.ts";
import { createRatePacer, type RatePacer } from "../resilience/rate-pacer.ts";
import { defaultPolicy } from "../resilience/vendor-policies.ts";
import { VENDOR_PACE } from "../resilience/vendor-limits.ts";
import type { VendorPolicy } from "../resilience/vendor-policy.ts";

/** Where the SDK sends its requests; tests point it at a loopback peer. */
export interface StripeEndpoint {
  host?: string;
  port?: number;
  protocol?: "http" | "https";
}

/**
 * The official client for this secret key. Its own retries are off (maxNetworkRetries: 0): the
 * vendor policy retries (src/adapters/resilience), with the same idempotency key, so attempts
 * are not multiplied.
 */
export const createStripeClient = (secretKey: string, endpoint: StripeEndpoint = {}): Stripe =>
  new Stripe(secretKey, { ...endpoint, maxNetworkRetries: 0, timeout: 20_000, appInfo: { name: "Switchboard" } });

/** Stripe's enums are open (new values may appear): keep the ones we know. */
const oneOf = <T extends string>(value: string | null, known: readonly T[]): T | null =>
  (known as readonly string[]).includes(value ?? "") ? (value as T) : null;

const toSession = (session: Stripe.Checkout.Session): CheckoutSession => ({
  id: session.id,
  url: session.url ?? "",
  status: oneOf(session.status, ["complete", "expired"] as const) ?? "open",
  paymentStatus: oneOf(session.payment_status, ["paid", "no_payment_required"] as const) ?? "unpaid",
  amountTotalPence: session.amount_total ?? 0,
  currency: session.currency ?? "gbp",
  expiresAt: new Date(session.expires_at * 1000),
  metadata: session.metadata ?? {},
});

/** Failures name Stripe and keep the SDK's error as the cause. */
const failure = (what: string, error: unknown) =>
  new Error(`Stripe: ${what} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });

/**
 * Stripe Checkout (hosted page, mode "payment"): one line item per charge item at quantity 1
 * (amounts are integer pence), our payment and quote ids in the session's and the payment
 * intent's metadata, and the request's idempotency key. Calls go through Stripe's vendor policy
 * (timeout, circuit, retries of transient failures) at Stripe's documented pace.
 */
export function createStripeCheckout(
  client: Stripe,
  resilience: { policy?: VendorPolicy; pacer?: RatePacer } = {},
): Checkout {
  const policy = resilience.policy ?? defaultPolicy("Stripe");
  const pacer = resilience.pacer ?? createRatePacer(VENDOR_PACE.Stripe);
  /** Every call here is safe to repeat: creates carry an idempotency key, retrieves are reads. */
  const paced = async <T>(call: () => Promise<T>): Promise<T> => {
    await pacer.take();
    return policy.run(call, { retry: true });
  };
  return {
    provider: "stripe",
    async createSession(request) {
      const metadata = { payment_id: request.paymentId, quote_id: request.quoteId, kind: request.kind };
      try {
        const session = await paced(() =>
          client.checkout.sessions.create(
            {
              mode: "payment",
              line_items: request.items.map((item) => ({
                quantity: 1,
                price_data: {
                  currency: request.currency,
                  unit_amount: item.amountPence,
                  product_data: { name: item.name, ...(item.description ? { description: item.description } : {}) },
                },
              })),
              success_url: request.successUrl,
              cancel_url: request.cancelUrl,
              client_reference_id: request.quoteId,
              ...(request.customerEmail ? { customer_email: request.customerEmail } : {}),
              metadata,
              payment_intent_data: { metadata },
              expires_at: Math.floor(request.expiresAt.getTime() / 1000),
            },
            { idempotencyKey: request.idempotencyKey },
          ),
        );
        return toSession(session);
      } catch (error) {
        throw failure("creating a Checkout session", error);
      }
    },
    async retrieveSession(id) {
      try {
        return toSession(await paced(() => client.checkout.sessions.retrieve(id)));
      } catch (error) {
        if (error instanceof Stripe.errors.StripeInvalidRequestError && error.statusCode === 404) return null;
        throw failure(`retrieving Checkout session ${id}`, error);
      }
    },
  };
}
