import { findPhrase, phrase, sentences, type Phrase } from "../../../domain/extraction/phrases.ts";
import { findPhoneNumbers } from "../../../domain/extraction/spoken.ts";
import type { TradeCategory } from "../../../domain/issues.ts";
import type { CallText } from "./call-text.ts";
import { CATEGORY_CUES } from "./vocabulary.ts";

const YES = /^\W*(yes|yeah|yep|yup|aye|correct|that's (it|right|correct)|spot on|exactly|that's the one)\b/i;

/** Caller turns that follow one another with no staff turn between, joined: a postcode may be split across them. */
function callerBlocks(call: CallText): string[] {
  const blocks: string[] = [];
  let lastIndex = -2;
  for (const turn of call.callerTurns) {
    if (turn.index === lastIndex + 1 && blocks.length) blocks[blocks.length - 1] += `\n${turn.text}`;
    else blocks.push(turn.text);
    lastIndex = turn.index;
  }
  return blocks;
}

/**
 * The site postcode: the last one the caller said (a correction replaces the first try); staff
 * reading one back that the caller then confirms counts too.
 */
export function findPostcode(call: CallText): { postcode: string; confidence: number } | null {
  const said = callerBlocks(call).flatMap((block) => call.postcodesIn(block).map((m) => m.postcode));
  const confirmed = call.callerTurns
    .filter((turn) => turn.question && YES.test(turn.text))
    .flatMap((turn) => call.postcodesIn(turn.question!).map((m) => m.postcode));
  const last = said.at(-1);
  if (last) return { postcode: last, confidence: confirmed.includes(last) ? 0.95 : 0.9 };
  const readBack = confirmed.at(-1);
  return readBack ? { postcode: readBack, confidence: 0.8 } : null;
}

/** A phone number the caller spoke (not the number they called from, which the call already has). */
export function findPhone(call: CallText): { phone: string; confidence: number } | null {
  for (const turn of call.callerTurns) {
    const [first] = findPhoneNumbers(turn.text);
    if (first) return { phone: first.phone, confidence: 0.9 };
  }
  return null;
}

const ACCESS = [
  "key safe", "keysafe", "key box", "the code", "code is", "keys can", "collect the keys", "pick up the keys", "keys from",
  "let you in", "will be in", "someone will be", "i'm in", "i'm home", "i'm always in", "we're always in", "home all day",
  "in most days", "in all day", "home most", "working from home", "work from home", "ring the bell", "knock", "buzzer",
  "intercom", "concierge", "side gate", "back door", "round the back", "come to the back", "cellar door", "reception",
  "ask for me", "call me when", "ring me when", "call the tenant", "give the tenant a ring", "tenant's name", "arrange access",
  "to arrange", "parking", "park on", "park in", "dog", "mornings are best", "afternoons", "after three", "after four",
  "before nine", "she's in", "he's in", "tenant's there", "she'll let you", "he'll let you", "slow to the door", "give him a minute",
  "give her a minute", "report to", "school office", "not thursday", "not monday", "not tuesday", "not wednesday", "not friday",
  "she's home", "he's home", "i'll be in", "we're in", "the tenants work", "open eight", "we're open", "come round",
].map(phrase);

/** The caller's sentences, each with the weight of the phrases heard in it. */
function weighSentences(call: CallText, cues: readonly (readonly [Phrase, number])[]): { text: string; weight: number }[] {
  const list = sentences(call.caller).map((s) => ({ text: s.text, start: s.start, end: s.start + s.text.length, weight: 0 }));
  for (const [words, weight] of cues) {
    for (const at of findPhrase(call.callerTokens, words)) {
      const offset = call.callerTokens[at]!.start;
      let lo = 0;
      let hi = list.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (list[mid]!.start <= offset) lo = mid;
        else hi = mid - 1;
      }
      const sentence = list[lo];
      if (sentence && offset < sentence.end) sentence.weight += weight;
    }
  }
  return list;
}

const ACCESS_CUES = ACCESS.map((words) => [words, 1] as const);

/** What the caller said about getting in: keys, codes, who is home when, where to go. */
export function findAccessNotes(call: CallText): { accessNotes: string; confidence: number } | null {
  const picked: string[] = [];
  for (const sentence of weighSentences(call, ACCESS_CUES)) {
    if (sentence.weight > 0 && !sentence.text.endsWith("?") && !picked.includes(sentence.text)) picked.push(sentence.text);
  }
  if (picked.length === 0) return null;
  return { accessNotes: clip(picked.join(" "), 240), confidence: 0.6 };
}

const OPENERS = /^(?:(?:hi|hiya|hello|yeah|yes|so|um|er|erm|oh|well|right|okay|basically|anyway|sorry|and|but|aye|now then|i think)\b[\s,.]*)+/i;
const SUMMARY_CUES = Object.fromEntries(
  Object.entries(CATEGORY_CUES).map(([category, cues]) => [category, cues.map(([text, weight]) => [phrase(text), weight] as const)]),
) as Record<TradeCategory, (readonly [Phrase, number])[]>;

/** One line for the job: the caller's sentence that says most about the trade. */
export function findSummary(call: CallText, category: TradeCategory | null): { summary: string; confidence: number } | null {
  if (!category) return null;
  let best: { text: string; weight: number } | null = null;
  for (const sentence of weighSentences(call, SUMMARY_CUES[category])) {
    if (sentence.weight > 0 && (!best || sentence.weight > best.weight)) best = sentence;
  }
  if (!best) return null;
  const line = best.text.replace(OPENERS, "").replace(/[.!]+$/, "").trim();
  if (line === "") return null;
  return { summary: clip(line[0]!.toUpperCase() + line.slice(1), 120), confidence: 0.6 };
}

function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  return `${cut.slice(0, cut.lastIndexOf(" ") > 0 ? cut.lastIndexOf(" ") : cut.length)}…`;
}
