import { TRADE_CATEGORIES, URGENCIES, type TradeCategory, type Urgency } from "../../../domain/issues.ts";
import type { LeadSegment } from "../../../domain/leads.ts";
import { isNegated, type Phrase, type Token } from "../../../domain/extraction/phrases.ts";
import { DEFAULT_SAFETY_RULES } from "../../../domain/extraction/safety.ts";
import { tokensOf, type CallText } from "./call-text.ts";
import { cuesIn } from "./cues.ts";
import { SEGMENT_CUES } from "./vocabulary.ts";

type Segment = Exclude<LeadSegment, "unknown">;
const SEGMENTS = Object.keys(SEGMENT_CUES) as Segment[];
/** Said plainly and then negated ("not urgent", "isn't an emergency", "not in a hurry"), these mean routine. */
const NEGATABLE = new Set(["emergency", "urgent", "urgently", "hurry", "asap", "rush", "quick", "dangerous", "danger"]);
const SAFETY = DEFAULT_SAFETY_RULES.map((rule) => ({
  id: rule.id,
  second: (rule.andAnyOf?.length ?? 0) > 0,
  nearWords: rule.nearWords,
}));

export interface Verdict<T> {
  value: T | null;
  confidence: number;
  scores: Record<string, number>;
}

const negated = (tokens: readonly Token[], words: Phrase, index: number) =>
  words[0] !== "no" && words[0] !== "not" && isNegated(tokens, index);

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

interface CategoryFacts {
  scores: Record<TradeCategory, number>;
  first: Record<TradeCategory, number>;
}

const categoryFacts = (call: CallText, text: string): CategoryFacts =>
  call.memo.get(text, "category", () => {
    const scores = Object.fromEntries(TRADE_CATEGORIES.map((c) => [c, 0])) as Record<TradeCategory, number>;
    const first = Object.fromEntries(TRADE_CATEGORIES.map((c) => [c, Number.POSITIVE_INFINITY])) as Record<
      TradeCategory,
      number
    >;
    for (const hit of cuesIn(call, text, "category")) {
      const key = hit.value.key as TradeCategory;
      scores[key] += hit.value.weight;
      first[key] = Math.min(first[key], hit.index);
    }
    return { scores, first };
  });

/** The trade: the caller's words count fully, staff's (who often name the trade) half. */
export function classifyCategory(call: CallText): Verdict<TradeCategory> {
  const scores = Object.fromEntries(TRADE_CATEGORIES.map((c) => [c, 0])) as Record<TradeCategory, number>;
  const order = Object.fromEntries(TRADE_CATEGORIES.map((c) => [c, Number.POSITIVE_INFINITY])) as Record<
    TradeCategory,
    number
  >;
  call.callerTurns.forEach((turn, t) => {
    const facts = categoryFacts(call, turn.text);
    for (const category of TRADE_CATEGORIES) {
      scores[category] += facts.scores[category];
      // The thing named first is the job, on equal scores.
      if (order[category] === Number.POSITIVE_INFINITY && facts.first[category] !== Number.POSITIVE_INFINITY) {
        order[category] = t * 100_000 + facts.first[category];
      }
    }
  });
  for (const text of call.staffTurns) {
    const facts = categoryFacts(call, text);
    for (const category of TRADE_CATEGORIES) scores[category] += 0.5 * facts.scores[category];
  }
  return pick(scores, 1.5, order);
}

const urgencyFacts = (call: CallText, text: string): Record<Urgency, number> =>
  call.memo.get(text, "urgency", () => {
    const tokens = tokensOf(call, text);
    const scores = { emergency: 0, urgent: 0, routine: 0 } as Record<Urgency, number>;
    for (const { value, words, index } of cuesIn(call, text, "urgency")) {
      if (!negated(tokens, words, index)) scores[value.key as Urgency] += value.weight;
      else if (value.key !== "routine" && words.some((w) => NEGATABLE.has(w))) scores.routine += value.weight;
    }
    return scores;
  });

/** Which safety rules a turn raises (rules with a second list: whether it is said near, or anywhere in the turn). */
const safetyFacts = (call: CallText, text: string): { id: string; any: boolean; and: boolean; near: boolean }[] =>
  call.memo.get(text, "safety", () => {
    const tokens = tokensOf(call, text);
    const said = (table: "safety-any" | "safety-and", r: number) =>
      cuesIn(call, text, table)
        .filter((hit) => hit.value.key === String(r) && (hit.words[0] === "no" || !isNegated(tokens, hit.index)))
        .map((hit) => hit.index);
    return SAFETY.map((rule, r) => {
      const first = said("safety-any", r);
      const second = said("safety-and", r);
      const near = rule.nearWords ?? Number.POSITIVE_INFINITY;
      return {
        id: rule.id,
        any: first.length > 0,
        and: second.length > 0,
        near: first.some((a) => second.some((b) => a !== b && Math.abs(a - b) <= near)),
      };
    });
  });

