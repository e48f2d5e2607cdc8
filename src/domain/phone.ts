import { parsePhoneNumberFromString } from "libphonenumber-js/max";
import { ok, reject, type Result } from "./result.ts";

/** Phone numbers are stored in E.164; numbers written without a country code are read as UK. */
export const DEFAULT_REGION = "GB";

export type E164 = string & { readonly __brand: "E164" };

/**
 * Normalises a phone number as typed or as a carrier sends it to E.164.
 * @example normalisePhone("07700 900123") // { ok: true, value: "+447700900123" }
 */
export function normalisePhone(input: string): Result<E164, "invalid_phone"> {
  const trimmed = input.trim();
  if (trimmed === "") return reject("invalid_phone", "Enter a phone number.");
  const parsed = parsePhoneNumberFromString(trimmed, DEFAULT_REGION);
  if (!parsed || !parsed.isPossible()) {
    return reject("invalid_phone", `"${trimmed}" is not a phone number we can dial.`);
  }
  return ok(parsed.number as E164);
}

const UK_CALLING_CODE = "44";

/**
 * A +44 number as people here write it (e.g. "07700 900123"); other countries in international form.
 * Decided by calling code, not by `country`: libphonenumber leaves `country` empty for numbers its
 * metadata does not list (Ofcom's 07700 900xxx drama range) and says JE/GG/IM for the islands,
 * all of which are dialled from the UK as 0…
 * @example formatPhone("+447700900123") // "07700 900123"
 */
export function formatPhone(e164: string): string {
  let written = formatted.get(e164);
  if (written === undefined) {
    // Parsing with full metadata is the costliest step of rendering a page of leads: remember it.
    if (formatted.size >= FORMATTED_KEPT) formatted.clear();
    const parsed = parsePhoneNumberFromString(e164);
    written = !parsed
      ? e164
      : parsed.countryCallingCode === UK_CALLING_CODE
        ? parsed.formatNational()
        : parsed.formatInternational();
    formatted.set(e164, written);
  }
  return written;
}

/** Bounded: a few thousand numbers is a day's worth of pages; starting over is cheap. */
const FORMATTED_KEPT = 5_000;
const formatted = new Map<string, string>();
