import Stripe from "stripe";

/**
 * Stripe events as Stripe's API reference shows them (the fields our translator reads, plus the
 * envelope), and their signatures made with the official SDK's generateTestHeaderStringAsync
 * (the synchronous generateTestHeaderString throws under Bun).
 */
export interface PaymentRefs {
  paymentId: string;
  quoteId: string;
  sessionId: string;
  paymentIntentId: string;
  amountPence: number;
  currency?: string;
}

let counter = 0;
export const eventId = (label = "") =>
  `evt_test_${label}${(++counter).toString(36)}${crypto.randomUUID().replaceAll("-", "").slice(0, 12)}`;

const envelope = (type: string, object: Record<string, unknown>, id = eventId()) => ({
  id,
  object: "event",
  api_version: Stripe.API_VERSION,
  created: 1_795_000_000,
  livemode: false,
  pending_webhooks: 1,
  request: { id: null, idempotency_key: null },
  type,
  data: { object },
});

const session = (r: PaymentRefs, paymentStatus: "paid" | "unpaid") => ({
  id: r.sessionId,
  object: "checkout.session",
  mode: "payment",
  status: "complete",
  payment_status: paymentStatus,
  amount_subtotal: r.amountPence,
  amount_total: r.amountPence,
  currency: r.currency ?? "gbp",
  client_reference_id: r.quoteId,
  payment_intent: r.paymentIntentId,
  metadata: { payment_id: r.paymentId, quote_id: r.quoteId },
});

export const stripeEvents = {
  checkoutCompleted: (r: PaymentRefs, paymentStatus: "paid" | "unpaid" = "paid", id?: string) =>
    envelope("checkout.session.completed", session(r, paymentStatus), id),
  asyncSucceeded: (r: PaymentRefs) => envelope("checkout.session.async_payment_succeeded", session(r, "paid")),
  asyncFailed: (r: PaymentRefs) => envelope("checkout.session.async_payment_failed", session(r, "unpaid")),
  paymentIntentSucceeded: (r: PaymentRefs) =>
    envelope("payment_intent.succeeded", {
      id: r.paymentIntentId,
      object: "payment_intent",
      amount: r.amountPence,
      amount_received: r.amountPence,
      currency: r.currency ?? "gbp",
      status: "succeeded",
      metadata: { payment_id: r.paymentId, quote_id: r.quoteId },
    }),
  invoicePaid: (r: PaymentRefs) =>
    envelope("invoice.paid", {
      id: `in_${r.paymentId.slice(0, 8)}`,
      object: "invoice",
      amount_paid: r.amountPence,
      amount_due: r.amountPence,
      currency: r.currency ?? "gbp",
      status: "paid",
      metadata: { payment_id: r.paymentId, quote_id: r.quoteId },
    }),
  other: (type: string) => envelope(type, { id: "ch_123", object: "charge", amount: 100, currency: "gbp" }),
};

/** The raw body and its Stripe-Signature header, signed at `at` (seconds) with `secret`. */
export async function signed(event: object, secret: string, at: Date): Promise<{ body: string; signature: string }> {
  const body = JSON.stringify(event);
  const signature = await Stripe.webhooks.generateTestHeaderStringAsync({
    payload: body,
    secret,
    timestamp: Math.floor(at.getTime() / 1000),
  });
  return { body, signature };
}
