import { isValid, toNormalised } from "postcode";
import { ok, reject, type Result } from "./result.ts";

/**
 * A UK postcode in its written form ("NW1 6XE"), or a rejection.
 * @example normalisePostcode("nw16xe") // { ok: true, value: "NW1 6XE" }
 */
export function normalisePostcode(input: string): Result<string, "invalid_postcode"> {
  const compact = input.trim();
  if (compact === "") return reject("invalid_postcode", "Enter a postcode.");
  if (!isValid(compact)) return reject("invalid_postcode", `"${compact}" is not a UK postcode.`);
  return ok(toNormalised(compact) ?? compact.toUpperCase());
}
