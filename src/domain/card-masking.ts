/**
 * Card data out of text (PCI DSS: never keep the full number or the security code). Callers read
 * card numbers aloud and text them, so a transcript line or a message may hold one written
 * ("4242 4242 4242 4242", "4242-4242-…") or spoken ("four two four two…", "oh", "double four",
 * "forty two"), or both mixed. A card-like number is 13–19 digits that start as a card does
 * (2–6: Visa, Mastercard, Amex, Discover, JCB, Maestro…) and pass the Luhn check; it becomes
 * `•••• 4242`. Near card words ("card", "security code", "CVV", "expiry"…) a security code or
 * expiry date (3–6 digits, not money) becomes `•••`, and a longer piece of a card number read in
 * parts `••••` (phone numbers excepted). UK phone numbers start with 0 (or +44 and
 * have 12 digits), so they never pass as cards; postcodes mix letters; amounts and invoice
 * numbers are too short unless they sit beside card words.
 *
 * @example
 * maskCardData("it's 4242 4242 4242 4242").text // "it's •••• 4242"
 */

export interface CardMasking {
  /** The text with card data replaced; the same string when nothing was found. */
  text: string;
  /** Something was replaced (a number, a code or an expiry date). */
  masked: boolean;
  /** A full card number was among what was replaced: the call's recording holds card data. */
  cardNumber: boolean;
  /** The text talks about a card (card words, or a number was masked): the next lines may hold its code. */
  cardTalk: boolean;
  /** The digits the text ends with, unmasked ("" when it ends otherwise): the next line may go on with them. */
  trailingDigits?: string;
}

export interface CardMaskingOptions {
  /** The line before was about a card: short numbers in this one are codes or dates too. */
  afterCardTalk?: boolean;
  /**
   * Text still being spoken (interim results): a number may be cut short, so any run of 13 or more
   * card-like digits is hidden without waiting for it to pass the Luhn check.
   */
  partial?: boolean;
  /**
   * The digits the speaker's previous line ended with: a transcriber may end a line mid-number
   * (a pause), so a number this line starts with is tried joined to them.
   */
  carriedDigits?: string;
}

export const MASK = "••••";
/** A line ending in this many card-like digits may hold most of a card: the rest would complete it. */
const CUT_SHORT_DIGITS = 11;
const CODE_MASK = "•••";

const UNITS: Record<string, string> = {
  zero: "0",
  oh: "0",
  o: "0",
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
const TEENS: Record<string, string> = {
  ten: "10",
  eleven: "11",
  twelve: "12",
  thirteen: "13",
  fourteen: "14",
  fifteen: "15",
  sixteen: "16",
  seventeen: "17",
  eighteen: "18",
  nineteen: "19",
};
const TENS: Record<string, string> = {
  twenty: "2",
  thirty: "3",
  forty: "4",
  fifty: "5",
  sixty: "6",
  seventy: "7",
  eighty: "8",
  ninety: "9",
};
const REPEATS: Record<string, number> = { double: 2, triple: 3 };

const CARD_WORDS =
  /\b(?:card|cards|debit|credit|visa|mastercard|amex|maestro|cvv|cvc|csc|cv2|security (?:code|number)|long number|expiry|expires|expiring|expiration|exp|valid (?:until|thru|through|to)|end date|sort code|digits on the back)\b/i;
const MONEY_AFTER = /^\s*(?:pounds?|quid|pence|p\b|k\b|grand|percent|%)/i;
const MONEY_BEFORE = /[£$€]\s*$/;
// Between the tokens of one number: spaces, dashes, commas, full stops and slashes (transcribers
// punctuate spoken digits "4, 2, 4, 2."; dates are written 04/27).
const JOINER = /^[\s\-–,./]*$/;

interface Token {
  start: number;
  end: number;
  word: string;
  digits: string | null;
}

const TOKEN = /[A-Za-z0-9]+/g;

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  for (const m of text.matchAll(TOKEN)) {
    const word = m[0];
    tokens.push({ start: m.index, end: m.index + word.length, word, digits: /^\d+$/.test(word) ? word : null });
  }
  // Spoken numbers, read left to right: "double four" is 44, "forty two" is 42, "forty" alone 40.
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    if (t.digits !== null) continue;
    const lower = t.word.toLowerCase();
    const next = tokens[i + 1];
    const joined = next !== undefined && JOINER.test(text.slice(t.end, next.start));
    if (UNITS[lower] !== undefined) {
      // A lone "o" is a letter unless another digit is beside it.
      if (lower === "o" && !besideDigitWord(tokens, i, text)) continue;
      t.digits = UNITS[lower];
    } else if (TEENS[lower] !== undefined) {
      t.digits = TEENS[lower];
    } else if (TENS[lower] !== undefined) {
      const unit = joined && next ? UNITS[next.word.toLowerCase()] : undefined;
      if (unit !== undefined && unit !== "0" && next) {
        t.digits = TENS[lower] + unit;
        t.end = next.end;
        tokens.splice(i + 1, 1);
      } else {
        t.digits = `${TENS[lower]}0`;
      }
    } else if (REPEATS[lower] !== undefined && joined && next) {
      const unit = next.digits ?? UNITS[next.word.toLowerCase()];
      if (unit !== undefined && unit.length === 1) {
        t.digits = unit.repeat(REPEATS[lower] as number);
        t.end = next.end;
        tokens.splice(i + 1, 1);
      }
    }
  }
  return tokens;
}

