import { isPostcodeShape, numberWordsToDigits } from "../../../domain/extraction/spoken.ts";
import { isLowercase, postcodesIn, titleCase, type CallText } from "./call-text.ts";
import { cuesIn } from "./cues.ts";
import { STREET_WORDS } from "./vocabulary.ts";

const STREET_END = new RegExp(`^(?:${STREET_WORDS})$|^[A-Z][a-z]+way$`);
const STREET_END_LOWER = new RegExp(`^(?:${STREET_WORDS.toLowerCase()})$`);
const NUMBERED = /(?<![\d:])\b(\d{1,4}[A-Za-z]?)\b,?\s+((?:[A-Z][\w'’-]*)(?:\s+[A-Z][\w'’-]*){0,3})/g;
const NUMBERED_LOWER = /(?<![\d:])\b(\d{1,4}[a-z]?)\s+((?:[a-z][\w'’-]*)(?:\s+[a-z][\w'’-]*){0,3})/g;
const FLAT_BEFORE =
  /\b(Flat|Apartment|Apt|Unit|Maisonette)\.?\s+(\d+[A-Za-z]?|[A-Z])\b\s*,?\s*(?:((?:[A-Z][\w'’-]*\s+){0,2}(?:House|Court|Building|Mansions|Lodge|Tower|Point|Block|Apartments|Hall)),\s*)?$/i;
const TOWN_AFTER = /^\s*,?\s*(?:in\s+)?([A-Z][a-z]+(?:[ -](?:upon[ -]|on[ -]|le[ -])?[A-Z][a-z]+)?)(?=\s*(?:[,.!?]|$))/;
const NOT_LOWER_STREET = new Set([
  "the",
  "a",
  "of",
  "on",
  "in",
  "at",
  "to",
  "and",
  "my",
  "our",
  "for",
  "down",
  "up",
  "off",
  "from",
  "days",
  "weeks",
  "years",
  "times",
]);

interface Found {
  address: string;
  /** Offset in the caller's text, to prefer the address said next to the postcode. */
  at: number;
}

function streetOf(words: string, lowercase: boolean): string | null {
  const list = words.split(/\s+/);
  for (let end = list.length; end >= 1; end--) {
    const last = list[end - 1]!;
    if (lowercase ? STREET_END_LOWER.test(last) : STREET_END.test(last)) {
      if (end === 1 && !/way$/i.test(last)) return null;
      const street = list.slice(0, end);
      if (lowercase && street.some((w) => NOT_LOWER_STREET.has(w))) return null;
      return lowercase ? titleCase(street.join(" ")) : street.join(" ");
    }
  }
  return null;
}

function addressesIn(text: string, offset: number): Found[] {
  const found: Found[] = [];
  const lowercase = isLowercase(text);
  for (const m of text.matchAll(lowercase ? NUMBERED_LOWER : NUMBERED)) {
    // "Flat 9, Kingfisher Court": a flat number, not a house number.
    if (/\b(flat|apartment|apt|unit|room|floor)\s*$/i.test(text.slice(0, m.index))) continue;
    const street = streetOf(m[2]!, lowercase);
    if (!street) continue;
    const streetEnd = m.index + m[0].indexOf(m[2]!) + street.length;
    const parts = [`${m[1]!} ${street}`];
    const flat = FLAT_BEFORE.exec(text.slice(Math.max(0, m.index - 60), m.index));
    if (flat) {
      parts.unshift(...[`${titleCase(flat[1]!)} ${flat[2]!}`, flat[3]?.trim()].filter((p): p is string => Boolean(p)));
    }
    const town = lowercase ? null : TOWN_AFTER.exec(text.slice(streetEnd));
    if (town && !isPostcodeShape(town[1]!.replace(/\s/g, "").toUpperCase())) parts.push(town[1]!);
    found.push({ address: parts.join(", "), at: offset + m.index });
  }
  return found;
}

/**
 * The site address: house number and street (numbers said as words read as digits), with the
 * flat and building before it and the town after it when said. When several are said, the one
 * given next to the postcode wins, then the first.
 */
export function findAddress(call: CallText): { address: string; confidence: number } | null {
  const turns = call.callerTurns.map((turn) =>
    call.memo.get(turn.text, "address", () => {
      // Most turns name no street: only the ones that do are read closely.
      if (!cuesIn(call, turn.text, "street").length && !/[a-z]way\b/i.test(turn.text))
        return { found: [] as Found[], postcodes: [] as number[] };
      const text = numberWordsToDigits(turn.text);
      return { found: addressesIn(text, 0), postcodes: postcodesIn(call, text).map((p) => p.start) };
    }),
  );
  // The address given next to the postcode (in the same turn, or the postcode opening the next) wins.
  for (const [t, turn] of turns.entries()) {
    for (const f of turn.found) {
      const next = turns[t + 1];
      if (
        turn.postcodes.some((p) => p > f.at && p - f.at < 90) ||
        (f === turn.found.at(-1) && next?.postcodes.some((p) => p < 40))
      ) {
        return { address: f.address, confidence: 0.85 };
      }
    }
  }
  const first = turns.find((turn) => turn.found.length > 0)?.found[0];
  return first ? { address: first.address, confidence: 0.65 } : null;
}
