import { findPhrase, isNegated, isNegation, phrase, tokenize } from "../extraction/phrases.ts";
import type { OptOutSource } from "./call-policy.ts";

/**
 * What counts as "stop calling me" on an assistant call: the key the assistant offers (9) and the
 * phrases people use. One home for the rule, so the conversation and its tests agree. Erring
 * towards an opt-out is deliberate: an admin can take a mistaken one off (with a reason); a
 * missed one rings someone who asked not to be rung.
 */
export const OPT_OUT_DIGIT = "9";

const PHRASES = [
  "stop calling",
  "stop ringing",
  "stop phoning",
  "stop the calls",
  "don't call me",
  "do not call me",
  "don't ring me",
  "do not ring me",
  "don't phone me",
  "never call me",
  "never ring me",
  "no more calls",
  "take me off",
  "take my number off",
  "remove my number",
  "remove me from",
  "opt out",
  "unsubscribe",
].map(phrase);

/** "9" pressed on the keypad (a `dtmf` message's digit). */
export const pressedOptOut = (digit: string): OptOutSource | null =>
  digit.trim() === OPT_OUT_DIGIT ? "pressed_9" : null;

/**
 * Whether a customer's utterance asks not to be called again, unless negated in its clause
 * ("don't stop calling", "I'm not asking you to stop calling").
 * @example heardOptOut("Please stop calling me.") // "said_stop"
 * @example heardOptOut("Yes, Tuesday is fine") // null
 */
export function heardOptOut(utterance: string): OptOutSource | null {
  const tokens = tokenize(utterance);
  for (const words of PHRASES) {
    // "don't call me" carries its own negation, and "no no don't call me" is no double negative.
    const negative = isNegation(words[0]!) || words[0] === "do";
    for (const at of findPhrase(tokens, words)) if (negative || !isNegated(tokens, at, 5)) return "said_stop";
  }
  return null;
}
