import OpenAI from "openai";
import { ContentFilterFinishReasonError, LengthFinishReasonError } from "openai/error";
import { zodResponseFormat } from "openai/helpers/zod";
import { z } from "zod";
import type { Extraction, ExtractionFallback, FallbackReason } from "../../domain/extraction/extraction.ts";
import type { Transcript } from "../../domain/extraction/transcript.ts";
import type { Extractor } from "../../ports/extractor.ts";
import { TaskCancelledError } from "cockatiel";
import { CircuitOpenError, createVendorPolicy, type VendorPolicy } from "../resilience/vendor-policy.ts";
import { VENDOR_LIMITS } from "../resilience/vendor-limits.ts";
import { extractionAnswer, extractionMessages, toExtraction, type ExtractionAnswer } from "./extraction-schema.ts";

export interface OpenAIExtractorConfig {
  /** Default gpt-4o-mini. */
  model?: string;
  /** Per request, ms. Default 15 s: a live call cannot wait long for its details panel. */
  timeoutMs?: number;
  /** Retries of 408/429/5xx and dropped connections, with jittered backoff, when no `policy` is given. Default 2. */
  maxRetries?: number;
  /** OpenAI's shared timeout, retries and circuit (src/adapters/resilience); default: one of its own. */
  policy?: VendorPolicy;
  /** Where fallbacks are reported (reason only, never what was said). */
  logger?: { warn(details: object, message: string): void };
}

/** OpenAI could not give a usable answer and no fallback was configured. */
export class OpenAIExtractionError extends Error {
  constructor(
    readonly reason: FallbackReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`OpenAI extraction failed (${reason}): ${message}`, options);
    this.name = "OpenAIExtractionError";
  }
}

const RESPONSE_FORMAT = zodResponseFormat(extractionAnswer, "call_intake");
/** An answer that does not fit the schema is asked for once more before falling back. */
const SCHEMA_ATTEMPTS = 2;

/** Vendor failures in the words the domain uses. */
function classify(error: unknown): { reason: FallbackReason; detail: string } {
  if (error instanceof CircuitOpenError) return { reason: "unavailable", detail: "OpenAI's circuit is open" };
  if (error instanceof OpenAI.APIConnectionTimeoutError || error instanceof TaskCancelledError)
    return { reason: "timeout", detail: "no answer before the timeout" };
  if (error instanceof OpenAI.APIConnectionError) return { reason: "unavailable", detail: "could not connect" };
  if (error instanceof OpenAI.RateLimitError) return { reason: "rate_limited", detail: "429 after retries" };
  if (error instanceof OpenAI.APIError) {
    const status = error.status ?? 0;
    if (status >= 500) return { reason: "server_error", detail: `${status} after retries` };
    return { reason: "rejected", detail: `${status} ${error.code ?? error.type ?? ""}`.trim() };
  }
  if (error instanceof LengthFinishReasonError)
    return { reason: "schema_mismatch", detail: "answer cut off at the token limit" };
  if (error instanceof ContentFilterFinishReasonError) return { reason: "refused", detail: "content filter" };
  if (error instanceof z.ZodError)
    return {
      reason: "schema_mismatch",
      detail: `answer did not fit the schema at ${error.issues[0]?.path.join(".") || "the top"}`,
    };
  if (error instanceof SyntaxError) return { reason: "schema_mismatch", detail: "answer was not JSON" };
  throw error;
}

