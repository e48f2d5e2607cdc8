import { understand } from "./answers.ts";

/** An interim of at least this many words is the customer talking, not a cough or a breath. */
export const BARGE_IN_MIN_WORDS = 2;
/** …or speech lasting at least this long (ms of the customer's audio). */
export const BARGE_IN_MIN_MS = 600;

/** What the transcriber heard on the customer's track: its words, final or not, and how long they lasted. */
export interface SpeechHeard {
  text: string;
  isFinal: boolean;
  /** End minus start of the result, ms of audio; 0 when the transcriber gives no times. */
  spanMs: number;
}

/**
 * Whether what the customer said is enough to cut the assistant short. A cough, an "uh" or a
 * one-word murmur is not: it takes two words or 600 ms of speech. A final line the assistant
 * understands as an answer ("Yes.", "No.") is enough however short: the customer meant it.
 *
 * @example isBargeIn({ text: "uh", isFinal: false, spanMs: 200 }) // false
 * @example isBargeIn({ text: "another time", isFinal: false, spanMs: 400 }) // true
 * @example isBargeIn({ text: "Yes.", isFinal: true, spanMs: 300 }) // true
 */
export function isBargeIn(heard: SpeechHeard): boolean {
  const words = heard.text.trim().split(/\s+/).filter(Boolean).length;
  if (words === 0) return false;
  if (words >= BARGE_IN_MIN_WORDS || heard.spanMs >= BARGE_IN_MIN_MS) return true;
  return heard.isFinal && understand({ speech: heard.text }) !== "unclear";
}
