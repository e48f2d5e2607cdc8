/**
 * Words as people say them on the phone and transcribers write them down: tokens that keep
 * "double-you", "x-ray" and "twenty-two" whole, and number words.
 */

export const UNITS: Record<string, number> = {
  zero: 0,
  nought: 0,
  nil: 0,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  thirteen: 13,
  fourteen: 14,
  fifteen: 15,
  sixteen: 16,
  seventeen: 17,
  eighteen: 18,
  nineteen: 19,
};
export const TENS: Record<string, number> = {
  twenty: 20,
  thirty: 30,
  forty: 40,
  fourty: 40,
  fifty: 50,
  sixty: 60,
  seventy: 70,
  eighty: 80,
  ninety: 90,
};
export const FILLERS = new Set(["er", "erm", "um", "uh", "uhm", "ah"]);

export interface SpokenToken {
  raw: string;
  lower: string;
  start: number;
  end: number;
}

const isWordChar = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);

/** Words with their hyphens and apostrophes ("double-you", "x-ray", "twenty-two"), scanned by hand. */
export function spokenTokens(text: string): SpokenToken[] {
  const tokens: SpokenToken[] = [];
  const lower = text.toLowerCase();
  const length = text.length;
  let i = 0;
  while (i < length) {
    if (!isWordChar(text.charCodeAt(i))) {
      i += 1;
      continue;
    }
    let j = i + 1;
    for (;;) {
      while (j < length && isWordChar(text.charCodeAt(j))) j += 1;
      const c = text.charCodeAt(j);
      if (j + 1 < length && (c === 45 || c === 39 || c === 0x2019) && isWordChar(text.charCodeAt(j + 1))) j += 2;
      else break;
    }
    tokens.push({ raw: text.slice(i, j), lower: lower.slice(i, j), start: i, end: j });
    i = j;
  }
  return tokens;
}

const NUMBER_WORDS = new Set(["o", "oh", ...Object.keys(UNITS), ...Object.keys(TENS)]);

/** Whether a word (lower case) is or holds a number: a quick test before reading a line for postcodes or phone numbers. */
export const isNumberWord = (word: string): boolean => NUMBER_WORDS.has(word) || hasDigit(word);

export function hasDigit(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) return true;
  }
  return false;
}

const NUMBER_WORD = `(?:${[...Object.keys(UNITS), ...Object.keys(TENS), "hundred"].join("|")})`;
const NUMBER_RUN = new RegExp(`\\b${NUMBER_WORD}(?:(?:[\\s-]+|\\s+and\\s+)${NUMBER_WORD})*\\b`, "gi");

/**
 * Number words written as digits, for reading house numbers: "Forty-two Victoria Road" →
 * "42 Victoria Road", "one hundred and one" → "101". Everything else is left as it was.
 */
export function numberWordsToDigits(text: string): string {
  return text.replace(NUMBER_RUN, (match) => {
    const words = match
      .toLowerCase()
      .split(/[\s-]+/)
      .filter((w) => w !== "and");
    let total = 0;
    let current = 0;
    let valid = true;
    let last: "unit" | "teen" | "tens" | "hundred" | null = null;
    for (const w of words) {
      if (w === "hundred") {
        if (current === 0 || current > 9) valid = false;
        current *= 100;
        last = "hundred";
      } else if (w in TENS) {
        if (last === "tens" || last === "unit" || last === "teen") valid = false;
        current += TENS[w]!;
        last = "tens";
      } else {
        const n = UNITS[w]!;
        if (last === "unit" || last === "teen" || (last === "tens" && n >= 10)) valid = false;
        current += n;
        last = n >= 10 ? "teen" : "unit";
      }
    }
    total += current;
    return valid ? String(total) : match;
  });
}
