import { formatPence as pounds, formatPoundsBrief as poundsBrief, parsePounds, type Pence } from "../money.ts";
import {
  checkLine,
  DEFAULT_VAT_RATE_PERCENT,
  LINE_KINDS,
  MAX_QUANTITY,
  quoteTotals,
  type Deposit,
  type LineKind,
  type QuoteLine,
  type QuoteTotals,
} from "../quotes.ts";
import { blankToNull, validated, type FieldErrors, type Validated } from "../validation.ts";

/** One row of the quote builder, as typed (pounds, not pence). */
export interface LineInput {
  kind: string;
  description: string;
  quantity: string;
  unitPrice: string;
  vatRate: string;
}

/** The quote builder's fields, as typed. Dates are London calendar dates, YYYY-MM-DD. */
export interface QuoteDraftInput {
  lines: LineInput[];
  discount: string;
  depositKind: string;
  depositValue: string;
  validUntil: string;
  terms: string;
}

export interface QuoteDraft {
  lines: QuoteLine[];
  discountPence: Pence;
  deposit: Deposit | null;
  /** The last London day the customer can accept, YYYY-MM-DD. */
  validUntil: string | null;
  terms: string | null;
  totals: QuoteTotals;
}

export interface DraftLimits {
  /** The largest total (and so the largest line) a quote may have, in pence. */
  maxAmountPence: Pence;
  /** Today in London, YYYY-MM-DD: a validity date before it is refused. */
  today: string;
}

export const DEPOSIT_KINDS = ["none", "percent", "amount"] as const;
export const MAX_LINES = 50;
const MAX_DESCRIPTION = 200;
const MAX_TERMS = 4000;

/** Field names as the builder form uses them, so each message lands beside its field. */
export const lineField = (index: number, field: keyof LineInput) => `line-${index}-${field}`;

// A row is a line once it has a description or a price: the quantity and VAT rate come prefilled.
const isBlankLine = (line: LineInput) =>
  [line.description, line.unitPrice].every((value) => (value ?? "").trim() === "");

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;

/** Reads "1.5" as 1.5; null when it is not a plain number. */
function readNumber(text: string): number | null {
  const trimmed = text.trim();
  return NUMBER.test(trimmed) ? Number(trimmed) : null;
}

/** Something the totals leave out, and why: a line (by its row), the discount or the deposit. */
export interface NotCounted {
  /** The builder's field or row it is about: `line-2`, `discount`, `depositValue`. */
  field: string;
  /** What to call it on screen: "Line 3", "Discount", "Deposit". */
  label: string;
  reason: string;
}

/** A draft as far as it can be read: what can be kept, what is wrong, and what the totals leave out. */
export interface DraftReading {
  /**
   * Everything that is valid: the valid lines, and each other field when it is valid (else
   * nothing: no discount, no deposit, no date, no terms); totals of exactly that.
   */
  kept: QuoteDraft;
  /** Keyed by the field each belongs to; empty when the whole draft is valid and can be sent. */
  errors: FieldErrors;
  /** Rows (not blank ones) and amounts the totals do not count, each with its first error. */
  notCounted: NotCounted[];
}

/**
 * Reads the builder's fields (pounds, quantities, VAT rates, dates) into a draft, keeping
 * whatever is valid, so a draft with a mistake in one field is never lost as a whole.
 * Rows left without a description or a price are dropped. Every message is keyed by the field
 * it belongs to (`line-2-quantity`, `discount`, `depositValue`, `validUntil`, `total`); refused
 * amounts name the limit they are over.
 */
