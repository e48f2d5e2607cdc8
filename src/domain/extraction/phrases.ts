/**
 * Finding spoken phrases in a transcript: words compared in lower case, a trailing `*` on a
 * phrase word matches any ending ("spark*" → "sparks", "sparking"), and a phrase word also
 * matches its "'s" form ("boiler" → "boiler's"). Hyphens separate words ("buy-to-let" is
 * three), so phrases are written with spaces.
 */

export interface Token {
  /** Lower case, curly apostrophes made straight. */
  word: string;
  start: number;
  end: number;
  /** Punctuation and line breaks start a new clause; negation does not reach across them. */
  clause: number;
}

const isWordChar = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
const isClauseBreak = (c: number) => c === 46 || c === 44 || c === 59 || c === 58 || c === 33 || c === 63 || c === 10;
const isApostrophe = (c: number) => c === 39 || c === 0x2019;

/** Words of a text (letters and digits, with "'s"/"n't" kept on), scanned by hand: this runs on every extraction. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const lower = text.toLowerCase();
  let clause = 0;
  const length = text.length;
  let i = 0;
  while (i < length) {
    const c = text.charCodeAt(i);
    if (!isWordChar(c)) {
      if (isClauseBreak(c)) clause += 1;
      i += 1;
      continue;
    }
    let j = i + 1;
    let curly = false;
    for (;;) {
      while (j < length && isWordChar(text.charCodeAt(j))) j += 1;
      // "it's", "O'Brien", "don't": an apostrophe between letters stays inside the word.
      if (j + 1 < length && isApostrophe(text.charCodeAt(j)) && isWordChar(text.charCodeAt(j + 1))) {
        if (text.charCodeAt(j) !== 39) curly = true;
        j += 2;
      } else break;
    }
    const word = lower.slice(i, j);
    tokens.push({ word: curly ? word.replace(/’/g, "'") : word, start: i, end: j, clause });
    i = j;
  }
  return tokens;
}

export type Phrase = readonly string[];

const compiled = new Map<string, Phrase>();

/** A phrase's words, compiled once per text (rules are matched many times a call). */
export function phrase(text: string): Phrase {
  let words = compiled.get(text);
  if (!words) {
    words = text
      .toLowerCase()
      .split(/[\s-]+/)
      .filter(Boolean);
    if (compiled.size > 10_000) compiled.clear();
    compiled.set(text, words);
  }
  return words;
}

function wordMatches(pattern: string, word: string): boolean {
  if (pattern.endsWith("*")) return word.startsWith(pattern.slice(0, -1));
  return word === pattern || (word.length === pattern.length + 2 && word.endsWith("'s") && word.startsWith(pattern));
}

interface TokenIndex {
  /** Positions by word, and by the word without its "'s". */
  byWord: Map<string, number[]>;
  /** The distinct words, sorted, to find a stem's words by binary search. */
  sorted: string[];
  /** Positions of the words starting with a stem, filled as stems are asked for. */
  byStem: Map<string, number[]>;
}

const indexes = new WeakMap<readonly Token[], TokenIndex>();

function indexOf(tokens: readonly Token[]): TokenIndex {
  let index = indexes.get(tokens);
  if (index) return index;
  const byWord = new Map<string, number[]>();
  const add = (word: string, at: number) => {
    const list = byWord.get(word);
    if (list) list.push(at);
    else byWord.set(word, [at]);
  };
  tokens.forEach((token, at) => {
    add(token.word, at);
    if (token.word.endsWith("'s")) add(token.word.slice(0, -2), at);
  });
  index = { byWord, sorted: [...byWord.keys()].sort(), byStem: new Map() };
  indexes.set(tokens, index);
  return index;
}

function startsOf(tokens: readonly Token[], first: string): readonly number[] {
  const index = indexOf(tokens);
  if (!first.endsWith("*")) return index.byWord.get(first) ?? [];
  let list = index.byStem.get(first);
  if (!list) {
    const stem = first.slice(0, -1);
    const { sorted } = index;
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid]! < stem) lo = mid + 1;
      else hi = mid;
    }
    list = [];
    for (let k = lo; k < sorted.length && sorted[k]!.startsWith(stem); k++) {
      if (!sorted[k]!.endsWith("'s") || !index.byWord.has(sorted[k]!.slice(0, -2)))
        list.push(...index.byWord.get(sorted[k]!)!);
    }
    list.sort((a, b) => a - b);
    index.byStem.set(first, list);
  }
  return list;
}

