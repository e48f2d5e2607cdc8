import { formatPence as pounds, parsePounds, type Pence } from "../money.ts";
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

const isBlankLine = (line: LineInput) =>
  [line.description, line.quantity, line.unitPrice].every((value) => (value ?? "").trim() === "");

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;

/** Reads "1.5" as 1.5; null when it is not a plain number. */
function readNumber(text: string): number | null {
  const trimmed = text.trim();
  return NUMBER.test(trimmed) ? Number(trimmed) : null;
}

/**
 * Checks the builder's fields and works out the totals (by quoteTotals' rounding rule).
 * Rows left entirely blank are dropped. Every message is keyed by the field it belongs to
 * (`line-2-quantity`, `discount`, `depositValue`, `validUntil`, `total`).
 * @example validateQuoteDraft({ lines: [{ kind: "labour", description: "Fit tap", quantity: "1", unitPrice: "80", vatRate: "20" }], discount: "", depositKind: "none", depositValue: "", validUntil: "", terms: "" }, limits)
 */
export function validateQuoteDraft(input: QuoteDraftInput, limits: DraftLimits): Validated<QuoteDraft> {
  const errors: FieldErrors = {};
  const lines: QuoteLine[] = [];
  const rows = input.lines.map((line, index) => ({ line, index })).filter(({ line }) => !isBlankLine(line));
  if (rows.length === 0) errors["line-0-description"] = "Add at least one line.";
  if (rows.length > MAX_LINES) errors.lines = `A quote can have at most ${MAX_LINES} lines.`;

  for (const { line, index } of rows) {
    const before = Object.keys(errors).length;
    const field = (name: keyof LineInput) => lineField(index, name);
    const kind = (line.kind || "labour") as LineKind;
    if (!LINE_KINDS.includes(kind)) errors[field("kind")] = `Choose one of: ${LINE_KINDS.join(", ")}.`;
    const description = line.description.trim();
    if (description === "") errors[field("description")] = "Describe the line.";
    else if (description.length > MAX_DESCRIPTION)
      errors[field("description")] = `Keep it to ${MAX_DESCRIPTION} characters or fewer.`;

    const quantity = readNumber(line.quantity || "1");
    if (quantity === null) errors[field("quantity")] = "Enter a number, like 1 or 1.5.";
    else if (quantity < 0) errors[field("quantity")] = "Quantity cannot be negative.";
    else if (quantity === 0) errors[field("quantity")] = "Quantity must be more than zero.";
    else if (quantity > MAX_QUANTITY) errors[field("quantity")] = `Quantity must be at most ${MAX_QUANTITY}.`;

    const price = parsePounds(line.unitPrice ?? "");
    if (price === null) errors[field("unitPrice")] = "Enter a price in pounds, like 45 or 45.50.";
    else if (price < 0) errors[field("unitPrice")] = "Price cannot be negative.";
    else if (price > limits.maxAmountPence)
      errors[field("unitPrice")] = `A price can be at most ${pounds(limits.maxAmountPence)}.`;

    const vat = readNumber(
      line.vatRate === undefined || line.vatRate.trim() === "" ? String(DEFAULT_VAT_RATE_PERCENT) : line.vatRate,
    );
    if (vat === null || vat < 0 || vat > 100) errors[field("vatRate")] = "VAT rate must be between 0 and 100.";

    if (Object.keys(errors).length > before) continue;
    const candidate: QuoteLine = {
      kind,
      description,
      quantity: quantity!,
      unitPricePence: price!,
      vatRatePercent: vat!,
    };
    // The domain's own check is the last word (decimal places, the line over the maximum).
    const checked = checkLine(candidate, limits.maxAmountPence);
    if (!checked.ok) {
      const target = /VAT/.test(checked.message)
        ? "vatRate"
        : /Quantity/.test(checked.message)
          ? "quantity"
          : "unitPrice";
      errors[field(target)] = checked.message;
      continue;
    }
    lines.push(checked.value);
  }

  const discount = (input.discount ?? "").trim() === "" ? 0 : parsePounds(input.discount);
  if (discount === null) errors.discount = "Enter a discount in pounds, or leave it empty.";
  else if (discount < 0) errors.discount = "A discount cannot be negative.";

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

  let validUntil: string | null = null;
  const validText = (input.validUntil ?? "").trim();
  if (validText !== "") {
    if (!isCalendarDate(validText)) errors.validUntil = "Enter a date.";
    else if (validText < limits.today) errors.validUntil = "The validity date has already passed.";
    else validUntil = validText;
  }
  const terms = blankToNull(input.terms);
  if (terms && terms.length > MAX_TERMS) errors.terms = `Keep the terms to ${MAX_TERMS} characters or fewer.`;

  let totals: QuoteTotals | null = null;
  if (Object.keys(errors).length === 0) {
    const subtotal = quoteTotals(lines).subtotalPence;
    if (discount! > subtotal) errors.discount = `The discount is more than the lines add up to (${pounds(subtotal)}).`;
    else {
      totals = quoteTotals(lines, discount!, deposit);
      if (totals.totalPence > limits.maxAmountPence) {
        errors.total = `The total, ${pounds(totals.totalPence)}, is over the largest amount allowed (${pounds(limits.maxAmountPence)}).`;
      }
      if (deposit?.kind === "amount" && deposit.pence > totals.totalPence)
        errors.depositValue = "The deposit is more than the total.";
      if (totals.totalPence === 0) errors.total = "The quote adds up to nothing; there is nothing to pay.";
    }
  }

  return validated(errors, () => ({ lines, discountPence: discount!, deposit, validUntil, terms, totals: totals! }));
}

/**
 * Totals for whatever lines can be read so far: the live preview while staff type. Rows
 * that cannot be read yet count as nothing.
 */
export function previewTotals(
  input: QuoteDraftInput,
  limits: DraftLimits,
): { totals: QuoteTotals; errors: FieldErrors } {
  const result = validateQuoteDraft(input, limits);
  if (result.ok) return { totals: result.value.totals, errors: {} };
  const readable = input.lines.flatMap((line) => {
    const quantity = readNumber(line.quantity || "1");
    const price = parsePounds(line.unitPrice ?? "");
    const vat = readNumber(line.vatRate || String(DEFAULT_VAT_RATE_PERCENT));
    if (quantity === null || price === null || vat === null || quantity <= 0 || price < 0 || vat < 0 || vat > 100)
      return [];
    const candidate: QuoteLine = {
      kind: "other",
      description: line.description || "-",
      quantity,
      unitPricePence: price,
      vatRatePercent: vat,
    };
    return checkLine(candidate, limits.maxAmountPence).ok ? [candidate] : [];
  });
  const subtotal = quoteTotals(readable).subtotalPence;
  const discount = Math.min(Math.max(parsePounds(input.discount ?? "") ?? 0, 0), subtotal);
  return { totals: quoteTotals(readable, discount, null), errors: result.errors };
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
