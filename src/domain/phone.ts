import { parsePhoneNumberFromString, type PhoneNumber } from "libphonenumber-js/max";
import { ok, reject, type Result } from "./result.ts";

/** Phone numbers are stored in E.164; numbers written without a country code are read as UK. */
export const DEFAULT_REGION = "GB";

export type E164 = string & { readonly __brand: "E164" };

/**
 * Ofcom's numbers reserved for drama (TV, films, demos and our fixtures): real UK numbers that
 * are never given to anyone, which libphonenumber's metadata leaves out. Counted as valid, with
 * the kind of line each range imitates, so demo data and tests use numbers that cannot ring a
 * stranger.
 */
const OFCOM_DRAMA_RANGES: ReadonlyArray<{ range: RegExp; line: PhoneLine }> = [
  { range: /^\+447700900\d{3}$/, line: "mobile" },
  { range: /^\+44(?:11[3-8]|121|131|141|151|161)4960\d{3}$/, line: "landline" },
  { range: /^\+441914980\d{3}$/, line: "landline" },
  { range: /^\+442079460\d{3}$/, line: "landline" },
  { range: /^\+442896496\d{3}$/, line: "landline" },
  { range: /^\+442920180\d{3}$/, line: "landline" },
  { range: /^\+441632960\d{3}$/, line: "landline" },
  { range: /^\+448081570\d{3}$/, line: "no_texts" },
  { range: /^\+449098790\d{3}$/, line: "no_texts" },
  { range: /^\+443069990\d{3}$/, line: "no_texts" },
];

const dramaLine = (e164: string) => OFCOM_DRAMA_RANGES.find((d) => d.range.test(e164))?.line ?? null;

const regionNames = new Intl.DisplayNames(["en-GB"], { type: "region" });

/** "UK number", "number in France": how a refusal names the country it checked against. */
function countryPhrase(parsed: PhoneNumber): string {
  // An invalid number often has no `country`: its calling code's main country is named instead.
  const region =
    parsed.countryCallingCode === UK_CALLING_CODE
      ? DEFAULT_REGION
      : (parsed.country ?? parsed.getPossibleCountries()[0]);
  if (region === DEFAULT_REGION) return "UK number";
  const name = region ? regionNames.of(region) : undefined;
  return name ? `number in ${name}` : `number for +${parsed.countryCallingCode}`;
}

const parse = (input: string) => parsePhoneNumberFromString(input, DEFAULT_REGION);

/**
 * A number staff (or a caller's words) give, as E.164: it must be valid for its country — a
 * number that merely has a plausible length ("07700 90012", one digit short) is refused with the
 * reason, never stored cut short. Numbers from carriers go through `phoneFromCarrier` instead.
 * @example normalisePhone("07700 900123") // { ok: true, value: "+447700900123" }
 * @example normalisePhone("07700 90012")  // { ok: false, message: '"07700 90012" is not a valid UK number: check the digits.' }
 */
export function normalisePhone(input: string): Result<E164, "invalid_phone"> {
  const trimmed = input.trim();
  if (trimmed === "") return reject("invalid_phone", "Enter a phone number.");
  const parsed = parse(trimmed);
  if (!parsed || !parsed.isPossible()) {
    return reject("invalid_phone", `"${trimmed}" is not a phone number we can dial.`);
  }
  if (!parsed.isValid() && !dramaLine(parsed.number)) {
    return reject("invalid_phone", `"${trimmed}" is not a valid ${countryPhrase(parsed)}: check the digits.`);
  }
  return ok(parsed.number as E164);
}

/**
 * A number a carrier reports (Twilio's From and To, a WhatsApp sender's wa_id), as E.164.
 * Tolerant on purpose: the network connected that number, so refusing it because our metadata
 * is older than the carrier's would lose a real customer. Only what cannot be a number at all
 * (a withheld caller, "anonymous") is refused.
 * @example phoneFromCarrier("+447700900123") // { ok: true, value: "+447700900123" }
 */
export function phoneFromCarrier(input: string): Result<E164, "invalid_phone"> {
  const trimmed = input.trim();
  if (trimmed === "") return reject("invalid_phone", "Enter a phone number.");
  const parsed = parse(trimmed);
  if (!parsed || !parsed.isPossible()) {
    return reject("invalid_phone", `"${trimmed}" is not a phone number we can dial.`);
  }
  return ok(parsed.number as E164);
}

/** What a number can do: a mobile takes texts; a landline and service numbers (0800, 03…) do not. */
export type PhoneLine = "mobile" | "landline" | "no_texts" | "unknown";

/** Numbers whose type says no text can reach them (libphonenumber's `getType`, full metadata). */
const NO_TEXTS = new Set(["TOLL_FREE", "PREMIUM_RATE", "SHARED_COST", "UAN", "VOICEMAIL"]);

/**
 * The kind of line a stored number is. "unknown" covers what the metadata cannot tell
 * (American numbers are FIXED_LINE_OR_MOBILE, carriers' new ranges): such numbers are texted.
 * @example phoneLine("+442071234567") // "landline"
 */
export function phoneLine(e164: string): PhoneLine {
  const drama = dramaLine(e164);
  if (drama) return drama;
  const type = parsePhoneNumberFromString(e164)?.getType();
  if (type === "MOBILE") return "mobile";
  if (type === "FIXED_LINE") return "landline";
  return type && NO_TEXTS.has(type) ? "no_texts" : "unknown";
}

/** The reason an SMS to a landline is refused, word for word where staff see it. */
export const CANNOT_RECEIVE_TEXTS = "This number cannot receive texts";

/**
 * Whether an SMS can reach a number: refused for landlines and service numbers, which take no
 * texts (a landline's "text to speech" relay is not a channel to send a payment link through).
 * @example canReceiveTexts("+442071234567") // { ok: false, reason: "cannot_receive_texts", … }
 */
export function canReceiveTexts(e164: string): Result<E164, "cannot_receive_texts"> {
  const line = phoneLine(e164);
  if (line === "landline" || line === "no_texts") {
    const what = line === "landline" ? "a landline" : "a service number";
    return reject("cannot_receive_texts", `${CANNOT_RECEIVE_TEXTS} (${formatPhone(e164)} is ${what}).`);
  }
  return ok(e164 as E164);
}

const UK_CALLING_CODE = "44";

/**
 * A +44 number as people here write it (e.g. "07700 900123"); other countries in international form.
 * Decided by calling code, not by `country`: libphonenumber leaves `country` empty for numbers its
 * metadata does not list (Ofcom's 07700 900xxx drama range) and says JE/GG/IM for the islands,
 * all of which are dialled from the UK as 0…
 * Views show numbers through `phoneForDisplay` (src/views/format.ts), which calls this.
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
