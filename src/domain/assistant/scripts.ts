/**
 * The assistant's two scripted conversations. Each asks one yes-or-no question; the words are
 * here, the turn-taking in conversation.ts. The opening says, before anything else, that this is
 * an automated assistant calling for the company (the consent rule).
 */
export type ScriptName = "visit_confirmation" | "quote_follow_up";

export const SCRIPT_NAMES: readonly ScriptName[] = ["visit_confirmation", "quote_follow_up"];

/** What a script needs to say its lines: the company, the customer's first name, the subject in words. */
export interface ScriptContext {
  companyName: string;
  firstName: string | null;
  /** "Thursday 4 December, between 10 am and 12 pm" for a visit; the job's title for a quote. */
  about: string;
}

export interface Script {
  name: ScriptName;
  /** For staff: what the call is for. */
  label: string;
  opening(context: ScriptContext): string;
  question(context: ScriptContext): string;
  /** Asked after one answer that was not understood. */
  retry: string;
  /** Said after each outcome, before the call ends. */
  closing: Record<"yes" | "no" | "stop" | "handed_over", string>;
}

const hello = (context: ScriptContext) => (context.firstName ? `Hello ${context.firstName}. ` : "Hello. ");
const automated = (context: ScriptContext) => `This is an automated assistant calling for ${context.companyName}.`;
const KEYS_RETRY =
  "Sorry, I didn't catch that. Press 1 or say yes; press 2 or say no. Press 9 if you'd rather we didn't call you.";
const STOP_CLOSING = "Understood. We won't call you with the automated assistant again. Goodbye.";
const HANDED_OVER = "Sorry, I couldn't understand. Someone from the office will call you back. Goodbye.";

export const SCRIPTS: Record<ScriptName, Script> = {
  visit_confirmation: {
    name: "visit_confirmation",
    label: "Visit confirmation",
    opening: (c) => `${hello(c)}${automated(c)}`,
    question: (c) =>
      `We have booked your visit for ${c.about}. Press 1 or say yes to confirm; 2 or "another time" to change it.`,
    retry: KEYS_RETRY,
    closing: {
      yes: "Thank you, your visit is confirmed. Goodbye.",
      no: "Thank you. The office will be in touch to find another time. Goodbye.",
      stop: STOP_CLOSING,
      handed_over: HANDED_OVER,
    },
  },
  quote_follow_up: {
    name: "quote_follow_up",
    label: "Quote follow-up",
    opening: (c) => `${hello(c)}${automated(c)}`,
    question: (c) =>
      `We sent you a quote for ${c.about} and haven't heard back. Shall we text the link again? Press 1 or say yes; 2 or say no.`,
    retry: KEYS_RETRY,
    closing: {
      yes: "Thank you, we've texted the link to you again. Goodbye.",
      no: "No problem. Thank you for your time. Goodbye.",
      stop: STOP_CLOSING,
      handed_over: HANDED_OVER,
    },
  },
};
