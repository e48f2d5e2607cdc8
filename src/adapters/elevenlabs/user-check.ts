import type { VendorCheck } from "../../ports/vendor-check.ts";
import { checkFailure } from "../vendor-check-outcome.ts";

/**
 * ElevenLabs' key check: reads the key's user (GET /v1/user, `xi-api-key`), which costs no
 * characters. Over fetch: this one GET is all the check needs, and the official SDK (used by the
 * voice) takes over a second to import. A wrong key is refused (401).
 *
 * @example const check = createElevenLabsUserCheck({ apiKey });
 */
export function createElevenLabsUserCheck(config: { apiKey: string; baseUrl?: string }): VendorCheck {
  const url = `${(config.baseUrl ?? "https://api.elevenlabs.io").replace(/\/$/, "")}/v1/user`;
  return {
    vendor: "ElevenLabs",
    async check(signal) {
      try {
        const response = await fetch(url, { headers: { "xi-api-key": config.apiKey }, signal });
        await response.body?.cancel();
        if (response.ok) return { state: "working" };
        return checkFailure(
          Object.assign(new Error(response.statusText || "refused"), { status: response.status }),
          "ELEVENLABS_API_KEY",
        );
      } catch (error) {
        return checkFailure(error, "ELEVENLABS_API_KEY", signal);
      }
    },
  };
}
