import type { NewTask } from "./tasks.ts";
import type { Pence } from "../domain/money.ts";
import type { ChargeItem, ChargeKind, Payment } from "../domain/payments/charges.ts";
import type { billTo, InvoiceContent } from "../domain/payments/invoice.ts";
import type { PaymentEvent, Settlement, settle } from "../domain/payments/settle.ts";
import type { Quote } from "../domain/quotes.ts";
import type { Result } from "../domain/result.ts";

export type NewPayment = Pick<Payment, "quoteId" | "kind" | "amountPence" | "currency" | "provider">;

/** What a settled event did. */
export interface SettleOutcome {
  /** duplicate: this event id was handled before; ignored: not about a payment; unknown_payment: about one we never made. */
  outcome: "duplicate" | "ignored" | "unknown_payment" | "applied";
  settlement: Settlement | null;
  payment: Payment | null;
  invoice: { id: string; number: string } | null;
}

/** The pure rules the settlement transaction applies (from src/domain/payments). */
export interface SettlementRules {
  decide: typeof settle;
  /** Who the invoice is made out to, from the customer and the job's site. */
  billTo: typeof billTo;
  /** The invoice's content for a payment just settled; `number` is the next in the sequence. */
  invoice(input: {
    number: number;
    quote: Quote;
    payment: Payment;
    customer: InvoiceContent["customer"];
    job: InvoiceContent["job"];
    earlier: Pick<InvoiceContent, "number" | "kind" | "totalPence" | "vat">[];
  }): InvoiceContent;
  /** Durable work to enqueue with a new invoice, in the same transaction (render the PDF, send the receipt). */
  tasksForInvoice(invoice: { id: string; quoteId: string }): NewTask[];
}

export interface MoneyFigures {
  quotedPence: Pence;
  quotedCount: number;
  acceptedPence: Pence;
  acceptedCount: number;
  paidPence: Pence;
  paidCount: number;
}

/** Payments for quotes, and the one transaction that settles a provider's event. */
export interface Payments {
  create(payment: NewPayment): Promise<Payment>;
  attachSession(id: string, session: { id: string; url: string; expiresAt: Date }): Promise<void>;
  byId(id: string): Promise<Payment | null>;
  bySessionId(sessionId: string): Promise<Payment | null>;
  forQuote(quoteId: string): Promise<Payment[]>;
  /** A pending payment of this kind and amount whose checkout session is still open at `now`, to send the customer back to. */
  reusable(quoteId: string, kind: ChargeKind, amountPence: Pence, now: Date): Promise<Payment | null>;
  /**
   * In one transaction: records the event id (a replay stops here), finds and locks the
   * payment and its quote, applies `rules.decide`, and when paid moves the quote on, issues
   * the invoice with the next number and enqueues its jobs. Safe under concurrent deliveries.
   */
  settleEvent(event: PaymentEvent, at: Date, rules: SettlementRules): Promise<SettleOutcome>;
  /** Payments staff must look at (amount mismatches, double payments). */
  flagged(limit: number): Promise<(Payment & { issueId: string; issueTitle: string })[]>;
  moneySince(since: Date): Promise<MoneyFigures>;
}

export interface CheckoutRequest {
  paymentId: string;
  quoteId: string;
  kind: ChargeKind;
  amountPence: Pence;
  /** Lower-case ISO code; always "gbp" here. */
  currency: string;
  items: ChargeItem[];
  customerEmail: string | null;
  successUrl: string;
  cancelUrl: string;
  expiresAt: Date;
  /** The same key twice gives the same session back (Stripe keeps keys for 24 hours). */
  idempotencyKey: string;
}

export interface CheckoutSession {
  id: string;
  url: string;
  status: "open" | "complete" | "expired";
  paymentStatus: "paid" | "unpaid" | "no_payment_required";
  amountTotalPence: Pence;
  currency: string;
  expiresAt: Date;
  metadata: Record<string, string>;
}

/** A hosted checkout page: Stripe Checkout, or the embedded test checkout. */
export interface Checkout {
  /** "stripe" or "test". */
  readonly provider: string;
  createSession(request: CheckoutRequest): Promise<CheckoutSession>;
  /** null when the provider has no such session. */
  retrieveSession(id: string): Promise<CheckoutSession | null>;
}

/** Verifies a webhook delivery (signature over the raw body, age) and translates its event. */
export interface PaymentWebhooks {
  verify(
    rawBody: string,
    signatureHeader: string | undefined,
  ): Promise<Result<PaymentEvent, "bad_signature" | "bad_payload">>;
}