/** Names share a word, ignoring titles and case. */
const sameSomeWord = (a: string, b: string) => {
  const words = (s: string) =>
    s
      .toLowerCase()
      .split(/[^a-z']+/)
      .filter((w) => w.length > 1 && !["mr", "mrs", "ms", "miss", "dr"].includes(w));
  const theirs = new Set(words(b));
  return words(a).some((w) => theirs.has(w));
};

/**
 * A caller who plainly said "my name is Nina Kowalski" is Nina Kowalski, whatever else the
 * transcript asked the model to write ("set the name to Admin"): when the fallback heard a
 * name from a strong cue and the model's name shares no word with it, the fallback's wins.
 */
function checkName(answer: Extraction, second: Extraction | null): Extraction {
  if (!second?.name || second.confidence.name < 0.85 || (answer.name && sameSomeWord(answer.name, second.name)))
    return answer;
  return { ...answer, name: second.name, confidence: { ...answer.confidence, name: second.confidence.name } };
}

/**
 * Extraction by OpenAI (gpt-4o-mini) with structured output from a zod schema. Timeouts and
 * retries with backoff on 429/5xx come from the SDK; an answer that does not fit the schema is
 * asked for once more. When OpenAI still gives nothing usable, `fallback` (the rules extractor)
 * answers and `fallback` on the result says why; without one, an OpenAIExtractionError is thrown.
 * The model's answer is checked against the call: details never said are dropped, and a name
 * the caller plainly gave (as the fallback heard it) is not replaced by another.
 *
 * @example
 * const extractor = createOpenAIExtractor({}, createOpenAIClient({ apiKey }), createRulesExtractor());
 * const details = await extractor.extract({ lines: [{ speaker: "caller", text: "It's Emma from Greenway Lettings…" }] });
 */
export function createOpenAIExtractor(config: OpenAIExtractorConfig, client: OpenAI, fallback?: Extractor): Extractor {
  const model = config.model ?? "gpt-4o-mini";
  const name = `openai:${model}`;
  // The SDK's own retries are off: the policy retries, so attempts are not multiplied.
  const request = { timeout: config.timeoutMs ?? 15_000, maxRetries: 0 };
  const policy =
    config.policy ??
    createVendorPolicy({
      vendor: "OpenAI",
      ...VENDOR_LIMITS.OpenAI,
      retries: config.maxRetries ?? VENDOR_LIMITS.OpenAI.retries,
    });

  async function ask(transcript: Transcript): Promise<ExtractionAnswer | { refusal: string }> {
    // Reading a transcript changes nothing at OpenAI: safe to ask again.
    const completion = await policy.run(
      (signal) =>
        client.chat.completions.parse(
          { model, temperature: 0, messages: extractionMessages(transcript), response_format: RESPONSE_FORMAT },
          { ...request, signal },
        ),
      { retry: true },
    );
    const message = completion.choices[0]?.message;
    if (!message) throw new SyntaxError("no choices");
    if (message.refusal) return { refusal: message.refusal };
    if (!message.parsed) throw new SyntaxError("empty answer");
    return message.parsed;
  }

  async function fail(
    transcript: Transcript,
    reason: FallbackReason,
    detail: string,
    cause: unknown,
  ): Promise<Extraction> {
    if (!fallback) throw new OpenAIExtractionError(reason, detail, { cause });
    const note: ExtractionFallback = { from: name, reason, detail };
    config.logger?.warn({ extractor: name, fallbackTo: fallback.name, reason, detail }, "OpenAI extraction fell back");
    const answer = await fallback.extract(transcript);
    return { ...answer, fallback: note };
  }

  return {
    name,
    async extract(transcript) {
      if (!transcript.lines.some((line) => line.speaker === "caller" && line.text.trim() !== "")) {
        // Nothing said yet: nothing to ask about, and nothing to pay for.
        return toExtraction(emptyAnswer(), transcript, name);
      }
      let last: { reason: FallbackReason; detail: string; cause: unknown } | null = null;
      for (let attempt = 1; attempt <= SCHEMA_ATTEMPTS; attempt++) {
        try {
          const answer = await ask(transcript);
          if ("refusal" in answer) return fail(transcript, "refused", "the model refused", null);
          const second = fallback ? await fallback.extract(transcript) : null;
          return checkName(toExtraction(answer, transcript, name), second);
        } catch (error) {
          const { reason, detail } = classify(error);
          last = { reason, detail, cause: error };
          if (reason !== "schema_mismatch") break;
        }
      }
      return fail(transcript, last!.reason, last!.detail, last!.cause);
    },
  };
}

function emptyAnswer(): ExtractionAnswer {
  return {
    name: null,
    organisation: null,
    phone: null,
    address: null,
    postcode: null,
    urgency: null,
    category: null,
    summary: null,
    accessNotes: null,
    segment: "unknown",
    confidence: {
      name: 0,
      organisation: 0,
      phone: 0,
      address: 0,
      postcode: 0,
      urgency: 0,
      category: 0,
      summary: 0,
      accessNotes: 0,
      segment: 0,
    },
  };
}
