import type OpenAI from "openai";
import type { VendorCheck } from "../../ports/vendor-check.ts";
import { outcomeOf } from "../vendor-check-outcome.ts";

/**
 * OpenAI's key check: lists the models the key may use (GET /v1/models), which costs nothing. A
 * wrong key is refused (401); a key without access to the project, 403.
 *
 * @example const check = createOpenAIModelsCheck(createOpenAIClient({ apiKey }));
 */
export function createOpenAIModelsCheck(client: OpenAI): VendorCheck {
  return {
    vendor: "OpenAI",
    check: (signal) => outcomeOf(() => client.models.list({ signal, maxRetries: 0 }), "OPENAI_API_KEY", signal),
  };
}
