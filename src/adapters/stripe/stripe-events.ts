import type Stripe from "stripe";
import type { PaymentEvent, PaymentReport } from "../../domain/payments/settle.ts";

const idOf = (value: string | { id: string } | null | undefined): string | null =>
  typeof value === "string" ? value : (value?.id ?? null);

/**
 * Stripe's event → our PaymentEvent: which payment it is about (our id in the metadata, then
 * the session and payment intent ids) and what it reports. Amounts are Stripe's integer minor
 * units (pence for GBP). Types we do not act on come back with no ref and no report.
 */
export function translateStripeEvent(event: Stripe.Event): PaymentEvent {
  const base = { provider: "stripe", eventId: event.id, type: event.type };
  switch (event.type) {
    case "checkout.session.completed":
    case "checkout.session.async_payment_succeeded":
    case "checkout.session.async_payment_failed": {
      const session = event.data.object;
      const outcome: PaymentReport["outcome"] =
        event.type === "checkout.session.async_payment_failed"
          ? "failed"
          : event.type === "checkout.session.async_payment_succeeded" || session.payment_status === "paid"
            ? "paid"
            : "processing";
      const paymentIntentId = idOf(session.payment_intent);
      return {
        ...base,
        ref: { paymentId: session.metadata?.payment_id ?? null, checkoutSessionId: session.id, paymentIntentId },
        report: {
          outcome,
          amountPence: session.amount_total ?? null,
          currency: session.currency ?? null,
          paymentIntentId,
        },
      };
    }
    case "payment_intent.succeeded": {
      const intent = event.data.object;
      return {
        ...base,
        ref: { paymentId: intent.metadata?.payment_id ?? null, checkoutSessionId: null, paymentIntentId: intent.id },
        report: {
          outcome: "paid",
          amountPence: intent.amount_received,
          currency: intent.currency,
          paymentIntentId: intent.id,
        },
      };
    }
    case "invoice.paid": {
      // Only invoices we asked Stripe to make carry our payment id; others are not ours to settle.
      const invoice = event.data.object;
      const paymentId = invoice.metadata?.payment_id ?? null;
      if (!paymentId) return { ...base, ref: null, report: null };
      return {
        ...base,
        ref: { paymentId, checkoutSessionId: null, paymentIntentId: null },
        report: {
          outcome: "paid",
          amountPence: invoice.amount_paid,
          currency: invoice.currency,
          paymentIntentId: null,
        },
      };
    }
    default:
      return { ...base, ref: null, report: null };
  }
}