export function readQuoteDraft(input: QuoteDraftInput, limits: DraftLimits): DraftReading {
  const errors: FieldErrors = {};
  const notCounted: NotCounted[] = [];
  const lines: QuoteLine[] = [];
  const limit = poundsBrief(limits.maxAmountPence);
  const rows = input.lines.map((line, index) => ({ line, index })).filter(({ line }) => !isBlankLine(line));
  if (rows.length === 0) errors["line-0-description"] = "Add at least one line.";
  if (rows.length > MAX_LINES) errors.lines = `A quote can have at most ${MAX_LINES} lines.`;

  for (const { line, index } of rows) {
    const lineErrors: FieldErrors = {};
    const field = (name: keyof LineInput) => lineField(index, name);
    const kind = (line.kind || "labour") as LineKind;
    if (!LINE_KINDS.includes(kind)) lineErrors[field("kind")] = `Choose one of: ${LINE_KINDS.join(", ")}.`;
    const description = line.description.trim();
    if (description === "") lineErrors[field("description")] = "Describe the line.";
    else if (description.length > MAX_DESCRIPTION)
      lineErrors[field("description")] = `Keep it to ${MAX_DESCRIPTION} characters or fewer.`;

    const quantity = readNumber(line.quantity || "1");
    if (quantity === null) lineErrors[field("quantity")] = "Enter a number, like 1 or 1.5.";
    else if (quantity < 0) lineErrors[field("quantity")] = "Quantity cannot be negative.";
    else if (quantity === 0) lineErrors[field("quantity")] = "Quantity must be more than zero.";
    else if (quantity > MAX_QUANTITY)
      lineErrors[field("quantity")] = `Quantity must be at most ${MAX_QUANTITY.toLocaleString("en-GB")}.`;

    const price = parsePounds(line.unitPrice ?? "");
    if (price === null) lineErrors[field("unitPrice")] = "Enter a price in pounds, like 45 or 45.50.";
    else if (price < 0) lineErrors[field("unitPrice")] = "Price cannot be negative.";
    else if (price > limits.maxAmountPence)
      lineErrors[field("unitPrice")] = `That price is over the ${limit} a line allowed.`;

    const vat = readNumber(
      line.vatRate === undefined || line.vatRate.trim() === "" ? String(DEFAULT_VAT_RATE_PERCENT) : line.vatRate,
    );
    if (vat === null || vat < 0 || vat > 100) lineErrors[field("vatRate")] = "VAT rate must be between 0 and 100.";

    if (Object.keys(lineErrors).length === 0) {
      // The domain's own check is the last word (decimal places, the line over the maximum).
      const checked = checkLine(
        { kind, description, quantity: quantity!, unitPricePence: price!, vatRatePercent: vat! },
        limits.maxAmountPence,
      );
      if (checked.ok) {
        lines.push(checked.value);
        continue;
      }
      const target = /VAT/.test(checked.message)
        ? "vatRate"
        : /Quantity/.test(checked.message)
          ? "quantity"
          : "unitPrice";
      lineErrors[field(target)] = checked.message;
    }
    Object.assign(errors, lineErrors);
    notCounted.push({ field: `line-${index}`, label: `Line ${index + 1}`, reason: Object.values(lineErrors)[0]! });
  }
  const subtotal = quoteTotals(lines).subtotalPence;

  // Over what the lines add up to is only wrong once every line counts; until then it waits.
  const linesMissing = notCounted.length > 0;
  const overCounted = (sum: Pence) => `It is more than the lines counted so far add up to (${pounds(sum)}).`;

  let discount: Pence = 0;
  const typedDiscount = (input.discount ?? "").trim() === "" ? 0 : parsePounds(input.discount);
  if (typedDiscount === null) errors.discount = "Enter a discount in pounds, or leave it empty.";
  else if (typedDiscount < 0) errors.discount = "A discount cannot be negative.";
  else if (typedDiscount > subtotal && linesMissing)
    notCounted.push({ field: "discount", label: "Discount", reason: overCounted(subtotal) });
  else if (typedDiscount > subtotal)
    errors.discount = `The discount is more than the lines add up to (${pounds(subtotal)}).`;
  else discount = typedDiscount;
  if (errors.discount) notCounted.push({ field: "discount", label: "Discount", reason: errors.discount });

  const depositKind = (input.depositKind || "none") as (typeof DEPOSIT_KINDS)[number];
  let deposit: Deposit | null = null;
  if (!DEPOSIT_KINDS.includes(depositKind)) errors.depositKind = "Choose no deposit, a percentage or an amount.";
  else if (depositKind === "percent") {
    const percent = readNumber(input.depositValue ?? "");
    if (percent === null || percent <= 0 || percent > 100)
      errors.depositValue = "A deposit percentage is more than 0 and at most 100.";
    else if (Math.round(percent * 100) !== percent * 100) errors.depositValue = "Use at most two decimal places.";
    else deposit = { kind: "percent", percent };
  } else if (depositKind === "amount") {
    const pence = parsePounds(input.depositValue ?? "");
    if (pence === null || pence <= 0) errors.depositValue = "Enter the deposit in pounds, more than zero.";
    else deposit = { kind: "amount", pence };
  }

  let totals = quoteTotals(lines, discount, deposit);
  if (deposit?.kind === "amount" && deposit.pence > totals.totalPence) {
    if (linesMissing)
      notCounted.push({ field: "depositValue", label: "Deposit", reason: overCounted(totals.totalPence) });
    else errors.depositValue = `The deposit is more than the total (${pounds(totals.totalPence)}).`;
    deposit = null;
    totals = quoteTotals(lines, discount, null);
  }
  if (errors.depositValue) notCounted.push({ field: "depositValue", label: "Deposit", reason: errors.depositValue });
  if (totals.totalPence > limits.maxAmountPence)
    errors.total = `The total, ${pounds(totals.totalPence)}, is over the ${limit} a quote allowed.`;
  else if (lines.length > 0 && totals.totalPence === 0 && Object.keys(errors).length === 0)
    errors.total = "The quote adds up to nothing; there is nothing to pay.";

  let validUntil: string | null = null;
  const validText = (input.validUntil ?? "").trim();
  if (validText !== "") {
    if (!isCalendarDate(validText)) errors.validUntil = "Enter a date.";
    else if (validText < limits.today) errors.validUntil = "The validity date has already passed.";
    else validUntil = validText;
  }
  let terms = blankToNull(input.terms);
  if (terms && terms.length > MAX_TERMS) {
    errors.terms = `Keep the terms to ${MAX_TERMS} characters or fewer.`;
    terms = null;
  }

  return { kept: { lines, discountPence: discount, deposit, validUntil, terms, totals }, errors, notCounted };
}