/** Indexes of the tokens where `words` starts. */
export function findPhrase(tokens: readonly Token[], words: Phrase): number[] {
  const found: number[] = [];
  if (words.length === 0) return found;
  for (const i of startsOf(tokens, words[0]!)) {
    if (i + words.length > tokens.length) continue;
    let all = true;
    for (let j = 1; j < words.length && all; j++) all = wordMatches(words[j]!, tokens[i + j]!.word);
    if (all) found.push(i);
  }
  return found;
}

const NEGATIONS = new Set(["no", "not", "never", "nothing", "without", "nor", "cannot", "none"]);

export const isNegation = (word: string): boolean => NEGATIONS.has(word) || word.endsWith("n't");

/**
 * Whether the phrase starting at `index` is negated: "not urgent", "isn't an emergency",
 * "no rush" — a negation up to `window` words before it in the same clause.
 */
export function isNegated(tokens: readonly Token[], index: number, window = 3): boolean {
  const clause = tokens[index]?.clause;
  for (let i = index - 1; i >= Math.max(0, index - window); i--) {
    const token = tokens[i]!;
    if (token.clause !== clause) return false;
    if (isNegation(token.word)) return true;
  }
  return false;
}

/** Sentences of a text, with their offsets; a line break also ends a sentence. */
export function sentences(text: string): { text: string; start: number }[] {
  const found: { text: string; start: number }[] = [];
  for (const match of text.matchAll(/[^.!?\n]+[.!?]*/g)) {
    const trimmed = match[0].trim();
    if (trimmed !== "") found.push({ text: trimmed, start: match.index + match[0].indexOf(trimmed) });
  }
  return found;
}

export interface CueHit<T> {
  value: T;
  words: Phrase;
  /** Token index where the phrase starts. */
  index: number;
}

/** Many phrases matched in one pass over a text's words (a look-up per word, not per phrase). */
export interface CueSet<T> {
  match(tokens: readonly Token[]): CueHit<T>[];
}

/**
 * Compiles phrases once for matching together: each word of a text is looked up by its own
 * form, its form without "'s", and its beginnings (for `*` stems), then the rest of the
 * phrase is checked.
 *
 * @example
 * cueSet([{ words: phrase("no rush"), value: 4 }]).match(tokenize("There's no rush")) // [{ value: 4, index: 1, … }]
 */
export function cueSet<T>(entries: readonly { words: Phrase; value: T }[]): CueSet<T> {
  type Entry = { words: Phrase; value: T };
  const exact = new Map<string, Entry[]>();
  const stems = new Map<string, Entry[]>();
  const stemLengths = new Set<number>();
  for (const entry of entries) {
    const first = entry.words[0];
    if (!first) continue;
    const stem = first.endsWith("*") ? first.slice(0, -1) : null;
    if (stem) stemLengths.add(stem.length);
    const map = stem ? stems : exact;
    const key = stem ?? first;
    const list = map.get(key);
    if (list) list.push(entry);
    else map.set(key, [entry]);
  }
  const lengths = [...stemLengths].sort((a, b) => a - b);
  const tryAll = (list: Entry[] | undefined, tokens: readonly Token[], at: number, found: CueHit<T>[]) => {
    if (!list) return;
    for (const entry of list) {
      const { words } = entry;
      if (at + words.length > tokens.length) continue;
      let all = true;
      for (let j = 1; j < words.length && all; j++) all = wordMatches(words[j]!, tokens[at + j]!.word);
      if (all) found.push({ value: entry.value, words, index: at });
    }
  };
  return {
    match(tokens) {
      const found: CueHit<T>[] = [];
      for (let at = 0; at < tokens.length; at++) {
        const word = tokens[at]!.word;
        const possessive = word.endsWith("'s");
        const base = possessive ? word.slice(0, -2) : word;
        tryAll(exact.get(word), tokens, at, found);
        if (possessive) tryAll(exact.get(base), tokens, at, found);
        for (const n of lengths) {
          if (n > base.length) break;
          tryAll(stems.get(n === base.length ? base : base.slice(0, n)), tokens, at, found);
        }
      }
      return found;
    },
  };
}
