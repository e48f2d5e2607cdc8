import OpenAI from "openai";

export interface OpenAIClientConfig {
  /** OPENAI_API_KEY. */
  apiKey: string;
  /** Another OpenAI-compatible endpoint; tests point it at a loopback peer. Default https://api.openai.com/v1. */
  baseURL?: string;
  /** Per-request timeout, ms; each adapter may set its own. Default 20 s. */
  timeoutMs?: number;
  /** Retries on 408, 409, 429, 5xx and dropped connections, with exponential backoff (honouring Retry-After). Default 2. */
  maxRetries?: number;
}

/**
 * The one OpenAI client the extractor and the voice-note transcriber share.
 * @example const openai = createOpenAIClient({ apiKey: config.OPENAI_API_KEY });
 */
export function createOpenAIClient(config: OpenAIClientConfig): OpenAI {
  return new OpenAI({
    apiKey: config.apiKey,
    baseURL: config.baseURL,
    timeout: config.timeoutMs ?? 20_000,
    maxRetries: config.maxRetries ?? 2,
  });
}
