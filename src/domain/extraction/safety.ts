import { findPhrase, isNegated, phrase, tokenize, type Token } from "./phrases.ts";

/**
 * A danger staff must react to at once, and what to tell the caller. Rules are plain data
 * so the company can edit the list: phrases are matched as words (a trailing `*` matches
 * any ending), and a phrase with a negation just before it ("no burning smell") does not count.
 */
export interface SafetyRule {
  id: string;
  /** What staff see as the heading: "Gas smell". */
  danger: string;
  /** Any of these phrases raises the rule… */
  anyOf: string[];
  /**
   * …but only when one of these is also said in the same utterance (a caller's consecutive
   * lines, or a whole message), or within `nearWords` words across utterances, when set.
   */
  andAnyOf?: string[];
  nearWords?: number;
  /** Words for staff to say to the caller. */
  advice: string;
}

export interface SafetyAdvice {
  ruleId: string;
  danger: string;
  advice: string;
  /** The words that raised it, as said. */
  heard: string;
}

const VULNERABLE = [
  "baby",
  "babies",
  "newborn",
  "toddler",
  "pregnant",
  "elderly",
  "pensioner*",
  "eighty*",
  "ninety*",
  "vulnerable",
  "disabled",
  "disability",
  "heart condition",
  "poorly",
  "unwell",
  "frail",
  "dementia",
  "oxygen",
  "chemotherapy",
  "wheelchair",
];

/** The list Switchboard starts with; the company edits its own copy. */
export const DEFAULT_SAFETY_RULES: readonly SafetyRule[] = [
  {
    id: "gas",
    danger: "Gas smell",
    anyOf: [
      "smell gas",
      "smell of gas",
      "smells of gas",
      "smelling gas",
      "gas smell",
      "smell like gas",
      "gas leak",
      "leaking gas",
      "smells like gas",
    ],
    advice:
      "Leave the property, don't use switches or flames, call the National Gas Emergency number 0800 111 999. " +
      "If it is safe on the way out: open doors and windows and turn the gas off at the meter.",
  },
  {
    id: "carbon-monoxide",
    danger: "Carbon monoxide alarm",
    anyOf: ["carbon monoxide", "co alarm", "monoxide alarm"],
    advice:
      "Get everyone out into fresh air now, leave appliances off, call the National Gas Emergency number " +
      "0800 111 999; anyone with a headache, dizziness or sickness should call 999.",
  },
  {
    id: "electrical-burning",
    danger: "Sparks or burning",
    anyOf: [
      "spark*",
      "burning smell",
      "smell of burning",
      "smells like burning",
      "smells of burning",
      "smoke",
      "smoking",
      "melting",
      "scorch*",
      "electric shock",
      "got a shock",
      "exposed wire*",
      "bare wire*",
      "live wire*",
    ],
    advice:
      "Don't touch it. Switch the power off at the consumer unit (fuse box) if it can be reached safely and " +
      "dry-handed; if there is smoke or fire, leave and call 999.",
  },
  {
    id: "water-electrics",
    danger: "Water near electrics",
    anyOf: ["water", "leak*", "drip*", "pouring", "flood*", "soaking", "wet"],
    andAnyOf: [
      "electric*",
      "light fitting",
      "light",
      "lights",
      "socket*",
      "switch*",
      "fuse box",
      "consumer unit",
      "wiring",
      "wires",
    ],
    nearWords: 12,
    advice:
      "Don't touch switches, sockets or fittings that are wet. Turn the electricity off at the consumer unit " +
      "if it can be reached without standing in water, and turn the water off at the stopcock.",
  },
  {
    id: "no-heating-vulnerable",
    danger: "No heating for a vulnerable person",
    anyOf: [
      "no heating",
      "no heat",
      "heating has stopped",
      "heating stopped",
      "heating isn't",
      "heating is not",
      "heating's not",
      "heating not working",
      "boiler has stopped",
      "boiler stopped",
      "boiler's stopped",
      "boiler's broken",
      "boiler is broken",
      "boiler's packed in",
      "boiler's gone",
      "boiler has broken",
      "freezing",
    ],
    andAnyOf: VULNERABLE,
    advice:
      "Treat as a priority: check there is a safe way to keep warm meanwhile (a heated room, electric " +
      "heaters, family nearby) and book the first engineer; if anyone is unwell, they should call 111, or 999 in an emergency.",
  },
  {
    id: "ceiling-collapse",
    danger: "Ceiling down or bulging",
    anyOf: [
      "ceiling has come down",
      "ceiling's come down",
      "ceiling came down",
      "ceiling collapsed",
      "ceiling has collapsed",
      "ceiling's collapsed",
      "ceiling is bulging",
      "ceiling's bulging",
      "ceiling bulging",
    ],
    advice:
      "Keep everyone out of that room, turn the water off at the stopcock and the electricity off at the " +
      "consumer unit if it is safe to do so.",
  },
];

