import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Config } from "../config.ts";
import type { Log } from "../ports/log.ts";
import type { BlobStore } from "../ports/blob-store.ts";
import type { Calls } from "../ports/calls.ts";
import type { Transcriber } from "../ports/transcriber.ts";
import { VENDORS, type Metrics, type Vendor } from "../ports/metrics.ts";
import { countVendorErrors } from "../adapters/metrics/vendor-errors.ts";
import type { AppDeps } from "./app-deps.ts";
import { twilioKeys } from "./vendor-keys.ts";
import type { TaskHandlers } from "../adapters/local/task-runner.ts";
import { createDeepgramTranscriber } from "../adapters/deepgram/deepgram-transcriber.ts";
import { createWisprflowTranscriber } from "../adapters/wisprflow/wisprflow-transcriber.ts";
import { createFallbackTranscriber } from "../adapters/transcription/fallback-transcriber.ts";
import { createRetryingTranscriber } from "../adapters/transcription/retrying-transcriber.ts";
import {
  callScriptSchema,
  createScriptTranscriber,
  type CallScript,
} from "../adapters/transcription/script-transcriber.ts";
import { createTwilioRecordingPauses } from "../adapters/twilio/recording-pauses.ts";
import type { VendorPolicy } from "../adapters/resilience/vendor-policy.ts";
import { createTwilioRecordingFetcher } from "../adapters/twilio/recording-fetcher.ts";
import { downloadRecording, RECORDING_TASK } from "../domain/live-call/recordings.ts";

/** The scripted calls the simulator plays, by folder name (fixtures/calls/<name>/call.json). */
export function loadDemoScripts(fixturesDir: string): Map<string, CallScript> {
  const scripts = new Map<string, CallScript>();
  for (const name of readdirSync(fixturesDir)) {
    const parsed = callScriptSchema.safeParse(JSON.parse(readFileSync(join(fixturesDir, name, "call.json"), "utf8")));
    if (parsed.success) scripts.set(name, parsed.data);
  }
  return scripts;
}

export interface TranscriptionChoice {
  /** "WisprFlow, Deepgram as fallback", "Deepgram", or "not configured". */
  describe: string;
  forStream(customParameters: Record<string, string>): Transcriber | null;
}

/**
 * WisprFlow first and Deepgram as its fallback, or whichever has a key, retried with backoff
 * when what is left cannot connect (a vendor's brief outage must not leave the call
 * untranscribed for good). With neither key, no
 * transcription — except that the call simulator may ask (stream parameter `demoScript`) for
 * its fixture's script to be replayed, labelled "demo transcript". A configured vendor is
 * never replaced by a script.
 */
export function chooseTranscription(
  keys: { wisprflow?: string; deepgram?: string; wisprflowUrl?: string; deepgramUrl?: string },
  demoScripts: Map<string, CallScript>,
  log: Log,
  metrics: Pick<Metrics, "transcriberFallbacks" | "transcriberReconnects" | "vendorError">,
): TranscriptionChoice {
  const wisprflow = keys.wisprflow
    ? createWisprflowTranscriber({ apiKey: keys.wisprflow, url: keys.wisprflowUrl })
    : null;
  const deepgram = keys.deepgram ? createDeepgramTranscriber({ apiKey: keys.deepgram, url: keys.deepgramUrl }) : null;
  const vendors =
    wisprflow && deepgram
      ? createFallbackTranscriber(wisprflow, deepgram, {
          onSwitch: (event) => {
            metrics.transcriberFallbacks.inc();
            metrics.vendorError(vendorNamed(event.from));
            log.warn({ ...event }, "live transcription switched to the fallback");
          },
        })
      : (wisprflow ?? deepgram);
  const live = vendors
    ? createRetryingTranscriber(vendors, {
        onRetry: ({ error, ...event }) => {
          metrics.transcriberReconnects.inc();
          // What is retried is what was left: with a fallback, the fallback failed last.
          metrics.vendorError(vendorNamed(deepgram ? "deepgram" : event.transcriber));
          log.warn({ ...event, err: error }, "live transcription retrying");
        },
      })
    : null;
  return {
    describe:
      wisprflow && deepgram
        ? "WisprFlow, Deepgram as fallback"
        : wisprflow
          ? "WisprFlow"
          : deepgram
            ? "Deepgram"
            : "not configured",
    forStream(customParameters) {
      if (live) return live;
      const script = customParameters.demoScript ? demoScripts.get(customParameters.demoScript) : undefined;
      return script ? createScriptTranscriber(script) : null;
    },
  };
}

/** The vendor a transcriber's name starts with ("deepgram", "wisprflow"), as a metrics label. */
const vendorNamed = (name: string): Vendor => VENDORS.find((vendor) => name.startsWith(vendor)) ?? "other";

/**
 * Twilio's settings for the voice webhooks: its account when both keys are set; otherwise only
 * the call simulator calls, signing with `localAuthToken` (a secret made on first start).
 */
export function twilioSettings(config: Config, localAuthToken: string, policy?: VendorPolicy): AppDeps["twilio"] {
  const keys = twilioKeys(config);
  return {
    authToken: config.TWILIO_AUTH_TOKEN ?? localAuthToken,
    accountSid: config.TWILIO_ACCOUNT_SID ?? null,
    staffNumbers: config.STAFF_PHONE_NUMBERS,
    local: !keys,
    recordingPauses: keys ? createTwilioRecordingPauses({ ...keys, policy }) : null,
  };
}

/** The durable job that stores a finished call's recording, fetched from Twilio with the account's keys. */
export function recordingTaskHandlers(deps: {
  calls: Calls;
  blobStore: BlobStore;
  twilio: AppDeps["twilio"];
  /** Twilio's shared policy; default: the fetcher's own. */
  policy?: VendorPolicy;
  metrics: Pick<Metrics, "vendorError">;
  /** Origins besides Twilio's own that may receive the credentials (TWILIO_API_BASE_URL's). */
  alsoAllow?: readonly string[];
}): TaskHandlers {
  const fetchRecording = createTwilioRecordingFetcher(
    { accountSid: deps.twilio.accountSid ?? "local", authToken: deps.twilio.authToken },
    { policy: deps.policy, alsoAllow: deps.alsoAllow },
  );
  return {
    [RECORDING_TASK]: downloadRecording({
      calls: deps.calls,
      blobStore: deps.blobStore,
      // On the embedded default the recording comes from the simulator, not from Twilio.
      fetchRecording: deps.twilio.local ? fetchRecording : countVendorErrors(fetchRecording, "twilio", deps.metrics),
    }),
  };
}
