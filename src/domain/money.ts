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
  const sign = Math.sign(numerator) * Math.sign(denominator);
  const n = Math.abs(numerator);
  const d = Math.abs(denominator);
  return sign * Math.floor((2 * n + d) / (2 * d));
}

const gbp = new Intl.NumberFormat("en-GB", { style: "currency", currency: "GBP" });

/** @example formatPence(123456) // "£1,234.56" */
export const formatPence = (pence: Pence): string => gbp.format(pence / 100);

/**
 * Reads "12.50", "£1,234.5" or "7" as pence; null when it is not an amount.
 * @example parsePounds("£12.5") // 1250
 */
export function parsePounds(input: string): Pence | null {
  const cleaned = input.trim().replace(/^£/, "").replaceAll(",", "");
  if (!/^-?\d+(\.\d{1,2})?$/.test(cleaned)) return null;
  const [whole, fraction = ""] = cleaned.replace("-", "").split(".");
  const pence = Number(whole) * 100 + Number(fraction.padEnd(2, "0"));
  return cleaned.startsWith("-") ? -pence : pence;
}
