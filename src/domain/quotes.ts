import { divideRounded, type Pence } from "./money.ts";
import { ok, reject, type Result } from "./result.ts";
import { transition, type Transitions } from "./state-machine.ts";

export const DEFAULT_VAT_RATE_PERCENT = 20;

export const QUOTE_STATUSES = [
  "draft",
  "sent",
  "viewed",
  "accepted",
  "deposit_paid",
  "paid",
  "declined",
  "expired",
  "superseded",
] as const;
export type QuoteStatus = (typeof QUOTE_STATUSES)[number];

export const quoteTransitions: Transitions<QuoteStatus> = {
  draft: ["sent"],
  sent: ["viewed", "accepted", "declined", "expired", "superseded"],
  viewed: ["accepted", "declined", "expired", "superseded"],
  accepted: ["deposit_paid", "paid"],
  deposit_paid: ["paid"],
  paid: [],
  declined: [],
  expired: ["superseded"],
  superseded: [],
};

export const LINE_KINDS = ["labour", "materials", "call_out", "other"] as const;
export type LineKind = (typeof LINE_KINDS)[number];

export interface QuoteLine {
  kind: LineKind;
  description: string;
  /** Up to three decimal places (1.5 hours); stored as given. */
  quantity: number;
  unitPricePence: Pence;
  /** Percent, 0–100, up to two decimal places (20, 5, 0). */
  vatRatePercent: number;
}

export type Deposit = { kind: "percent"; percent: number } | { kind: "amount"; pence: Pence };

export interface Quote {
  id: string;
  issueId: string;
  /** Editing a sent quote makes a new version; the customer sees the latest sent one. */
  version: number;
  /** Public link token, at least 128 bits of randomness, base64url. */
  token: string;
  status: QuoteStatus;
  lines: QuoteLine[];
  discountPence: Pence;
  deposit: Deposit | null;
  validUntil: Date | null;
  terms: string | null;
  totals: QuoteTotals;
  createdAt: Date;
  sentAt: Date | null;
}

export interface LineTotals {
  netPence: Pence;
  discountPence: Pence;
  vatPence: Pence;
}

export interface QuoteTotals {
  lines: LineTotals[];
  /** Before discount, without VAT. */
  subtotalPence: Pence;
  discountPence: Pence;
  /** After discount, without VAT. */
  netPence: Pence;
  vatPence: Pence;
  totalPence: Pence;
  /** VAT by rate, for the invoice's breakdown: rate percent → { net, vat }. */
  vatByRate: { ratePercent: number; netPence: Pence; vatPence: Pence }[];
  depositPence: Pence;
}

const toThousandths = (quantity: number) => Math.round(quantity * 1000);
const toBasisPoints = (percent: number) => Math.round(percent * 100);

/**
 * The rounding rule, in full:
 * 1. A line's net is quantity × unit price, rounded to the penny (halves away from zero).
 * 2. A discount is taken off the net, shared between lines in proportion to their net,
 *    the pennies left by that sharing going to the largest lines first, so the shares add up exactly.
 * 3. VAT is worked out per line on its net after discount, rounded to the penny (halves away from zero).
 * 4. Totals are the sums of the rounded line figures, so the quote always adds up as printed.
 * 5. A percentage deposit is that share of the total, rounded to the penny; never more than the total.
 */