function besideDigitWord(tokens: Token[], i: number, text: string): boolean {
  const isDigitish = (t: Token | undefined) =>
    t !== undefined &&
    (t.digits !== null || (UNITS[t.word.toLowerCase()] !== undefined && t.word.toLowerCase() !== "o"));
  const before = tokens[i - 1];
  const after = tokens[i + 1];
  const self = tokens[i] as Token;
  return (
    (isDigitish(before) && JOINER.test(text.slice((before as Token).end, self.start))) ||
    (isDigitish(after) && JOINER.test(text.slice(self.end, (after as Token).start)))
  );
}

/** Runs of number tokens with nothing but joiners between them. */
function numberRuns(tokens: Token[], text: string): Token[][] {
  const runs: Token[][] = [];
  let run: Token[] = [];
  let previous: Token | null = null;
  for (const t of tokens) {
    if (t.digits === null) {
      if (run.length > 0) runs.push(run);
      run = [];
      previous = null;
      continue;
    }
    if (previous && !JOINER.test(text.slice(previous.end, t.start))) {
      runs.push(run);
      run = [];
    }
    run.push(t);
    previous = t;
  }
  if (run.length > 0) runs.push(run);
  return runs;
}

/** The Luhn check every payment card number passes. */
export function passesLuhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

const startsLikeACard = (digits: string) => digits.charCodeAt(0) >= 50 && digits.charCodeAt(0) <= 54;

function looksLikeCard(digits: string, partial: boolean): boolean {
  if (digits.length < 13 || !startsLikeACard(digits)) return false;
  if (partial) return true;
  return digits.length <= 19 && passesLuhn(digits);
}

interface Replacement {
  start: number;
  end: number;
  with: string;
  card: boolean;
}

/** The longest card number in a run, earliest first, at token boundaries (a number may follow others). */
function cardsIn(run: Token[], partial: boolean): Replacement[] {
  const found: Replacement[] = [];
  let i = 0;
  while (i < run.length) {
    let best: { j: number; digits: string } | null = null;
    let digits = "";
    for (let j = i; j < run.length; j++) {
      digits += (run[j] as Token).digits;
      if (digits.length > (partial ? 64 : 19)) break;
      if (looksLikeCard(digits, partial)) best = { j, digits };
    }
    if (best) {
      found.push({
        start: (run[i] as Token).start,
        end: (run[best.j] as Token).end,
        with: `${MASK} ${best.digits.slice(-4)}`,
        card: true,
      });
      i = best.j + 1;
    } else {
      i += 1;
    }
  }
  return found;
}

/** 0 then 9–10 digits (07700 900123, 0207 946 0958), or 44 then 10 (+44 7700 900123). */
const looksLikeUkPhone = (digits: string) =>
  (digits.startsWith("0") && digits.length >= 10 && digits.length <= 11) ||
  (digits.startsWith("44") && digits.length === 12);

/**
 * The start of a run that completes a card number begun on the line before: masked whole, without
 * its last four, since the line before (already shown and stored) holds the first digits.
 */
function continuedCard(run: Token[], carried: string): Replacement | null {
  let digits = carried;
  let best: { j: number; digits: string } | null = null;
  for (let j = 0; j < run.length; j++) {
    digits += (run[j] as Token).digits;
    if (digits.length > 19) break;
    if (digits.length - carried.length >= 4 && looksLikeCard(digits, false)) best = { j, digits };
  }
  if (!best) return null;
  return {
    start: (run[0] as Token).start,
    end: (run[best.j] as Token).end,
    with: MASK,
    card: true,
  };
}

function isMoney(text: string, run: Token[]): boolean {
  const first = run[0] as Token;
  const last = run[run.length - 1] as Token;
  return MONEY_BEFORE.test(text.slice(0, first.start)) || MONEY_AFTER.test(text.slice(last.end));
}

/**
 * Masks card numbers, and security codes and expiry dates near card words, in one line of text.
 * Pure and fast (well under a millisecond a line): it runs on every transcript result.
 */
