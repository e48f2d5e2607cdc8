import { z } from "zod";
import type { Settings } from "../../ports/settings.ts";
import { ok, reject, type Result } from "../result.ts";
import { DEFAULT_SAFETY_RULES, type SafetyRule } from "./safety.ts";

export const SAFETY_RULES_KEY = "safety_rules";

const phrases = z.array(z.string().trim().min(1)).min(1, "give at least one word or phrase");
const ruleSchema = z.object({
  id: z
    .string()
    .trim()
    .regex(/^[a-z0-9_-]+$/, "ids are lower-case letters, digits, - and _")
    .max(40),
  danger: z.string().trim().min(1, "name the danger").max(80, "keep it to 80 characters"),
  anyOf: phrases,
  andAnyOf: phrases.optional(),
  nearWords: z.number("a whole number").int().positive().max(50, "at most 50").optional(),
  advice: z.string().trim().min(1, "write what to tell the caller").max(1000, "keep it to 1,000 characters"),
});
const rulesSchema = z.array(ruleSchema).max(100);

/** A rule's fields as the settings form names them. */
const FIELD_WORDS: Record<string, string> = {
  id: "its id",
  danger: "the danger",
  anyOf: "trigger words",
  andAnyOf: "also-said words",
  nearWords: "words apart",
  advice: "the advice",
};

/** One rule as a row of the settings form: words as typed, comma- or line-separated. */
export interface SafetyRuleRow {
  id: string;
  danger: string;
  triggers: string;
  alsoSaid: string;
  nearWords: string;
  advice: string;
}

const words = (typed: string) =>
  typed
    .split(/[,\n]/)
    .map((word) => word.trim())
    .filter(Boolean);

/** A new rule's id from its danger: "Roof down" → "roof-down" (suffixed when taken). */
function idFor(danger: string, taken: Set<string>): string {
  const base =
    danger
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-|-$/g, "")
      .slice(0, 36) || "rule";
  let id = base;
  for (let n = 2; taken.has(id); n += 1) id = `${base}-${n}`;
  return id;
}

/**
 * The settings form's rows as a list, checked by `parseSafetyRules` like any edited list. A row
 * left wholly empty (the form's spare row for adding one) is no rule; a new row gets an id from
 * its danger.
 *
 * @example safetyRulesFromRows([{ id: "", danger: "Roof down", triggers: "roof has come down", alsoSaid: "", nearWords: "", advice: "Keep out" }])
 * // ok: [{ id: "roof-down", danger: "Roof down", anyOf: ["roof has come down"], advice: "Keep out" }]
 */
export function safetyRulesFromRows(rows: readonly SafetyRuleRow[]): Result<SafetyRule[], "invalid_rules"> {
  const filled = rows.filter((row) => [row.danger, row.triggers, row.alsoSaid, row.advice].some((v) => v.trim()));
  const taken = new Set(filled.map((row) => row.id.trim()).filter(Boolean));
  const list = filled.map((row) => {
    const id = row.id.trim() || idFor(row.danger, taken);
    taken.add(id);
    const alsoSaid = words(row.alsoSaid);
    const near = row.nearWords.trim();
    return {
      id,
      danger: row.danger,
      anyOf: words(row.triggers),
      ...(alsoSaid.length > 0 ? { andAnyOf: alsoSaid } : {}),
      ...(alsoSaid.length > 0 && near ? { nearWords: /^\d+$/.test(near) ? Number(near) : near } : {}),
      advice: row.advice,
    };
  });
  return parseSafetyRules(JSON.stringify(list));
}

/** A rule as a row of the settings form. */
export const safetyRuleRow = (rule: SafetyRule): SafetyRuleRow => ({
  id: rule.id,
  danger: rule.danger,
  triggers: rule.anyOf.join(", "),
  alsoSaid: (rule.andAnyOf ?? []).join(", "),
  nearWords: rule.nearWords === undefined ? "" : String(rule.nearWords),
  advice: rule.advice,
});

/** The company's list, or the one Switchboard starts with. */
export async function companySafetyRules(settings: Settings): Promise<readonly SafetyRule[]> {
  const stored = rulesSchema.safeParse(await settings.get(SAFETY_RULES_KEY));
  return stored.success ? stored.data : DEFAULT_SAFETY_RULES;
}

/**
 * Reads an edited list (JSON: the settings form's rows, see `safetyRulesFromRows`, or a list
 * pasted whole); a readable reason when it is wrong.
 */
export function parseSafetyRules(json: string): Result<SafetyRule[], "invalid_rules"> {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    return reject("invalid_rules", `That is not valid JSON: ${(error as Error).message}`);
  }
  const parsed = rulesSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const [index, field] = issue.path;
    const name = typeof field === "string" ? (FIELD_WORDS[field] ?? field) : null;
    return reject(
      "invalid_rules",
      typeof index === "number"
        ? `Rule ${index + 1}${name ? `, ${name} (${String(field)})` : ""}: ${issue.message}`
        : `The list: ${issue.message}`,
    );
  }
  const ids = parsed.data.map((r) => r.id);
  const duplicate = ids.find((id, i) => ids.indexOf(id) !== i);
  if (duplicate) return reject("invalid_rules", `Two rules have the id "${duplicate}".`);
  return ok(parsed.data);
}
