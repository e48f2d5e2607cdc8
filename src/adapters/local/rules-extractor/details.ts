import { sentences, type CueHit } from "../../../domain/extraction/phrases.ts";
import { findPhoneNumbers } from "../../../domain/extraction/spoken.ts";
import type { TradeCategory } from "../../../domain/issues.ts";
import { postcodesIn, tokensOf, type CallText } from "./call-text.ts";
import { cuesIn, type CueTag } from "./cues.ts";

const YES = /^\W*(yes|yeah|yep|yup|aye|correct|that's (it|right|correct)|spot on|exactly|that's the one)\b/i;

/** How much of each side of a break between two caller turns is read for a postcode split by the break. */
const JOIN_CHARS = 24;

/**
 * Postcodes the caller said, in order. A transcriber may split one across two caller turns in
 * a row ("N W 1," | "6 X E"), so the words either side of such a break are read together too.
 */
function saidPostcodes(call: CallText): string[] {
  const said: string[] = [];
  call.callerTurns.forEach((turn, t) => {
    const previous = call.callerTurns[t - 1];
    if (previous && previous.index === turn.index - 1) {
      const tail = previous.text.slice(-JOIN_CHARS);
      const joined = `${tail} ${turn.text.slice(0, JOIN_CHARS)}`;
      for (const m of postcodesIn(call, joined))
        if (m.start < tail.length && m.end > tail.length + 1) said.push(m.postcode);
    }
    said.push(...postcodesIn(call, turn.text).map((m) => m.postcode));
  });
  return said;
}

/**
 * The site postcode: the last one the caller said (a correction replaces the first try); staff
 * reading one back that the caller then confirms counts too.
 */
export function findPostcode(call: CallText): { postcode: string; confidence: number } | null {
  const said = saidPostcodes(call);
  const confirmed = call.callerTurns
    .filter((turn) => turn.question && YES.test(turn.text))
    .flatMap((turn) => postcodesIn(call, turn.question!).map((m) => m.postcode));
  const last = said.at(-1);
  if (last) return { postcode: last, confidence: confirmed.includes(last) ? 0.95 : 0.9 };
  const readBack = confirmed.at(-1);
  return readBack ? { postcode: readBack, confidence: 0.8 } : null;
}

/** A phone number the caller spoke (not the number they called from, which the call already has). */
export function findPhone(call: CallText): { phone: string; confidence: number } | null {
  for (const turn of call.callerTurns) {
    const [first] = call.memo.get(turn.text, "phones", () => findPhoneNumbers(turn.text));
    if (first) return { phone: first.phone, confidence: 0.9 };
  }
  return null;
}

/** A turn's sentences, each with the weight of the phrases heard in it. */
function weighSentences(
  call: CallText,
  text: string,
  hits: readonly CueHit<CueTag>[],
  key: string,
): { text: string; weight: number }[] {
  if (!hits.some((hit) => hit.value.key === key)) return [];
  const tokens = tokensOf(call, text);
  const list = sentences(text).map((s) => ({ text: s.text, start: s.start, end: s.start + s.text.length, weight: 0 }));
  for (const hit of hits) {
    if (hit.value.key !== key) continue;
    const offset = tokens[hit.index]!.start;
    const sentence = list.find((s) => offset >= s.start && offset < s.end);
    if (sentence) sentence.weight += hit.value.weight;
  }
  return list;
}

/** What the caller said about getting in: keys, codes, who is home when, where to go. */
export function findAccessNotes(call: CallText): { accessNotes: string; confidence: number } | null {
  const picked: string[] = [];
  for (const turn of call.callerTurns) {
    const said = call.memo.get(turn.text, "access", () =>
      weighSentences(call, turn.text, cuesIn(call, turn.text, "access"), "access")
        .filter((s) => s.weight > 0 && !s.text.endsWith("?"))
        .map((s) => s.text),
    );
    for (const sentence of said) if (!picked.includes(sentence)) picked.push(sentence);
  }
  if (picked.length === 0) return null;
  return { accessNotes: clip(picked.join(" "), 240), confidence: 0.6 };
}

const OPENERS =
  /^(?:(?:hi|hiya|hello|yeah|yes|so|um|er|erm|oh|well|right|okay|basically|anyway|sorry|and|but|aye|now then|i think)\b[\s,.]*)+/i;

/** One line for the job: the caller's sentence that says most about the trade. */
export function findSummary(
  call: CallText,
  category: TradeCategory | null,
): { summary: string; confidence: number } | null {
  if (!category) return null;
  let best: { text: string; weight: number } | null = null;
  for (const turn of call.callerTurns) {
    const top = call.memo.get(turn.text, `summary\u0000${category}`, () =>
      weighSentences(call, turn.text, cuesIn(call, turn.text, "category"), category).reduce<{
        text: string;
        weight: number;
      } | null>((a, s) => (s.weight > 0 && (!a || s.weight > a.weight) ? s : a), null),
    );
    if (top && (!best || top.weight > best.weight)) best = top;
  }
  if (!best) return null;
  const line = best.text
    .replace(OPENERS, "")
    // "At 45 Park Lane, Croydon, C R 0, 1 Y Y, the bathroom fan…": the place is in its own fields.
    .replace(/^(?:at|in)\b[^.]*?,\s*(?=(?:the|my|our|a|an|there's|there is)\b)/i, "")
    .replace(/[.!]+$/, "")
    .trim();
  if (line === "") return null;
  return { summary: clip(line[0]!.toUpperCase() + line.slice(1), 120), confidence: 0.6 };
}

function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  return `${cut.slice(0, cut.lastIndexOf(" ") > 0 ? cut.lastIndexOf(" ") : cut.length)}…`;
}
