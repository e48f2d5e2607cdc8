import { divideRounded, formatPoundsBrief, type Pence } from "./money.ts";
import { ok, reject, type Result } from "./result.ts";
import { reachableFrom, statesLeadingTo, transition, type Transitions } from "./state-machine.ts";

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
  /** Every change moves it: saved, sent, viewed, accepted, paid. */
  updatedAt: Date;
  /** Blob key of the sent version's PDF under documents/quotes/, once it is stored. */
  documentKey: string | null;
}

export interface LineTotals {
  /** The line's net before discount: quantity × unit price, rounded to the penny. */
  netPence: Pence;
  /** This line's share of the quote's discount. */
  discountPence: Pence;
  /** VAT on (netPence − discountPence). */
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
  /** VAT by rate, highest rate first, for the invoice's breakdown; nets are after discount. */
  vatByRate: { ratePercent: number; netPence: Pence; vatPence: Pence }[];
  depositPence: Pence;
}

const toThousandths = (quantity: number) => Math.round(quantity * 1000);
const toBasisPoints = (percent: number) => Math.round(percent * 100);

/**
 * A line's net before discount: quantity (to three decimal places) × unit price, rounded to the
 * penny, halves away from zero.
 * @example lineNetPence({ quantity: 1.5, unitPricePence: 333 }) // 500 (499.5 rounds up)
 */
export const lineNetPence = (line: Pick<QuoteLine, "quantity" | "unitPricePence">): Pence =>
  divideRounded(toThousandths(line.quantity) * line.unitPricePence, 1000);

/**
 * The rounding rule, in full:
 * 1. A line's net is quantity × unit price, rounded to the penny (halves away from zero).
 * 2. A discount is taken off the net, shared between lines in proportion to their net: each
 *    line gets the whole pennies of its exact share, and the pennies left over go one each to the
 *    lines with the largest remainders (ties: the larger line, then the earlier one), so the
 *    shares add up exactly. A discount is never more than the subtotal.
 * 3. VAT is worked out per line on its net after discount, rounded to the penny (halves away from zero).
 * 4. Totals are the sums of the rounded line figures, so the quote always adds up as printed.
 * 5. A percentage deposit is that share of the total, rounded to the penny; never more than the total.
 *
 * Expects lines that passed `checkLine` and whole pence; anything else is a bug and throws a RangeError.
 */