export function quoteTotals(lines: readonly QuoteLine[], discountPence: Pence = 0, deposit: Deposit | null = null): QuoteTotals {
  const nets = lines.map((line) => divideRounded(toThousandths(line.quantity) * line.unitPricePence, 1000));
  const subtotalPence = nets.reduce((sum, net) => sum + net, 0);
  const discount = Math.min(Math.max(discountPence, 0), subtotalPence);
  const shares = shareOut(discount, nets);
  const lineTotals = lines.map((line, i) => {
    const net = nets[i]! - shares[i]!;
    return { netPence: nets[i]!, discountPence: shares[i]!, vatPence: divideRounded(net * toBasisPoints(line.vatRatePercent), 10_000) };
  });
  const netPence = subtotalPence - discount;
  const vatPence = lineTotals.reduce((sum, line) => sum + line.vatPence, 0);
  const totalPence = netPence + vatPence;

  const byRate = new Map<number, { ratePercent: number; netPence: Pence; vatPence: Pence }>();
  lines.forEach((line, i) => {
    const entry = byRate.get(line.vatRatePercent) ?? { ratePercent: line.vatRatePercent, netPence: 0, vatPence: 0 };
    entry.netPence += lineTotals[i]!.netPence - lineTotals[i]!.discountPence;
    entry.vatPence += lineTotals[i]!.vatPence;
    byRate.set(line.vatRatePercent, entry);
  });

  return {
    lines: lineTotals,
    subtotalPence,
    discountPence: discount,
    netPence,
    vatPence,
    totalPence,
    vatByRate: [...byRate.values()].sort((a, b) => b.ratePercent - a.ratePercent),
    depositPence: depositAmount(deposit, totalPence),
  };
}

function depositAmount(deposit: Deposit | null, totalPence: Pence): Pence {
  if (!deposit) return 0;
  const pence = deposit.kind === "amount" ? deposit.pence : divideRounded(totalPence * toBasisPoints(deposit.percent), 10_000);
  return Math.min(Math.max(pence, 0), totalPence);
}

/** Shares `amount` between `weights` in proportion, largest remainders first, summing exactly to `amount`. */
function shareOut(amount: number, weights: readonly number[]): number[] {
  const total = weights.reduce((sum, w) => sum + w, 0);
  if (amount === 0 || total === 0) return weights.map(() => 0);
  const exact = weights.map((w) => (amount * w) / total);
  const shares = exact.map(Math.floor);
  let left = amount - shares.reduce((sum, s) => sum + s, 0);
  const order = exact
    .map((value, i) => ({ i, remainder: value - Math.floor(value), weight: weights[i]! }))
    .sort((a, b) => b.remainder - a.remainder || b.weight - a.weight || a.i - b.i);
  for (const { i } of order) {
    if (left === 0) break;
    shares[i]! += 1;
    left -= 1;
  }
  return shares;
}

export const MAX_QUANTITY = 100_000;

/** Checks one line; the message names what is wrong so it can stand beside the field. */
export function checkLine(line: QuoteLine, maxLinePence: Pence): Result<QuoteLine, "invalid_line"> {
  if (line.description.trim() === "") return reject("invalid_line", "Describe the line.");
  if (!Number.isFinite(line.quantity) || line.quantity <= 0) return reject("invalid_line", "Quantity must be more than zero.");
  if (line.quantity > MAX_QUANTITY) return reject("invalid_line", `Quantity must be at most ${MAX_QUANTITY}.`);
  if (!Number.isSafeInteger(line.unitPricePence) || line.unitPricePence < 0) return reject("invalid_line", "Price cannot be negative.");
  if (!Number.isFinite(line.vatRatePercent) || line.vatRatePercent < 0 || line.vatRatePercent > 100) {
    return reject("invalid_line", "VAT rate must be between 0 and 100.");
  }
  if (line.quantity * line.unitPricePence > maxLinePence) return reject("invalid_line", "That line is over the largest amount allowed.");
  return ok(line);
}

export const changeQuoteStatus = (quote: Pick<Quote, "status">, to: QuoteStatus) =>
  transition(quoteTransitions, quote.status, to, "quote");

/** Whether the customer can still accept: sent or viewed, and not past its validity date. */
export function canAccept(quote: Pick<Quote, "status" | "validUntil">, now: Date): Result<true, "quote_not_open" | "quote_expired"> {
  if (quote.status !== "sent" && quote.status !== "viewed") {
    return reject("quote_not_open", `This quote is ${quote.status} and can no longer be accepted.`);
  }
  if (quote.validUntil && quote.validUntil.getTime() < now.getTime()) {
    return reject("quote_expired", "This quote has expired. Ask us for a fresh one.");
  }
  return ok(true);
}
