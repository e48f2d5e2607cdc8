import { isValid, toNormalised } from "postcode";
import { FILLERS, hasDigit, spokenTokens, TENS, UNITS, type SpokenToken } from "./spoken-words.ts";

/**
 * Postcodes as people say them: "N W 1, 6 X E", "en double-you one", "C R zero", "G for golf",
 * "double N", and as transcribers write them. Only real postcode shapes are returned.
 */

const LETTER_NAMES: Record<string, string> = {
  ay: "A",
  bee: "B",
  see: "C",
  sea: "C",
  cee: "C",
  dee: "D",
  ee: "E",
  ef: "F",
  eff: "F",
  gee: "G",
  jee: "G",
  aitch: "H",
  haitch: "H",
  eye: "I",
  jay: "J",
  kay: "K",
  el: "L",
  ell: "L",
  em: "M",
  en: "N",
  pee: "P",
  queue: "Q",
  cue: "Q",
  kew: "Q",
  ar: "R",
  ess: "S",
  es: "S",
  tee: "T",
  tea: "T",
  you: "U",
  yu: "U",
  vee: "V",
  ex: "X",
  why: "Y",
  wye: "Y",
  zed: "Z",
  zee: "Z",
  "double-you": "W",
  "double-u": "W",
  doubleyou: "W",
};

const NATO: Record<string, string> = {
  alpha: "A",
  alfa: "A",
  bravo: "B",
  charlie: "C",
  delta: "D",
  echo: "E",
  foxtrot: "F",
  golf: "G",
  hotel: "H",
  india: "I",
  juliet: "J",
  juliett: "J",
  kilo: "K",
  lima: "L",
  mike: "M",
  november: "N",
  oscar: "O",
  papa: "P",
  quebec: "Q",
  romeo: "R",
  sierra: "S",
  tango: "T",
  uniform: "U",
  victor: "V",
  whiskey: "W",
  whisky: "W",
  "x-ray": "X",
  xray: "X",
  yankee: "Y",
  zulu: "Z",
};

/** The UK's postcode areas (Royal Mail), so "shape" means a real area, not just letters and digits. */
const AREAS = new Set(
  (
    "AB AL B BA BB BD BF BH BL BN BR BS BT BX CA CB CF CH CM CO CR CT CV CW DA DD DE DG DH DL DN DT DY E EC EH EN EX " +
    "FK FY G GL GU GY HA HD HG HP HR HS HU HX IG IM IP IV JE KA KT KW KY L LA LD LE LL LN LS LU M ME MK ML N NE NG NN " +
    "NP NR NW OL OX PA PE PH PL PO PR RG RH RM S SA SE SG SK SL SM SN SO SP SR SS ST SW SY TA TD TF TN TQ TR TS TW UB " +
    "W WA WC WD WF WN WR WS WV YO ZE"
  ).split(" "),
);
const SHAPE = /^([A-Z]{1,2})(\d[A-Z\d]?)(\d)([ABD-HJLNP-UW-Z]{2})$/;

/**
 * Whether compact letters and digits ("NW16XE") are a real UK postcode shape: a known area,
 * a district, and an inward code whose letters Royal Mail uses (never C I K M O V).
 */
export function isPostcodeShape(compact: string): boolean {
  const match = SHAPE.exec(compact);
  if (!match || !AREAS.has(match[1]!)) return false;
  return isValid(compact);
}

/** Every way a token may be written in a postcode; null when it is not part of one. */
function postcodeSymbols(token: SpokenToken): string[] | null {
  const { raw, lower } = token;
  if (raw.length === 1) return lower === "o" ? ["O", "0"] : [raw.toUpperCase()];
  const named = SYMBOL_WORDS.get(lower);
  if (named) return named;
  if (raw.length > 7 || !/\d/.test(raw)) return raw.length === 2 && /^[A-Z]{2}$/.test(raw) ? [raw] : null;
  if (/^\d{1,2}$/.test(raw)) return [raw];
  if (
    /^[a-z]{1,2}\d[a-z\d]?$/i.test(raw) ||
    /^\d[a-z]{2}$/i.test(raw) ||
    /^[a-z]{1,2}\d[a-z\d]?\d[a-z]{2}$/i.test(raw)
  ) {
    return [raw.toUpperCase()];
  }
  return null;
}

