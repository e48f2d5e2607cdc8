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
  opening(context: Pick<ScriptContext, "companyName">): string;
  question(context: ScriptContext): string;
  /** Asked after one answer that was not understood. */
  retry: string;
  /** Said after each outcome, before the call ends. */
  closing: Record<"yes" | "no" | "stop" | "handed_over", string>;
}

/**
 * The same words on every call of the company (no customer's name in them), so the voice makes
 * them ahead and the customer hears them the moment the stream starts.
 */
const opening = (context: Pick<ScriptContext, "companyName">) =>
  `Hello, this is an automated assistant calling for ${context.companyName}.`;
/** "Sarah, we…" or "We…": the customer's name goes in the question, after the cached opening. */
const toThem = (context: ScriptContext, sentence: string) =>
  context.firstName ? `${context.firstName}, ${sentence[0]!.toLowerCase()}${sentence.slice(1)}` : sentence;
const KEYS_RETRY =
  "Sorry, I didn't catch that. Press 1 or say yes; press 2 or say no. Press 9 if you'd rather we didn't call you.";
const STOP_CLOSING = "Understood. We won't call you with the automated assistant again. Goodbye.";
const HANDED_OVER = "Sorry, I couldn't understand. Someone from the office will call you back. Goodbye.";

export const SCRIPTS: Record<ScriptName, Script> = {
  visit_confirmation: {
    name: "visit_confirmation",
    label: "Visit confirmation",
    opening,
    question: (c) =>
      toThem(
        c,
        `We have booked your visit for ${c.about}. Press 1 or say yes to confirm; 2 or "another time" to change it.`,
      ),
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
    opening,
    question: (c) =>
      toThem(
        c,
        `We sent you a quote for ${c.about} and haven't heard back. Shall we text the link again? Press 1 or say yes; 2 or say no.`,
      ),
    retry: KEYS_RETRY,
    closing: {
      yes: "Thank you, we've texted the link to you again. Goodbye.",
      no: "No problem. Thank you for your time. Goodbye.",
      stop: STOP_CLOSING,
      handed_over: HANDED_OVER,
    },
  },
};

/**
 * Every line the assistant says word for word on any call of `companyName`: the opening, the
 * retry and the closings. The voice makes these ahead (`prepare`).
 */
export function fixedLines(companyName: string): string[] {
  const lines = new Set<string>([opening({ companyName })]);
  for (const script of Object.values(SCRIPTS)) {
    lines.add(script.retry);
    for (const closing of Object.values(script.closing)) lines.add(closing);
  }
  return [...lines];
}
