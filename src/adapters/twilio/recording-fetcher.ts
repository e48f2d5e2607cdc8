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
/** How long a whole recording download may take (a 3-hour dual-channel WAV is about 350 MB). */
const DOWNLOAD_TIMEOUT_MS = 10 * 60_000;

export function createTwilioRecordingFetcher(
  credentials: { accountSid: string; authToken: string },
  options: { timeoutMs?: number; alsoAllow?: readonly string[]; policy?: VendorPolicy } = {},
): FetchRecording {
  const policy = options.policy ?? defaultPolicy("Twilio");
  const authorization = `Basic ${Buffer.from(`${credentials.accountSid}:${credentials.authToken}`).toString("base64")}`;
  return async (url) => {
    const target = /\.(wav|mp3)$/.test(new URL(url).pathname) ? url : `${url}.wav`;
    // One limit for the whole download, body included: a long call's recording is tens of MB.
    const signal = AbortSignal.timeout(options.timeoutMs ?? DOWNLOAD_TIMEOUT_MS);
    // Only the request, up to Twilio's answer, runs under the vendor's per-attempt timeout (15 s)
    // and is tried again on a transient failure (a download changes nothing); the body is read
    // after, so a big recording on a slow link is not cut off and fetched again and again.
    const response = await policy.run(
      async () => {
        const answer = await fetchWithCredentials(
          target,
          { Authorization: authorization },
          { vendor: "Twilio", isVendorHost: isTwilioApiHost, alsoAllow: options.alsoAllow },
          signal,
        );
        if (!answer.ok) {
          await answer.body?.cancel();
          throw Object.assign(
            new Error(`Twilio recording download failed: HTTP ${answer.status} from ${new URL(target).host}`),
            { status: answer.status },
          );
        }
        return answer;
      },
      { retry: true },
    );
    return {
      bytes: new Uint8Array(await response.arrayBuffer()),
      contentType: response.headers.get("Content-Type") ?? "audio/wav",
    };
  };
}
