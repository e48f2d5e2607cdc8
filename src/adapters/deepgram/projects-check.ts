import { DeepgramClient } from "@deepgram/sdk";
import type { VendorCheck } from "../../ports/vendor-check.ts";
import { outcomeOf } from "../vendor-check-outcome.ts";

/**
 * Deepgram's key check: lists the key's projects (GET /v1/projects, `Authorization: Token …`)
 * through @deepgram/sdk. A wrong key is refused (401); a key without the scope to read
 * projects, 403.
 *
 * `url` is DEEPGRAM_API_URL, the streaming address (wss://api.deepgram.com): the REST API
 * lives on the same host over https, so the scheme is swapped (ws: becomes http: for a
 * loopback peer).
 *
 * @example const check = createDeepgramProjectsCheck({ apiKey, url: "wss://api.eu.deepgram.com" });
 */
export function createDeepgramProjectsCheck(config: { apiKey: string; url?: string; timeoutMs?: number }): VendorCheck {
  const streaming = new URL(config.url ?? "wss://api.deepgram.com");
  const baseUrl = `${streaming.protocol === "ws:" ? "http:" : "https:"}//${streaming.host}`;
  const client = new DeepgramClient({ apiKey: config.apiKey, baseUrl });
  return {
    vendor: "Deepgram",
    check: (signal) =>
      outcomeOf(
        () =>
          client.manage.v1.projects.list({
            abortSignal: signal,
            maxRetries: 0,
            timeoutInSeconds: Math.ceil((config.timeoutMs ?? 10_000) / 1000),
          }),
        "DEEPGRAM_API_KEY",
        signal,
      ),
  };
}
