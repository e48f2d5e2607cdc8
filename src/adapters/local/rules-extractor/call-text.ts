import { tokenize, type Token } from "../../../domain/extraction/phrases.ts";
import { findPostcodes, isNumberWord, type PostcodeMention } from "../../../domain/extraction/spoken.ts";
import type { Transcript } from "../../../domain/extraction/transcript.ts";

/**
 * Results worked out from one turn's words, kept by the words and the kind of result, so that
 * re-reading a growing call (the live loop extracts again as each line arrives) only reads the
 * new lines. Every value is a pure function of its text and kind.
 */
export interface TurnMemo {
  get<T>(text: string, kind: string, compute: () => T): T;
}

/** A memo keeping the results for the `limit` most recently read texts. */
export function createTurnMemo(limit = 5_000): TurnMemo {
  const texts = new Map<string, Map<string, unknown>>();
  return {
    get<T>(text: string, kind: string, compute: () => T): T {
      let kinds = texts.get(text);
      if (!kinds) {
        kinds = new Map();
        texts.set(text, kinds);
        if (texts.size > limit) texts.delete(texts.keys().next().value!);
      }
      if (kinds.has(kind)) return kinds.get(kind) as T;
      const value = compute();
      kinds.set(kind, value);
      return value;
    },
  };
}

export interface CallerTurn {
  text: string;
  lower: string;
  /** The staff turn just before, when there was one. */
  question: string | null;
  /** Position in the transcript. */
  index: number;
}

/** One transcript read once: the caller's turns (with the question each answers) and staff's. */
export interface CallText {
  callerTurns: CallerTurn[];
  staffTurns: string[];
  /** Caller turns joined with line breaks. */
  caller: string;
  staff: string;
  memo: TurnMemo;
}

export function readCall(transcript: Transcript, memo: TurnMemo = createTurnMemo()): CallText {
  const callerTurns: CallerTurn[] = [];
  const staffTurns: string[] = [];
  let lastStaff: string | null = null;
  transcript.lines.forEach((line, index) => {
    const text = line.text.replace(/\s+/g, " ").replace(/[‘’]/g, "'").trim();
    if (text === "") return;
    if (line.speaker === "staff") {
      staffTurns.push(text);
      lastStaff = text;
    } else {
      callerTurns.push({ text, lower: text.toLowerCase(), question: lastStaff, index });
      lastStaff = null;
    }
  });
  return {
    callerTurns,
    staffTurns,
    caller: callerTurns.map((t) => t.text).join("\n"),
    staff: staffTurns.join("\n"),
    memo,
  };
}

/** A turn's words (the same array each time, so phrase look-ups on it are indexed once). */
export const tokensOf = (call: CallText, text: string): Token[] => call.memo.get(text, "tokens", () => tokenize(text));

/** Postcodes in a piece of this call's text. */
export const postcodesIn = (call: CallText, text: string): PostcodeMention[] =>
  call.memo.get(text, "postcodes", () =>
    tokensOf(call, text).some((t) => isNumberWord(t.word)) ? findPostcodes(text) : [],
  );

/** A line written without capitals (some transcribers do that): names must then be read by position. */
export const isLowercase = (text: string): boolean => !/[A-Z]/.test(text.replace(/\bI\b/g, ""));

export const titleCase = (words: string): string =>
  words.replace(/[A-Za-z][A-Za-z]*/g, (w) => w[0]!.toUpperCase() + w.slice(1).toLowerCase());