interface Hit {
  index: number;
  length: number;
}

/** What one person said without being interrupted: one text, or several in a row. */
export type Utterances = string | readonly string[];

/**
 * The utterances joined into one text (a blank line between them, which also ends a clause) and,
 * for each token, which utterance it came from.
 */
function joinUtterances(utterances: Utterances): { text: string; tokens: Token[]; utteranceOf: number[] } {
  const parts = typeof utterances === "string" ? [utterances] : utterances;
  const starts: number[] = [];
  let text = "";
  for (const part of parts) {
    if (text !== "") text += "\n\n";
    starts.push(text.length);
    text += part;
  }
  const tokens = tokenize(text);
  let utterance = 0;
  const utteranceOf = tokens.map((token) => {
    while (utterance + 1 < starts.length && token.start >= starts[utterance + 1]!) utterance += 1;
    return utterance;
  });
  return { text, tokens, utteranceOf };
}

function hits(tokens: readonly Token[], phrases: readonly string[], allowNegated: boolean): Hit[] {
  const found: Hit[] = [];
  for (const text of phrases) {
    const words = phrase(text);
    for (const index of findPhrase(tokens, words)) {
      if (!allowNegated && !/^no\b/.test(text) && isNegated(tokens, index)) continue;
      found.push({ index, length: words.length });
    }
  }
  return found.sort((a, b) => a.index - b.index);
}

/**
 * The advice staff should give now, one entry a danger the call describes, in the list's order.
 * Pass what the caller said, an utterance at a time (see `callerUtterances`): staff asking "any
 * burning smell?" is not a danger. A rule's two halves are looked for across a whole utterance,
 * since callers pause mid-thought and the transcriber splits them into lines ("water pouring
 * through the ceiling…" / "…I've turned off the electrics").
 *
 * @example
 * safetyAdvice("I can smell gas in the kitchen", DEFAULT_SAFETY_RULES)[0]?.advice
 * // "Leave the property, don't use switches or flames, call the National Gas Emergency number 0800 111 999. …"
 */
export function safetyAdvice(
  utterances: Utterances,
  rules: readonly SafetyRule[] = DEFAULT_SAFETY_RULES,
): SafetyAdvice[] {
  const { text, tokens, utteranceOf } = joinUtterances(utterances);
  return safetyAdviceIn(text, tokens, rules, utteranceOf);
}

/**
 * `safetyAdvice` for a text already split into words (see `tokenize`); `utteranceOf` gives each
 * token's utterance (all one utterance when left out).
 */
export function safetyAdviceIn(
  transcriptText: string,
  tokens: readonly Token[],
  rules: readonly SafetyRule[],
  utteranceOf?: readonly number[],
): SafetyAdvice[] {
  const together = (a: Hit, b: Hit, near: number) =>
    a.index !== b.index &&
    ((utteranceOf ? utteranceOf[a.index] === utteranceOf[b.index] : true) || Math.abs(a.index - b.index) <= near);
  const advice: SafetyAdvice[] = [];
  for (const rule of rules) {
    const first = hits(tokens, rule.anyOf, false);
    if (first.length === 0) continue;
    let chosen: Hit | undefined = first[0];
    if (rule.andAnyOf && rule.andAnyOf.length > 0) {
      const second = hits(tokens, rule.andAnyOf, false);
      const near = rule.nearWords ?? Number.POSITIVE_INFINITY;
      chosen = first.find((a) => second.some((b) => together(a, b, near)));
    }
    if (!chosen) continue;
    const from = tokens[chosen.index]!.start;
    const to = tokens[chosen.index + chosen.length - 1]!.end;
    advice.push({ ruleId: rule.id, danger: rule.danger, advice: rule.advice, heard: transcriptText.slice(from, to) });
  }
  return advice;
}
