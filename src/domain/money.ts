/**
 * Money is integer pence (GBP). Fractions of a penny only arise inside a calculation,
 * and are rounded once, half away from zero, by `divideRounded`.
 */
export type Pence = number;

/** numerator / denominator rounded to the nearest integer, halves away from zero. Integers in, integer out. */
export function divideRounded(numerator: number, denominator: number): number {
  if (!Number.isSafeInteger(numerator) || !Number.isSafeInteger(denominator) || denominator === 0) {
    throw new RangeError(`divideRounded needs safe integers and a non-zero denominator: ${numerator}/${denominator}`);
  }
  const n = Math.abs(numerator);
  const d = Math.abs(denominator);
  // Remainder and quotient stay exact for any safe integers (2n + d would not near 2^53).
  const remainder = n % d;
  const quotient = (n - remainder) / d + (remainder >= d - remainder ? 1 : 0);
  // `|| 0` turns -0 into 0, so a tiny negative never prints as "-£0.00".
  return (numerator < 0 !== denominator < 0 ? -quotient : quotient) || 0;
}

const gbp = new Intl.NumberFormat("en-GB", { style: "currency", currency: "GBP" });

/** @example formatPence(123456) // "£1,234.56" */
export const formatPence = (pence: Pence): string => gbp.format(pence / 100 || 0);

const wholeGbp = new Intl.NumberFormat("en-GB", {
  style: "currency",
  currency: "GBP",
  minimumFractionDigits: 0,
  maximumFractionDigits: 0,
});

/**
 * As limits are written: whole pounds without the pence, other amounts as `formatPence`.
 * @example formatPoundsBrief(5_000_000) // "£50,000"
 */
export const formatPoundsBrief = (pence: Pence): string =>
  pence % 100 === 0 ? wholeGbp.format(pence / 100 || 0) : formatPence(pence);

/**
 * Reads "12.50", "£1,234.5", "-£3" or "7" as pence; null when it is not an amount.
 * Thousands separators must sit every three digits ("1,23" is refused, not read as 123).
 * @example parsePounds("£12.5") // 1250
 */
export function parsePounds(input: string): Pence | null {
  const match = /^(-)?\s*£?\s*(-)?(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?$/.exec(input.trim());
  if (!match || (match[1] && match[2])) return null;
  const [, signBefore, signAfter, whole = "", fraction = ""] = match;
  const pence = Number(whole.replaceAll(",", "")) * 100 + Number(fraction.padEnd(2, "0"));
  if (!Number.isSafeInteger(pence)) return null;
  return (signBefore || signAfter) && pence !== 0 ? -pence : pence;
}
