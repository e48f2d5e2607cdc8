import { formatPence, type Pence } from "../money.ts";
import { ok, reject, type Result } from "../result.ts";
import { canBePaid, type Quote } from "../quotes.ts";

export const CHARGE_KINDS = ["deposit", "full", "balance"] as const;
/** deposit: the quote's deposit; full: the whole total; balance: what is left after the deposit. */
export type ChargeKind = (typeof CHARGE_KINDS)[number];

export const PAYMENT_STATUSES = ["pending", "processing", "paid", "failed", "mismatch"] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

/** One attempt to take money for a quote through a checkout session. */
export interface Payment {
  id: string;
  quoteId: string;
  kind: ChargeKind;
  amountPence: Pence;
  currency: string;
  /** "stripe", or "test" for the embedded test checkout. */
  provider: string;
  status: PaymentStatus;
  checkoutSessionId: string | null;
  checkoutUrl: string | null;
  sessionExpiresAt: Date | null;
  paymentIntentId: string | null;
  receivedPence: Pence | null;
  /** Why staff must look at it; null when all is well. */
  flag: string | null;
  createdAt: Date;
  paidAt: Date | null;
}

/** The provider name seed-demo's payments carry: settled like a webhook's, but no money moved. */
export const DEMO_PROVIDER = "seed-demo";

/**
 * Where a payment came from, as staff and invoices say it; anything but Stripe says no card was charged.
 * @example paymentSource("test") // "test checkout (no card charged)"
 */
export const paymentSource = (provider: string): string =>
  provider === "stripe"
    ? "Stripe"
    : provider === "test"
      ? "test checkout (no card charged)"
      : provider === DEMO_PROVIDER
        ? "demo data (no card charged)"
        : provider;

/** A line on the checkout page. The items of a charge add up to its amount exactly. */
export interface ChargeItem {
  name: string;
  description: string | null;
  amountPence: Pence;
}

export interface Charge {
  kind: ChargeKind;
  amountPence: Pence;
  items: ChargeItem[];
}

/** What the customer chose on the quote page. */
export type PayChoice = "deposit" | "full";

const PAID_ENOUGH = "This quote has already been paid in full.";

/**
 * What to charge next for a quote, from where it stands:
 * before payment, the deposit (when it has one and the customer chose it) or the full total;
 * after the deposit, the balance (the total less what was paid); once paid, nothing.
 * `paid` are the quote's payments that have been paid.
 */
export function nextCharge(
  quote: Pick<Quote, "status" | "lines" | "totals" | "version">,
  paid: readonly Pick<Payment, "kind" | "amountPence">[],
  choice: PayChoice,
): Result<Charge, "quote_already_paid" | "quote_not_payable"> {
  if (quote.status === "paid") return reject("quote_already_paid", PAID_ENOUGH);
  if (!canBePaid(quote.status))
    return reject("quote_not_payable", `This quote is ${quote.status.replace("_", " ")} and cannot be paid.`);
  const paidSoFar = paid.reduce((sum, p) => sum + p.amountPence, 0);
  const left = quote.totals.totalPence - paidSoFar;
  if (left <= 0) return reject("quote_already_paid", PAID_ENOUGH);

  if (paid.some((p) => p.kind === "deposit") || quote.status === "deposit_paid") {
    return ok({
      kind: "balance",
      amountPence: left,
      items: [
        {
          name: `Remaining balance, quote version ${quote.version}`,
          description: `${formatPence(quote.totals.totalPence)} total, ${formatPence(paidSoFar)} already paid`,
          amountPence: left,
        },
      ],
    });
  }
  const deposit = quote.totals.depositPence;
  if (choice === "deposit" && deposit > 0 && deposit < quote.totals.totalPence) {
    return ok({
      kind: "deposit",
      amountPence: deposit,
      items: [
        {
          name: `Deposit, quote version ${quote.version}`,
          description: `Deposit towards ${formatPence(quote.totals.totalPence)} (VAT included)`,
          amountPence: deposit,
        },
      ],
    });
  }
  return ok({ kind: "full", amountPence: quote.totals.totalPence, items: fullItems(quote) });
}

/**
 * The quote's lines as checkout items, each at its price after its share of the discount and
 * with its VAT, so the items add up to the quote's total to the penny (Stripe takes whole
 * quantities, so a line's quantity goes in its description).
 */
function fullItems(quote: Pick<Quote, "lines" | "totals">): ChargeItem[] {
  return quote.lines
    .map((line, i) => {
      const t = quote.totals.lines[i]!;
      const amountPence = t.netPence - t.discountPence + t.vatPence;
      const description = `${line.quantity} × ${formatPence(line.unitPricePence)}${t.discountPence ? `, less ${formatPence(t.discountPence)} discount` : ""}, VAT ${line.vatRatePercent}%`;
      return { name: line.description, description, amountPence };
    })
    .filter((item) => item.amountPence > 0);
}

/** Whether a paid payment of `kind` means `other` would be money taken twice. */
export function overlaps(kind: ChargeKind, other: ChargeKind): boolean {
  if (kind === "full" || other === "full") return true;
  return kind === other;
}
