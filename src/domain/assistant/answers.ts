import { heardOptOut, pressedOptOut } from "./opt-out-words.ts";

/**
 * What the customer meant, from a key they pressed or words the transcriber heard. No language
 * model: a handful of phrases per meaning, looked for as whole words. Speech that matches more
 * than one meaning ("yes… no, another time") is not guessed at: it is unclear, and asked again.
 */
export type Answer = "yes" | "no" | "stop" | "unclear";

/** What reached the assistant: a DTMF digit (Twilio's `dtmf` message) or a final transcript line. */
export type Heard = { digit: string } | { speech: string };

/** The keys every script offers: 1 yes, 2 no (another time, change it); 9 (stop calling me) is opt-out-words.ts's. */
const DIGITS: Record<string, Answer> = { "1": "yes", "2": "no" };
const YES =
  /\b(yes|yeah|yep|yup|confirm(ed)?|that'?s (fine|ok|okay|great|good)|please do|go ahead|sure|correct|ok|okay)\b/;
const NO =
  /\b(no|nope|another time|different time|change( it)?|reschedule|not (then|now|today)|can'?t make it|don'?t)\b/;

/**
 * @example understand({ digit: "1" }) // "yes"
 * @example understand({ speech: "Please stop calling me." }) // "stop"
 */
export function understand(heard: Heard): Answer {
  if ("digit" in heard) return pressedOptOut(heard.digit) ? "stop" : (DIGITS[heard.digit] ?? "unclear");
  // Checked first: an opt-out is honoured even when the sentence also has "no" or "yes" in it.
  if (heardOptOut(heard.speech)) return "stop";
  const words = heard.speech
    .toLowerCase()
    .replace(/[’‘]/g, "'")
    .replace(/[^a-z0-9' ]+/g, " ");
  const yes = YES.test(words);
  const no = NO.test(words);
  if (yes === no) return "unclear";
  return yes ? "yes" : "no";
}