/** Spoken words for postcode symbols, looked up before any pattern is tried. */
const SYMBOL_WORDS = new Map<string, string[]>([
  ...[...FILLERS].map((w) => [w, [""]] as [string, string[]]),
  ["oh", ["0", "O"]],
  ...Object.entries(LETTER_NAMES).map(([w, l]) => [w, [l]] as [string, string[]]),
  ...Object.entries(NATO).map(([w, l]) => [w, [l]] as [string, string[]]),
  ...Object.entries(UNITS).map(([w, n]) => [w, [String(n)]] as [string, string[]]),
  ...Object.entries(TENS).map(([w, n]) => [w, [String(n)]] as [string, string[]]),
  ...Object.entries(TENS).flatMap(([t, n]) =>
    Object.entries(UNITS)
      .filter(([, u]) => u > 0 && u < 10)
      .map(([u, m]) => [`${t}-${u}`, [String(n + m)]] as [string, string[]]),
  ),
]);

/** Symbols a run of tokens spells, token by token, after "double", "for golf" and "twenty two" are read. */
function readSymbols(tokens: SpokenToken[]): { symbols: (string[] | null)[]; tokens: SpokenToken[] } {
  const out: { symbols: string[] | null; token: SpokenToken }[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    const next = tokens[i + 1];
    if ((token.lower === "double" || token.lower === "triple") && next) {
      if (token.lower === "double" && (next.lower === "you" || next.lower === "u")) {
        out.push({ symbols: ["W"], token: { ...token, end: next.end } });
        i += 1;
        continue;
      }
      const repeated = postcodeSymbols(next);
      if (repeated) {
        const times = token.lower === "double" ? 2 : 3;
        out.push({ symbols: repeated.map((s) => s.repeat(times)), token: { ...token, end: next.end } });
        i += 1;
        continue;
      }
    }
    // "G for golf", "S as in sierra": the spelling word confirms the letter before it.
    const previous = out.at(-1);
    const single =
      previous?.symbols?.length === 1 && /^[A-Z]$/.test(previous.symbols[0]!) ? previous.symbols[0]! : null;
    if (single && (token.lower === "for" || token.lower === "as" || token.lower === "like")) {
      const skip = token.lower === "as" && next?.lower === "in" ? 2 : 1;
      const word = tokens[i + skip];
      if (word && word.lower.startsWith(single.toLowerCase())) {
        previous!.token = { ...previous!.token, end: word.end };
        i += skip;
        continue;
      }
    }
    // "twenty two" is 22 when it follows a letter (SE22); "two" alone stays a digit.
    const tens = TENS[token.lower];
    const unit = next ? UNITS[next.lower] : undefined;
    if (tens !== undefined && unit !== undefined && unit > 0 && unit < 10) {
      out.push({ symbols: [String(tens + unit)], token: { ...token, end: next!.end } });
      i += 1;
      continue;
    }
    out.push({ symbols: postcodeSymbols(token), token });
  }
  return { symbols: out.map((o) => o.symbols), tokens: out.map((o) => o.token) };
}

export interface PostcodeMention {
  /** Written form, "NW1 6XE". */
  postcode: string;
  start: number;
  end: number;
}

/**
 * Postcodes said or written in a text, in order. Each is a real postcode shape; a run of
 * letters and numbers that is not one is ignored.
 *
 * @example
 * findPostcodes("12 Baker Street, London, N W 1, 6 X E.").map((m) => m.postcode) // ["NW1 6XE"]
 * findPostcodes("postcode en double-you three, five en ay").map((m) => m.postcode) // ["NW3 5NA"]
 */
export function findPostcodes(text: string): PostcodeMention[] {
  const tokens = spokenTokens(text);
  const found: PostcodeMention[] = [];
  // Only runs of words that could all be part of a postcode, and that hold a number, are read closely.
  let i = 0;
  while (i < tokens.length) {
    if (!maySpell(tokens[i]!)) {
      i += 1;
      continue;
    }
    let j = i;
    let numeric = false;
    while (j < tokens.length && (maySpell(tokens[j]!) || spellsOut(tokens, j))) {
      if (isNumeric(tokens[j]!)) numeric = true;
      j += 1;
    }
    if (numeric) found.push(...postcodesInRun(tokens.slice(i, j)));
    i = j;
  }
  return found;
}

