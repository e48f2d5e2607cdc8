import type { Extractor } from "../ports/extractor.ts";
import type { Log } from "../ports/log.ts";
import { createRulesExtractor } from "../adapters/local/rules-extractor/index.ts";
import { createOpenAIClient, createOpenAIExtractor } from "../adapters/openai/index.ts";
import type { VendorPolicy } from "../adapters/resilience/vendor-policy.ts";

/**
 * OpenAI (gpt-4o-mini, structured output) when OPENAI_API_KEY is set, with the rules extractor
 * as its fallback for an answer that does not fit; the rules extractor alone otherwise.
 */
export function chooseExtractor(keys: { openai?: string }, log: Log, policy?: VendorPolicy): Extractor {
  const rules = createRulesExtractor();
  if (!keys.openai) return rules;
  return createOpenAIExtractor({ logger: log, policy }, createOpenAIClient({ apiKey: keys.openai }), rules);
}

/** Live extraction during calls: the extractor, and how often it may run (paid models less often). */
export function extractionSettings(
  extractor: Extractor,
  keys: { openai?: string },
): { extractor: Extractor; debounceMs: number; minSpeechMsBetweenRuns: number } {
  return { extractor, debounceMs: 800, minSpeechMsBetweenRuns: keys.openai ? 15_000 : 0 };
}
