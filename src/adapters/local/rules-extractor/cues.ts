import { cueSet, phrase, type CueHit } from "../../../domain/extraction/phrases.ts";
import { DEFAULT_SAFETY_RULES } from "../../../domain/extraction/safety.ts";
import { tokensOf, type CallText } from "./call-text.ts";
import { ACCESS_CUES, CATEGORY_CUES, SEGMENT_CUES, STREET_WORDS, URGENCY_CUES, type Cues } from "./vocabulary.ts";

export type CueTable = "category" | "urgency" | "segment" | "safety-any" | "safety-and" | "access" | "street";

/** What a cue says: its table, the key in it (a trade, an urgency, a segment, a safety rule's index) and its weight. */
export interface CueTag {
  table: CueTable;
  key: string;
  weight: number;
}

const tagged = (table: CueTable, cues: Record<string, Cues>) =>
  Object.entries(cues).flatMap(([key, list]) =>
    list.map(([text, weight]) => ({ words: phrase(text), value: { table, key, weight } })),
  );

/** Every cue the rules listen for, matched together in one pass over a line's words. */
const ALL = cueSet<CueTag>([
  ...tagged("category", CATEGORY_CUES),
  ...tagged("urgency", URGENCY_CUES),
  ...tagged("segment", SEGMENT_CUES),
  ...DEFAULT_SAFETY_RULES.flatMap((rule, r) => [
    ...rule.anyOf.map((text) => ({
      words: phrase(text),
      value: { table: "safety-any" as const, key: String(r), weight: 1 },
    })),
    ...(rule.andAnyOf ?? []).map((text) => ({
      words: phrase(text),
      value: { table: "safety-and" as const, key: String(r), weight: 1 },
    })),
  ]),
  ...ACCESS_CUES.map((text) => ({
    words: phrase(text),
    value: { table: "access" as const, key: "access", weight: 1 },
  })),
  ...STREET_WORDS.toLowerCase()
    .split("|")
    .map((w) => ({ words: phrase(w), value: { table: "street" as const, key: "street", weight: 1 } })),
]);

const byTable = (hits: CueHit<CueTag>[]): Record<CueTable, CueHit<CueTag>[]> => {
  const tables = {
    category: [],
    urgency: [],
    segment: [],
    "safety-any": [],
    "safety-and": [],
    access: [],
    street: [],
  } as Record<CueTable, CueHit<CueTag>[]>;
  for (const hit of hits) tables[hit.value.table].push(hit);
  return tables;
};

/** The cues of one table heard in a line (worked out once a line). */
export const cuesIn = (call: CallText, text: string, table: CueTable): CueHit<CueTag>[] =>
  call.memo.get(text, "cues", () => byTable(ALL.match(tokensOf(call, text))))[table];
