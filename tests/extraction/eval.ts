/**
 * `npm run eval:extract`: accuracy per field on the labelled calls, for the rules extractor and,
 * when OPENAI_API_KEY is set, for OpenAI (gpt-4o-mini). `--misses` lists every wrong answer.
 */
import { createRulesExtractor } from "../../src/adapters/local/rules-extractor/index.ts";
import { createOpenAIClient, createOpenAIExtractor } from "../../src/adapters/openai/index.ts";
import type { Extraction } from "../../src/domain/extraction/extraction.ts";
import type { Extractor } from "../../src/ports/extractor.ts";
import { loadLabelledCalls, RULES_FLOORS, score, type LabelledCall } from "./labelled-set.ts";

const showMisses = process.argv.includes("--misses");
const main = loadLabelledCalls("main");
const heldOut = loadLabelledCalls("held-out");
const blind = loadLabelledCalls("blind");

async function run(
  extractor: Extractor,
  label: string,
  calls: LabelledCall[],
  floors: typeof RULES_FLOORS | null,
): Promise<boolean> {
  const started = performance.now();
  const answers: Extraction[] = [];
  for (const call of calls) answers.push(await extractor.extract(call.transcript));
  const ms = performance.now() - started;
  const { fields, misses } = score(calls, answers);
  const fallbacks = answers.filter((a) => a.fallback).length;
  console.log(
    `\n${extractor.name}, ${label}: ${calls.length} calls in ${ms.toFixed(0)} ms${fallbacks ? `, ${fallbacks} answered by the fallback` : ""}`,
  );
  let ok = true;
  for (const f of fields) {
    const floor = floors?.[f.field];
    const below = floor !== undefined && f.accuracy < floor;
    if (below) ok = false;
    const pct = `${(f.accuracy * 100).toFixed(1)}%`.padStart(6);
    console.log(
      `  ${f.field.padEnd(13)} ${pct}  (${f.correct}/${f.total})${floor !== undefined ? `  floor ${floor * 100}%${below ? "  BELOW" : ""}` : ""}`,
    );
  }
  if (showMisses) {
    for (const m of misses)
      console.log(`  miss ${m.id} ${m.field}: expected ${JSON.stringify(m.expected)}, got ${JSON.stringify(m.actual)}`);
  }
  return ok;
}

const rules = createRulesExtractor();
const rulesOk = await run(rules, "labelled set", main, RULES_FLOORS);
await run(rules, "held-out set (scored blind once, then fixed)", heldOut, null);
await run(rules, "blind set (never tuned on)", blind, null);
const apiKey = process.env.OPENAI_API_KEY?.trim();
if (apiKey) {
  const client = createOpenAIClient({ apiKey, baseURL: process.env.OPENAI_BASE_URL?.trim() || undefined });
  const openai = createOpenAIExtractor({}, client, createRulesExtractor());
  await run(openai, "labelled set", main, null);
  await run(openai, "held-out set", heldOut, null);
  await run(openai, "blind set", blind, null);
} else {
  console.log("\nOPENAI_API_KEY is not set: OpenAI not evaluated.");
}
process.exit(rulesOk ? 0 : 1);
