import { formatPence, type Pence } from "../money.ts";
import { changeQuoteStatus, type QuoteStatus } from "../quotes.ts";
import { overlaps, type ChargeKind, type Payment } from "./charges.ts";

/**
 * What a provider's event says about one payment, whatever the provider. Stripe's
 * checkout.session.completed, its async_payment_succeeded / _failed, payment_intent.succeeded
 * and invoice.paid all become one of these.
 */
export interface PaymentReport {
  outcome: "paid" | "processing" | "failed";
  /** The amount the provider says was paid (or is being paid), in pence; null when it did not say. */
  amountPence: Pence | null;
  /** Lower-case ISO code, e.g. "gbp". */
  currency: string | null;
  paymentIntentId: string | null;
}

/** How to find the payment an event is about: our id from its metadata, else the provider's ids. */
export interface PaymentRef {
  paymentId: string | null;
  checkoutSessionId: string | null;
  paymentIntentId: string | null;
}

/** One verified provider event, translated. `ref` and `report` are null for events we do not act on. */
export interface PaymentEvent {
  provider: string;
  eventId: string;
  type: string;
  ref: PaymentRef | null;
  report: PaymentReport | null;
}

export type Settlement =
  | { action: "none"; why: string }
  | { action: "processing" }
  | { action: "failed" }
  | { action: "flag"; reason: string }
  | { action: "paid"; quoteStatus: QuoteStatus | null; flag: string | null };

const AFTER_PAYMENT: Record<ChargeKind, QuoteStatus> = { deposit: "deposit_paid", full: "paid", balance: "paid" };

/**
 * Where the quote goes once `kind` is paid, by the transition table; null when the table does
 * not allow it. A customer who paid has accepted, even if "accept" was not recorded, so a quote
 * that could still be accepted moves through "accepted" on the way.
 */
function statusAfterPayment(quote: { status: QuoteStatus }, kind: ChargeKind): QuoteStatus | null {
  const accepted = changeQuoteStatus(quote, "accepted");
  const moved = changeQuoteStatus(accepted.ok ? { status: accepted.value } : quote, AFTER_PAYMENT[kind]);
  return moved.ok ? moved.value : null;
}

/**
 * Decides what an event does to a payment. Safe to call with events in any order and more
 * than once: a paid payment stays paid, a flagged one waits for staff, a failure never undoes
 * a payment, and money reported in a different amount or currency is flagged, never paid.
 * `otherPaid` are the kinds of the quote's other payments that are already paid.
 */
export function settle(
  payment: Pick<Payment, "kind" | "amountPence" | "currency" | "status">,
  quote: { status: QuoteStatus },
  otherPaid: readonly ChargeKind[],
  report: PaymentReport,
): Settlement {
  if (payment.status === "paid") return { action: "none", why: "already paid" };
  if (payment.status === "mismatch") return { action: "none", why: "already flagged for staff" };

  if (report.outcome === "failed")
    return payment.status === "failed" ? { action: "none", why: "already failed" } : { action: "failed" };
  if (report.outcome === "processing") {
    return payment.status === "pending"
      ? { action: "processing" }
      : { action: "none", why: `payment is ${payment.status}` };
  }

  if (
    report.amountPence === null ||
    report.amountPence !== payment.amountPence ||
    (report.currency ?? "").toLowerCase() !== payment.currency
  ) {
    const reported =
      report.amountPence === null
        ? "no amount"
        : `${formatPence(report.amountPence)} ${(report.currency ?? "?").toUpperCase()}`;
    return {
      action: "flag",
      reason: `Amount mismatch: the provider reported ${reported}, but this payment was for ${formatPence(payment.amountPence)} GBP. Not marked paid; check it in the provider's dashboard.`,
    };
  }
  if (otherPaid.some((kind) => overlaps(payment.kind, kind))) {
    return {
      action: "flag",
      reason: `Paid twice: this quote's ${payment.kind === "full" ? "total" : payment.kind} was already paid by another payment. Refund this one.`,
    };
  }
  const quoteStatus = statusAfterPayment(quote, payment.kind);
  if (quoteStatus) return { action: "paid", quoteStatus, flag: null };
  return {
    action: "paid",
    quoteStatus: null,
    flag: `Paid while the quote was ${quote.status.replace("_", " ")}: check with the customer.`,
  };
}
