import type { FetchRecording } from "../../domain/live-call/recordings.ts";
import { fetchWithCredentials, isTwilioApiHost } from "../credentialed-fetch.ts";
import { defaultPolicy } from "../resilience/vendor-policies.ts";
import type { VendorPolicy } from "../resilience/vendor-policy.ts";

/**
 * Downloads recording audio with the account's credentials (HTTP Basic, as Twilio documents).
 * The twilio package has no call that returns a recording's bytes (its request helper reads
 * bodies as text), so this one GET is made with fetch. `.wav` is asked for explicitly. The
 * credentials go only to Twilio's API hosts, and to the origins in `alsoAllow` (tests' peers).
 */
export function createTwilioRecordingFetcher(
  credentials: { accountSid: string; authToken: string },
  options: { timeoutMs?: number; alsoAllow?: readonly string[]; policy?: VendorPolicy } = {},
): FetchRecording {
  const policy = options.policy ?? defaultPolicy("Twilio");
  const authorization = `Basic ${Buffer.from(`${credentials.accountSid}:${credentials.authToken}`).toString("base64")}`;
  return async (url) => {
    const target = /\.(wav|mp3)$/.test(new URL(url).pathname) ? url : `${url}.wav`;
    // A download changes nothing: transient failures are tried again here, before the durable
    // job's own backoff takes over.
    return policy.run(
      async () => {
        const response = await fetchWithCredentials(
          target,
          { Authorization: authorization },
          { vendor: "Twilio", isVendorHost: isTwilioApiHost, alsoAllow: options.alsoAllow },
          AbortSignal.timeout(options.timeoutMs ?? 60_000),
        );
        if (!response.ok) {
          await response.body?.cancel();
          throw Object.assign(
            new Error(`Twilio recording download failed: HTTP ${response.status} from ${new URL(target).host}`),
            { status: response.status },
          );
        }
        return {
          bytes: new Uint8Array(await response.arrayBuffer()),
          contentType: response.headers.get("Content-Type") ?? "audio/wav",
        };
      },
      { retry: true },
    );
  };
}