export function quoteTotals(
  lines: readonly QuoteLine[],
  discountPence: Pence = 0,
  deposit: Deposit | null = null,
): QuoteTotals {
  wholePence("discount", discountPence);
  if (deposit?.kind === "amount") wholePence("deposit", deposit.pence);
  const nets = lines.map((line) => {
    wholePence("unit price", line.unitPricePence);
    const net = lineNetPence(line);
    if (net < 0) throw new RangeError(`quoteTotals: a line's net cannot be negative (${line.description}: ${net}p)`);
    return net;
  });
  const subtotalPence = nets.reduce((sum, net) => sum + net, 0);
  const discount = Math.min(Math.max(discountPence, 0), subtotalPence);
  const shares = shareOut(discount, nets);
  const lineTotals = lines.map((line, i) => {
    const net = nets[i]! - shares[i]!;
    return {
      netPence: nets[i]!,
      discountPence: shares[i]!,
      vatPence: divideRounded(net * toBasisPoints(line.vatRatePercent), 10_000),
    };
  });
  const netPence = subtotalPence - discount;
  const vatPence = lineTotals.reduce((sum, line) => sum + line.vatPence, 0);
  const totalPence = netPence + vatPence;

  // Keyed by basis points, so 17.5 and 17.500000001 are one rate, as they are in the arithmetic.
  const byRate = new Map<number, { ratePercent: number; netPence: Pence; vatPence: Pence }>();
  lines.forEach((line, i) => {
    const basisPoints = toBasisPoints(line.vatRatePercent);
    const entry = byRate.get(basisPoints) ?? { ratePercent: basisPoints / 100, netPence: 0, vatPence: 0 };
    entry.netPence += lineTotals[i]!.netPence - lineTotals[i]!.discountPence;
    entry.vatPence += lineTotals[i]!.vatPence;
    byRate.set(basisPoints, entry);
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

function wholePence(what: string, pence: Pence): void {
  if (!Number.isSafeInteger(pence)) throw new RangeError(`quoteTotals: the ${what} must be whole pence, not ${pence}`);
}

function depositAmount(deposit: Deposit | null, totalPence: Pence): Pence {
  if (!deposit) return 0;
  const pence =
    deposit.kind === "amount" ? deposit.pence : divideRounded(totalPence * toBasisPoints(deposit.percent), 10_000);
  return Math.min(Math.max(pence, 0), totalPence);
}

/**
 * Shares `amount` between non-negative integer `weights` in proportion, largest remainders first
 * (ties to the larger weight, then the earlier one), summing exactly to `amount`.
 * Works in BigInt: amount × weight passes 2^53 once a quote nears a million pounds, and float
 * remainders that should tie (7464/14996 twice) compare unequal, handing the penny to the wrong line.
 */
function shareOut(amount: number, weights: readonly number[]): number[] {
  const total = weights.reduce((sum, w) => sum + w, 0);
  if (amount === 0 || total === 0) return weights.map(() => 0);
  const bigAmount = BigInt(amount);
  const bigTotal = BigInt(total);
  const parts = weights.map((weight, i) => {
    const scaled = bigAmount * BigInt(weight);
    return { i, weight, share: Number(scaled / bigTotal), remainder: scaled % bigTotal };
  });
  const shares = parts.map((part) => part.share);
  let left = amount - shares.reduce((sum, s) => sum + s, 0);
  const order = [...parts].sort(
    (a, b) =>
      (a.remainder === b.remainder ? 0 : a.remainder > b.remainder ? -1 : 1) || b.weight - a.weight || a.i - b.i,
  );
  for (const { i } of order) {
    if (left === 0) break;
    shares[i]! += 1;
    left -= 1;
  }
  return shares;
}

export const MAX_QUANTITY = 100_000;

const hasAtMostDecimals = (value: number, places: number): boolean => {
  const scaled = value * 10 ** places;
  return Math.abs(scaled - Math.round(scaled)) < 1e-6;
};

/** Checks one line; the message names what is wrong so it can stand beside the field. */
export function checkLine(line: QuoteLine, maxLinePence: Pence): Result<QuoteLine, "invalid_line"> {
  if (!(LINE_KINDS as readonly string[]).includes(line.kind))
    return reject("invalid_line", `Choose one of: ${LINE_KINDS.join(", ")}.`);
  if (line.description.trim() === "") return reject("invalid_line", "Describe the line.");
  if (!Number.isFinite(line.quantity) || line.quantity <= 0)
    return reject("invalid_line", "Quantity must be more than zero.");
  if (line.quantity > MAX_QUANTITY)
    return reject("invalid_line", `Quantity must be at most ${MAX_QUANTITY.toLocaleString("en-GB")}.`);
  // The totals use the quantity to three places; more would print one figure and charge another.
  if (!hasAtMostDecimals(line.quantity, 3))
    return reject("invalid_line", "Quantity can have at most three decimal places.");
  if (!Number.isFinite(line.unitPricePence) || line.unitPricePence < 0)
    return reject("invalid_line", "Price cannot be negative.");
  if (!Number.isSafeInteger(line.unitPricePence))
    return reject("invalid_line", "Price must be a whole number of pence.");
  if (!Number.isFinite(line.vatRatePercent) || line.vatRatePercent < 0 || line.vatRatePercent > 100) {
    return reject("invalid_line", "VAT rate must be between 0 and 100.");
  }
  if (!hasAtMostDecimals(line.vatRatePercent, 2))
    return reject("invalid_line", "VAT rate can have at most two decimal places.");
  // Judged on the net as the totals round it; the float product first keeps huge lines away from 2^53.
  if (line.quantity * line.unitPricePence >= maxLinePence + 1 || lineNetPence(line) > maxLinePence) {
    return reject("invalid_line", `That line is over the ${formatPoundsBrief(maxLinePence)} a line allowed.`);
  }
  return ok(line);
}

export const changeQuoteStatus = (quote: Pick<Quote, "status">, to: QuoteStatus) =>
  transition(quoteTransitions, quote.status, to, "quote");

// What a quote in each status allows, read off the transition table so a new status or arrow
// changes every caller at once. Each list keeps the table's order.

/** Sent or viewed: the customer can still accept (validity date aside, see `canAccept`). */
export const ACCEPTABLE_QUOTE_STATUSES: readonly QuoteStatus[] = statesLeadingTo(quoteTransitions, "accepted");
/** Accepted, and anything after: the customer said yes, whatever has been paid since. */
export const ACCEPTED_QUOTE_STATUSES: readonly QuoteStatus[] = reachableFrom(quoteTransitions, "accepted");
/** Money can be taken: accepting on the way (paying accepts), or after acceptance until fully paid. */
export const PAYABLE_QUOTE_STATUSES: readonly QuoteStatus[] = QUOTE_STATUSES.filter(
  (s) => ACCEPTABLE_QUOTE_STATUSES.includes(s) || statesLeadingTo(quoteTransitions, "paid").includes(s),
);
/** Payable with nothing paid yet: after a deposit, "Ask for the balance" sends the link instead. */
export const RESENDABLE_QUOTE_STATUSES: readonly QuoteStatus[] = PAYABLE_QUOTE_STATUSES.filter(
  (s) => s !== "deposit_paid",
);
/** Still standing, paid or not: acceptable or accepted (not declined, expired or replaced). */
export const SHAREABLE_QUOTE_STATUSES: readonly QuoteStatus[] = QUOTE_STATUSES.filter(
  (s) => ACCEPTABLE_QUOTE_STATUSES.includes(s) || ACCEPTED_QUOTE_STATUSES.includes(s),
);
/** Sending a newer version supersedes these. */
export const REPLACEABLE_QUOTE_STATUSES: readonly QuoteStatus[] = statesLeadingTo(quoteTransitions, "superseded");
export const DECLINABLE_QUOTE_STATUSES: readonly QuoteStatus[] = statesLeadingTo(quoteTransitions, "declined");

export const canBeAccepted = (status: QuoteStatus) => ACCEPTABLE_QUOTE_STATUSES.includes(status);
export const hasBeenAccepted = (status: QuoteStatus) => ACCEPTED_QUOTE_STATUSES.includes(status);
export const canBePaid = (status: QuoteStatus) => PAYABLE_QUOTE_STATUSES.includes(status);
export const canBeResent = (status: QuoteStatus) => RESENDABLE_QUOTE_STATUSES.includes(status);
export const canBeShared = (status: QuoteStatus) => SHAREABLE_QUOTE_STATUSES.includes(status);
export const canBeReplaced = (status: QuoteStatus) => REPLACEABLE_QUOTE_STATUSES.includes(status);
export const canBeDeclined = (status: QuoteStatus) => DECLINABLE_QUOTE_STATUSES.includes(status);

const NOT_OPEN: Partial<Record<QuoteStatus, string>> = {
  draft: "This quote has not been sent yet.",
  accepted: "This quote has already been accepted.",
  deposit_paid: "This quote has already been accepted.",
  paid: "This quote has already been accepted and paid.",
  declined: "This quote was declined, so it can no longer be accepted.",
  superseded: "This quote has been replaced by a newer one.",
};
const EXPIRED = "This quote has expired. Ask us for a fresh one.";

/**
 * Whether the customer can still accept: sent or viewed, and not past its validity date.
 * `validUntil` is the last instant it can be accepted (inclusive).
 */
export function canAccept(
  quote: Pick<Quote, "status" | "validUntil">,
  now: Date,
): Result<true, "quote_not_open" | "quote_expired"> {
  if (quote.status === "expired") return reject("quote_expired", EXPIRED);
  if (!canBeAccepted(quote.status)) {
    return reject(
      "quote_not_open",
      NOT_OPEN[quote.status] ?? `This quote is ${quote.status} and can no longer be accepted.`,
    );
  }
  if (quote.validUntil && quote.validUntil.getTime() < now.getTime()) return reject("quote_expired", EXPIRED);
  return ok(true);
}
