import type { Answer } from "./answers.ts";
import { SCRIPTS, type ScriptContext, type ScriptName } from "./scripts.ts";

/** How a conversation ended: the customer's answer, an opt-out, or a hand-over to staff. */
export type Outcome = "yes" | "no" | "opted_out" | "handed_over";

/**
 * One conversation's state: asking (with how many answers were not understood so far), or over.
 * Plain data, so a test (or a log line) can show exactly where it stands.
 */
export type Conversation =
  | { script: ScriptName; state: "asking"; misunderstood: number }
  | { script: ScriptName; state: "over"; outcome: Outcome };

/** What to do next: the lines to say, in order, and when the conversation is over, its outcome. */
export interface Turn {
  conversation: Conversation;
  say: string[];
  outcome: Outcome | null;
}

/** Answers not understood before staff take over: one retry, then a hand-over. */
export const MISUNDERSTANDINGS_BEFORE_HANDOVER = 2;

/**
 * The first turn: who is calling, then the question.
 * @example startConversation("visit_confirmation", context).say // ["Hello Ann. This is an automated assistant…", "We have booked…"]
 */
export function startConversation(script: ScriptName, context: ScriptContext): Turn {
  const lines = SCRIPTS[script];
  return {
    conversation: { script, state: "asking", misunderstood: 0 },
    say: [lines.opening(context), lines.question(context)],
    outcome: null,
  };
}

/**
 * The customer answered. Yes, no and stop end the conversation with that outcome; an answer not
 * understood is asked again once, and a second one hands over. After the end nothing changes.
 */
export function answerConversation(conversation: Conversation, answer: Answer): Turn {
  if (conversation.state === "over") return { conversation, say: [], outcome: null };
  const lines = SCRIPTS[conversation.script];
  const end = (outcome: Outcome, closing: keyof typeof lines.closing): Turn => ({
    conversation: { script: conversation.script, state: "over", outcome },
    say: [lines.closing[closing]],
    outcome,
  });
  switch (answer) {
    case "yes":
      return end("yes", "yes");
    case "no":
      return end("no", "no");
    case "stop":
      return end("opted_out", "stop");
    case "unclear": {
      const misunderstood = conversation.misunderstood + 1;
      if (misunderstood >= MISUNDERSTANDINGS_BEFORE_HANDOVER) return end("handed_over", "handed_over");
      return { conversation: { ...conversation, misunderstood }, say: [lines.retry], outcome: null };
    }
  }
}

/** The customer said nothing at all for too long: the same as an answer not understood. */
export const silenceConversation = (conversation: Conversation): Turn => answerConversation(conversation, "unclear");