/**
 * The draft if every field is valid (only then can it be sent), else every field's message.
 * @example validateQuoteDraft({ lines: [{ kind: "labour", description: "Fit tap", quantity: "1", unitPrice: "80", vatRate: "20" }], discount: "", depositKind: "none", depositValue: "", validUntil: "", terms: "" }, limits)
 */
export function validateQuoteDraft(input: QuoteDraftInput, limits: DraftLimits): Validated<QuoteDraft> {
  const { kept, errors } = readQuoteDraft(input, limits);
  return validated(errors, () => kept);
}

/**
 * The live totals while staff type: what can be counted so far, with every line, discount or
 * deposit left out named (never dropped silently), and the messages for the fields.
 */
export function previewTotals(
  input: QuoteDraftInput,
  limits: DraftLimits,
): { totals: QuoteTotals; errors: FieldErrors; notCounted: NotCounted[] } {
  const { kept, errors, notCounted } = readQuoteDraft(input, limits);
  return { totals: kept.totals, errors, notCounted };
}

/** The builder's fields for a saved quote, so a draft or a new version opens as it was. */
export function draftInputFrom(
  quote: { lines: QuoteLine[]; discountPence: Pence; deposit: Deposit | null; terms: string | null },
  validUntil: string,
): QuoteDraftInput {
  return {
    lines: quote.lines.map((line) => ({
      kind: line.kind,
      description: line.description,
      quantity: String(line.quantity),
      unitPrice: (line.unitPricePence / 100).toFixed(2),
      vatRate: String(line.vatRatePercent),
    })),
    discount: quote.discountPence ? (quote.discountPence / 100).toFixed(2) : "",
    depositKind: quote.deposit?.kind ?? "none",
    depositValue: !quote.deposit
      ? ""
      : quote.deposit.kind === "percent"
        ? String(quote.deposit.percent)
        : (quote.deposit.pence / 100).toFixed(2),
    validUntil,
    terms: quote.terms ?? "",
  };
}

function isCalendarDate(text: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return false;
  const [, y, m, d] = match.map(Number) as [number, number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}
