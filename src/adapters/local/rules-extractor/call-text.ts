import { tokenize, type Token } from "../../../domain/extraction/phrases.ts";
import { findPostcodes, type PostcodeMention } from "../../../domain/extraction/spoken.ts";
import type { Transcript } from "../../../domain/extraction/transcript.ts";

/** One transcript read once: the caller's words, staff's words, and which caller line answers which question. */
export interface CallText {
  /** Caller turns, in order, with the staff turn just before each (or null). */
  callerTurns: { text: string; lower: string; question: string | null; index: number; start: number }[];
  /** Caller turns joined with line breaks (consecutive turns may split one sentence). */
  caller: string;
  staff: string;
  callerTokens: Token[];
  staffTokens: Token[];
  /** Postcodes in a piece of this call's text, read once however many rules ask. */
  postcodesIn(text: string): PostcodeMention[];
}

export function readCall(transcript: Transcript): CallText {
  const callerTurns: CallText["callerTurns"] = [];
  const staffLines: string[] = [];
  let lastStaff: string | null = null;
  transcript.lines.forEach((line, index) => {
    const text = line.text.replace(/\s+/g, " ").trim();
    if (text === "") return;
    if (line.speaker === "staff") {
      staffLines.push(text);
      lastStaff = text;
    } else {
      const previous = callerTurns.at(-1);
      const start = previous ? previous.start + previous.text.length + 1 : 0;
      callerTurns.push({ text, lower: text.toLowerCase(), question: lastStaff, index, start });
      lastStaff = null;
    }
  });
  const caller = callerTurns.map((turn) => turn.text).join("\n");
  const staff = staffLines.join("\n");
  const postcodes = new Map<string, PostcodeMention[]>();
  const postcodesIn = (text: string) => {
    let found = postcodes.get(text);
    if (!found) postcodes.set(text, (found = findPostcodes(text)));
    return found;
  };
  return { callerTurns, caller, staff, callerTokens: tokenize(caller), staffTokens: tokenize(staff), postcodesIn };
}

/** The caller turns in which a token at one of `positions` (of `callerTokens`) falls. */
export function turnsAt(call: CallText, positions: Iterable<number>): Set<number> {
  const turns = new Set<number>();
  for (const position of positions) {
    const offset = call.callerTokens[position]!.start;
    let lo = 0;
    let hi = call.callerTurns.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (call.callerTurns[mid]!.start <= offset) lo = mid;
      else hi = mid - 1;
    }
    turns.add(lo);
  }
  return turns;
}

/** A line written without capitals (some transcribers do that): names must then be read by position. */
export const isLowercase = (text: string): boolean => !/[A-Z]/.test(text.replace(/\bI\b/g, ""));

export const titleCase = (words: string): string =>
  words.replace(/[A-Za-z][A-Za-z]*/g, (w) => w[0]!.toUpperCase() + w.slice(1).toLowerCase());