export function maskCardData(text: string, options: CardMaskingOptions = {}): CardMasking {
  const partial = options.partial ?? false;
  const tokens = tokenize(text);
  const runs = numberRuns(tokens, text);
  const replacements: Replacement[] = [];
  const inCards = new Set<Token[]>();
  const carried = options.carriedDigits ?? "";
  const first = runs[0];
  if (carried !== "" && first && JOINER.test(text.slice(0, (first[0] as Token).start))) {
    const joined = continuedCard(first, carried);
    if (joined) {
      inCards.add(first);
      replacements.push(joined);
    }
  }
  for (const run of runs) {
    if (inCards.has(run)) continue;
    const cards = cardsIn(run, partial);
    if (cards.length > 0) inCards.add(run);
    replacements.push(...cards);
  }
  const cardNumber = replacements.length > 0;
  let cardTalk = cardNumber || CARD_WORDS.test(text);
  if (cardTalk || options.afterCardTalk) {
    // In card talk, any number but money and phone numbers is a code, a date or part of a card
    // number read in pieces (a pause splits it across lines, so no piece passes the Luhn check).
    for (const run of runs) {
      // The last four of a number masked before ("•••• 4242") stay: masking twice changes nothing.
      if (inCards.has(run) || isMoney(text, run) || text.slice(0, (run[0] as Token).start).endsWith(`${MASK} `))
        continue;
      const digits = run.map((t) => t.digits).join("");
      if (digits.length < 3 || digits.length > 19 || looksLikeUkPhone(digits)) continue;
      replacements.push({
        start: (run[0] as Token).start,
        end: (run[run.length - 1] as Token).end,
        with: digits.length > 6 ? MASK : CODE_MASK,
        card: false,
      });
    }
    // A line of nothing but digits, read in card talk, may be followed by the rest of them.
    if (replacements.length > 0 && tokens.every((t) => t.digits !== null)) cardTalk = true;
  }
  const last = runs[runs.length - 1];
  const lastEnd = last ? (last[last.length - 1] as Token).end : -1;
  const endsInDigits = last !== undefined && JOINER.test(text.slice(lastEnd));
  const endsInCard = replacements.some((r) => r.card && r.end === lastEnd);
  const trailingDigits = endsInDigits && !endsInCard ? last.map((t) => t.digits).join("") : "";
  // A long card-like number ending the line may be a card cut short by a pause (the rest comes in
  // the next line): hidden now, since this line is shown and stored before the next arrives.
  if (
    last &&
    endsInDigits &&
    !endsInCard &&
    !replacements.some((r) => r.end === lastEnd) &&
    trailingDigits.length >= CUT_SHORT_DIGITS &&
    startsLikeACard(trailingDigits) &&
    !looksLikeUkPhone(trailingDigits)
  ) {
    replacements.push({ start: (last[0] as Token).start, end: lastEnd, with: MASK, card: false });
  }
  if (replacements.length === 0) return { text, masked: false, cardNumber: false, cardTalk, trailingDigits };
  replacements.sort((a, b) => a.start - b.start);
  let out = "";
  let at = 0;
  for (const r of replacements) {
    out += text.slice(at, r.start) + r.with;
    at = r.end;
  }
  out += text.slice(at);
  return { text: out, masked: true, cardNumber, cardTalk, trailingDigits };
}

/**
 * One conversation's masker (a call, across both tracks): the line right after card talk ("and the
 * security code?" — "seven three seven") is read as card talk too; one line only, so the flat
 * number said next survives. Staff's question and the
 * caller's answer arrive as separate lines, often from separate tracks.
 */
export function createConversationMasker(linesOfCardTalk = 1): {
  /** `speaker` (a call's track) keys the digits a line ends with, so the speaker's next line can complete them. */
  mask(text: string, options?: { partial?: boolean; speaker?: string }): CardMasking;
} {
  let linesSinceCardTalk = Number.POSITIVE_INFINITY;
  const trailing = new Map<string, string>();
  return {
    mask(text, options = {}) {
      const speaker = options.speaker ?? "";
      const result = maskCardData(text, {
        partial: options.partial,
        afterCardTalk: linesSinceCardTalk < linesOfCardTalk,
        carriedDigits: trailing.get(speaker),
      });
      // Interim text is said again as a final line: only final lines move the window on.
      if (!options.partial) {
        linesSinceCardTalk = result.cardTalk ? 0 : linesSinceCardTalk + 1;
        trailing.set(speaker, result.trailingDigits ?? "");
      }
      return result;
    },
  };
}

/** The text had card data taken out (it carries the mask): pages say so beside it. */
export const hasMaskedCardData = (text: string): boolean => text.includes(CODE_MASK);
