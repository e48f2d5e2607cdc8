import { normalisePhone } from "../phone.ts";
import { spokenTokens, type SpokenToken } from "./spoken-words.ts";

const DIGIT_WORDS: Record<string, string> = {
  oh: "0",
  o: "0",
  zero: "0",
  nought: "0",
  nil: "0",
  one: "1",
  two: "2",
  three: "3",
  four: "4",
  five: "5",
  six: "6",
  seven: "7",
  eight: "8",
  nine: "9",
};

export interface PhoneMention {
  /** E.164, "+447700900318". */
  phone: string;
  start: number;
  end: number;
}

/** A UK number has a 0 in it, said as a digit, "oh", "zero" or "nought"; or has digits written out. */
const MAY_HAVE_PHONE = /\d[\d\s-]{5,}\d|\b(?:oh|o|zero|nought|nil)\b/i;

/**
 * Phone numbers said in a text: "07700 900318", "oh seven seven double oh, nine double oh…",
 * "plus four four…". Read as UK numbers; only numbers that could be dialled are kept.
 */
export function findPhoneNumbers(text: string): PhoneMention[] {
  if (!MAY_HAVE_PHONE.test(text)) return [];
  const tokens = spokenTokens(text);
  const found: PhoneMention[] = [];
  let run = "";
  let runStart = -1;
  let runEnd = -1;
  const flush = () => {
    const digits = run.replace(/^\+?44/, "+44");
    if (digits.replace(/\D/g, "").length >= 10) {
      const parsed = normalisePhone(digits);
      if (parsed.ok) found.push({ phone: parsed.value, start: runStart, end: runEnd });
    }
    run = "";
    runStart = -1;
  };
  const digitsOf = (token: SpokenToken): string | null =>
    /^\d+$/.test(token.raw) ? token.raw : (DIGIT_WORDS[token.lower] ?? null);
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    const next = tokens[i + 1];
    let digits: string | null = null;
    let used = 1;
    if (
      (token.lower === "double" || token.lower === "triple") &&
      next &&
      digitsOf(next) !== null &&
      digitsOf(next)!.length === 1
    ) {
      digits = digitsOf(next)!.repeat(token.lower === "double" ? 2 : 3);
      used = 2;
    } else if (token.lower === "plus" && run === "") {
      digits = "+";
    } else {
      digits = digitsOf(token);
    }
    // Gaps between number groups are commas and spaces; a word in between ends the number.
    const gap = runStart >= 0 ? text.slice(runEnd, token.start) : "";
    if (digits === null || (runStart >= 0 && /[^\s,.-]/.test(gap))) {
      if (run !== "") flush();
      if (digits === null) continue;
    }
    if (runStart < 0) runStart = token.start;
    run += digits;
    runEnd = used === 2 ? next!.end : token.end;
    i += used - 1;
  }
  if (run !== "") flush();
  return found;
}
