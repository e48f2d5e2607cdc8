import { TRADE_CATEGORIES, URGENCIES, type TradeCategory, type Urgency } from "../../../domain/issues.ts";
import type { LeadSegment } from "../../../domain/leads.ts";
import { findPhrase, isNegated, phrase, type Phrase, type Token } from "../../../domain/extraction/phrases.ts";
import { DEFAULT_SAFETY_RULES, safetyAdviceIn } from "../../../domain/extraction/safety.ts";
import type { CallText } from "./call-text.ts";
import { CATEGORY_CUES, SEGMENT_CUES, URGENCY_CUES, type Cues } from "./vocabulary.ts";

type Compiled = readonly (readonly [Phrase, number])[];
const compile = (cues: Cues): Compiled => cues.map(([text, weight]) => [phrase(text), weight] as const);
const compileAll = <K extends string>(table: Record<K, Cues>) =>
  Object.fromEntries(Object.entries(table).map(([key, cues]) => [key, compile(cues as Cues)])) as Record<K, Compiled>;

const CATEGORY = compileAll(CATEGORY_CUES);
const URGENCY = compileAll(URGENCY_CUES);
const SEGMENT = compileAll(SEGMENT_CUES);
/** Said plainly and then negated ("not urgent", "isn't an emergency", "not in a hurry"), these mean routine. */
const NEGATABLE = new Set(["emergency", "urgent", "urgently", "hurry", "asap", "rush", "quick", "dangerous", "danger"]);

export interface Verdict<T> {
  value: T | null;
  confidence: number;
  scores: Record<string, number>;
}

/** Sum of cue weights; a cue the caller negated ("no leak") does not count, unless `keepNegated`. */
function score(tokens: readonly Token[], cues: Compiled, keepNegated: boolean): number {
  let total = 0;
  for (const [words, weight] of cues) {
    for (const index of findPhrase(tokens, words)) {
      if (!keepNegated && words[0] !== "no" && words[0] !== "not" && isNegated(tokens, index)) continue;
      total += weight;
    }
  }
  return total;
}

/** Where a category's cues are first heard; on equal scores the thing named first is the job. */
function firstHit(tokens: readonly Token[], cues: Compiled): number {
  let first = Number.POSITIVE_INFINITY;
  for (const [words] of cues) {
    const [index] = findPhrase(tokens, words);
    if (index !== undefined && index < first) first = index;
  }
  return first;
}

function pick<T extends string>(scores: Record<T, number>, floor: number, order?: Record<T, number>): Verdict<T> {
  const ranked = (Object.entries(scores) as [T, number][]).sort(
    (a, b) => b[1] - a[1] || (order ? order[a[0]] - order[b[0]] : 0),
  );
  const [best, second] = ranked;
  if (!best || best[1] < floor) return { value: null, confidence: 0, scores };
  const margin = best[1] - (second?.[1] ?? 0);
  const confidence = Math.min(0.95, 0.45 + 0.5 * (margin / (best[1] + 1)) + Math.min(0.2, best[1] / 20));
  return { value: best[0], confidence: Number(confidence.toFixed(2)), scores };
}

/** The trade: the caller's words count fully, staff's (who often name the trade) half. */
export function classifyCategory(call: CallText): Verdict<TradeCategory> {
  const scores = Object.fromEntries(
    TRADE_CATEGORIES.map((category) => [
      category,
      score(call.callerTokens, CATEGORY[category], true) + 0.5 * score(call.staffTokens, CATEGORY[category], true),
    ]),
  ) as Record<TradeCategory, number>;
  const order = Object.fromEntries(
    TRADE_CATEGORIES.map((category) => [category, firstHit(call.callerTokens, CATEGORY[category])]),
  ) as Record<TradeCategory, number>;
  return pick(scores, 1.5, order);
}

/**
 * How soon: explicit words ("emergency", "no rush") weigh most, a negated "urgent" counts as
 * routine, and a danger from the safety list makes it an emergency.
 */
export function classifyUrgency(call: CallText, hasJob: boolean): Verdict<Urgency> {
  const scores = { emergency: 0, urgent: 0, routine: 0 } as Record<Urgency, number>;
  for (const urgency of URGENCIES) {
    for (const [words, weight] of URGENCY[urgency]) {
      for (const [tokens, share] of [[call.callerTokens, 1], [call.staffTokens, 0.5]] as const) {
        for (const index of findPhrase(tokens, words)) {
          const negated = words[0] !== "no" && words[0] !== "not" && isNegated(tokens, index);
          if (!negated) scores[urgency] += weight * share;
          else if (urgency !== "routine" && words.some((w) => NEGATABLE.has(w))) scores.routine += weight * share;
        }
      }
    }
  }
  for (const advice of safetyAdviceIn(call.caller, call.callerTokens, DEFAULT_SAFETY_RULES)) {
    if (advice.ruleId === "no-heating-vulnerable") scores.urgent += 2;
    else scores.emergency += 3;
  }
  const { emergency, urgent, routine } = scores;
  const decide = (value: Urgency, lead: number, rest: number): Verdict<Urgency> => ({
    value,
    confidence: Number(Math.min(0.95, 0.5 + 0.45 * ((lead - rest) / (lead + 1))).toFixed(2)),
    scores,
  });
  if (emergency >= 3 && emergency >= urgent && emergency > routine) return decide("emergency", emergency, Math.max(urgent, routine));
  if (emergency >= 3 && emergency > routine && emergency + urgent > routine + 2) return decide("emergency", emergency, routine);
  if (urgent + emergency >= 2 && urgent + emergency > routine) return decide("urgent", urgent + emergency, routine);
  if (routine > 0) return decide("routine", routine, urgent + emergency);
  // A job with nothing said about timing is booked as routine; staff are told to ask.
  return hasJob ? { value: "routine", confidence: 0.3, scores } : { value: null, confidence: 0, scores };
}

/** Who is calling about the property; "unknown" when the call gives no cue. */
export function classifySegment(call: CallText, organisation: string | null): Verdict<LeadSegment> {
  const scores = Object.fromEntries(
    (Object.keys(SEGMENT) as Exclude<LeadSegment, "unknown">[]).map((segment) => [segment, score(call.callerTokens, SEGMENT[segment], false)]),
  ) as Record<Exclude<LeadSegment, "unknown">, number>;
  // "Is it your own home?" — "Yes" / "It is, aye" / "No, she rents it".
  for (const turn of call.callerTurns) {
    if (!turn.question || !/\byour (own )?(home|house|property|place|flat)\b|\bdo you own\b|\bare you the owner\b/i.test(turn.question)) continue;
    if (/^\W*(yes|yeah|yep|aye|it is|i do|we do|that's right|correct)\b/i.test(turn.text)) scores.homeowner += 3;
  }
  if (organisation) {
    if (/\b(lettings?|lets|estates?|property|properties|management|residential|agents?)\b/i.test(organisation)) scores.letting_agent += 3;
    else scores.commercial += 2;
  }
  const verdict = pick<Exclude<LeadSegment, "unknown">>(scores, 2);
  return verdict.value ? verdict : { value: "unknown", confidence: 0, scores };
}
