import { z } from "zod";
import type { Settings } from "../../ports/settings.ts";
import { ok, reject, type Result } from "../result.ts";
import { DEFAULT_SAFETY_RULES, type SafetyRule } from "./safety.ts";

export const SAFETY_RULES_KEY = "safety_rules";

const phrases = z.array(z.string().trim().min(1)).min(1);
const ruleSchema = z.object({
  id: z
    .string()
    .trim()
    .regex(/^[a-z0-9_-]+$/, "ids are lower-case letters, digits, - and _")
    .max(40),
  danger: z.string().trim().min(1).max(80),
  anyOf: phrases,
  andAnyOf: phrases.optional(),
  nearWords: z.number().int().positive().max(50).optional(),
  advice: z.string().trim().min(1).max(1000),
});
const rulesSchema = z.array(ruleSchema).max(100);

/** The company's list, or the one Switchboard starts with. */
export async function companySafetyRules(settings: Settings): Promise<readonly SafetyRule[]> {
  const stored = rulesSchema.safeParse(await settings.get(SAFETY_RULES_KEY));
  return stored.success ? stored.data : DEFAULT_SAFETY_RULES;
}

/** Reads an edited list (JSON, as the settings page shows it); a readable reason when it is wrong. */
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
    return reject("invalid_rules", `Rule ${issue.path.join(".")}: ${issue.message}`);
  }
  const ids = parsed.data.map((r) => r.id);
  const duplicate = ids.find((id, i) => ids.indexOf(id) !== i);
  if (duplicate) return reject("invalid_rules", `Two rules have the id "${duplicate}".`);
  return ok(parsed.data);
}