const CONNECTORS = new Set(["double", "triple", "for", "as", "in", "like"]);
/** "S as in sugar", "B for Bertie": any word after a letter and "for"/"as in"/"like" that starts with that letter. */
function spellsOut(tokens: readonly SpokenToken[], at: number): boolean {
  const before = tokens[at - 1]?.lower;
  const letter =
    before === "in" && tokens[at - 2]?.lower === "as"
      ? tokens[at - 3]
      : before && CONNECTORS.has(before)
        ? tokens[at - 2]
        : undefined;
  return letter !== undefined && letter.raw.length === 1 && tokens[at]!.lower.startsWith(letter.lower);
}
const isUpper = (c: number) => c >= 65 && c <= 90;
const maySpell = (token: SpokenToken): boolean =>
  token.raw.length === 1 ||
  SYMBOL_WORDS.has(token.lower) ||
  CONNECTORS.has(token.lower) ||
  hasDigit(token.raw) ||
  (token.raw.length === 2 && isUpper(token.raw.charCodeAt(0)) && isUpper(token.raw.charCodeAt(1)));
const NUMERIC_WORDS = new Set(
  [...SYMBOL_WORDS.entries()]
    .filter(([word, symbols]) => word.length > 1 && symbols.some(hasDigit))
    .map(([word]) => word),
);
const isNumeric = (token: SpokenToken): boolean =>
  hasDigit(token.raw) || token.lower === "o" || NUMERIC_WORDS.has(token.lower);

function postcodesInRun(run: SpokenToken[]): PostcodeMention[] {
  const { symbols, tokens } = readSymbols(run);
  const found: PostcodeMention[] = [];
  let best: { compact: string; end: number } | null = null;
  const walk = (at: number, acc: string) => {
    const options = symbols[at];
    if (!options) return;
    for (const option of options) {
      const next = acc + option;
      if (next.length > 7) continue;
      if (next.length >= 5 && option !== "" && (!best || at > best.end) && isPostcodeShape(next))
        best = { compact: next, end: at };
      if (at + 1 < tokens.length) walk(at + 1, next);
    }
  };
  let i = 0;
  while (i < tokens.length) {
    best = null;
    if (symbols[i] && symbols[i]![0] !== "") walk(i, "");
    if (best) {
      const { compact, end } = best as { compact: string; end: number };
      found.push({ postcode: toNormalised(compact) ?? compact, start: tokens[i]!.start, end: tokens[end]!.end });
      i = end + 1;
    } else {
      i += 1;
    }
  }
  return found;
}

/** Words spelled letter by letter: "W H I T F I E L D", "B A double R A C L O U G H". */
export function spelledWords(text: string, postcodes: readonly PostcodeMention[] = findPostcodes(text)): string[] {
  const found: string[] = [];
  const tokens = [...text.matchAll(/[A-Za-z]+(?:['’][A-Za-z]+)*/g)];
  let run = "";
  let lastEnd = -1;
  const flush = () => {
    if (run.length >= 3) found.push(run);
    run = "";
  };
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    const word = token[0];
    const inPostcode = postcodes.some((p) => token.index >= p.start && token.index < p.end);
    let letters: string | null = null;
    if (!inPostcode && word.length === 1) letters = word.toUpperCase();
    else if (!inPostcode && word.toLowerCase() === "double" && tokens[i + 1]?.[0].length === 1) {
      letters = tokens[i + 1]![0].toUpperCase().repeat(2);
    }
    const joined = lastEnd >= 0 && /^[\s,-]*$/.test(text.slice(lastEnd, token.index));
    if (letters === null || (run !== "" && !joined)) flush();
    if (letters === null) continue;
    run += letters;
    if (word.toLowerCase() === "double") {
      i += 1;
      lastEnd = tokens[i]!.index + 1;
    } else {
      lastEnd = token.index + word.length;
    }
  }
  flush();
  return found;
}