/** The default safety rules the caller's words raise, across the whole call. */
function dangers(call: CallText): string[] {
  const raised = new Set<string>();
  const facts = call.callerTurns.map((turn) => safetyFacts(call, turn.text));
  SAFETY.forEach((rule, r) => {
    const any = facts.some((f) => f[r]!.any);
    if (
      !rule.second
        ? any
        : rule.nearWords !== undefined
          ? facts.some((f) => f[r]!.near)
          : any && facts.some((f) => f[r]!.and)
    ) {
      raised.add(rule.id);
    }
  });
  return [...raised];
}

/**
 * How soon: explicit words ("emergency", "no rush") weigh most, a negated "urgent" counts as
 * routine, and a danger from the safety list makes it an emergency.
 */
export function classifyUrgency(call: CallText, hasJob: boolean): Verdict<Urgency> {
  const scores = { emergency: 0, urgent: 0, routine: 0 } as Record<Urgency, number>;
  const add = (facts: Record<Urgency, number>, share: number) => {
    for (const urgency of URGENCIES) scores[urgency] += facts[urgency] * share;
  };
  for (const turn of call.callerTurns) add(urgencyFacts(call, turn.text), 1);
  for (const text of call.staffTurns) add(urgencyFacts(call, text), 0.5);
  for (const id of dangers(call)) {
    if (id === "no-heating-vulnerable") scores.urgent += 2;
    else scores.emergency += 3;
  }
  const { emergency, urgent, routine } = scores;
  const decide = (value: Urgency, lead: number, rest: number): Verdict<Urgency> => ({
    value,
    confidence: Number(Math.min(0.95, 0.5 + 0.45 * ((lead - rest) / (lead + 1))).toFixed(2)),
    scores,
  });
  if (emergency >= 3 && emergency >= urgent && emergency > routine)
    return decide("emergency", emergency, Math.max(urgent, routine));
  if (emergency >= 3 && emergency > routine && emergency + urgent > routine + 2)
    return decide("emergency", emergency, routine);
  if (urgent + emergency >= 2 && urgent + emergency > routine) return decide("urgent", urgent + emergency, routine);
  if (routine > 0) return decide("routine", routine, urgent + emergency);
  // A job with nothing said about timing is booked as routine; staff are told to ask.
  return hasJob ? { value: "routine", confidence: 0.3, scores } : { value: null, confidence: 0, scores };
}

const OWN_HOME_QUESTION = /\byour (own )?(home|house|property|place|flat)\b|\bdo you own\b|\bare you the owner\b/i;
const YES = /^\W*(yes|yeah|yep|aye|it is|i do|we do|that's right|correct)\b/i;

const segmentFacts = (call: CallText, text: string): Record<Segment, number> =>
  call.memo.get(text, "segment", () => {
    const tokens = tokensOf(call, text);
    const scores = Object.fromEntries(SEGMENTS.map((s) => [s, 0])) as Record<Segment, number>;
    for (const { value, words, index } of cuesIn(call, text, "segment")) {
      if (!negated(tokens, words, index)) scores[value.key as Segment] += value.weight;
    }
    return scores;
  });

/** Who is calling about the property; "unknown" when the call gives no cue. */
export function classifySegment(call: CallText, organisation: string | null): Verdict<LeadSegment> {
  const scores = Object.fromEntries(SEGMENTS.map((s) => [s, 0])) as Record<Segment, number>;
  for (const turn of call.callerTurns) {
    const facts = segmentFacts(call, turn.text);
    for (const segment of SEGMENTS) scores[segment] += facts[segment];
    // "Is it your own home?" — "Yes" / "It is, aye" / "No, she rents it".
    if (turn.question && OWN_HOME_QUESTION.test(turn.question) && YES.test(turn.text)) scores.homeowner += 3;
  }
  if (organisation) {
    if (/\b(lettings?|lets|estates?|property|properties|management|residential|agents?)\b/i.test(organisation))
      scores.letting_agent += 3;
    else scores.commercial += 2;
  }
  const verdict = pick<Segment>(scores, 2);
  return verdict.value ? verdict : { value: "unknown", confidence: 0, scores };
}
