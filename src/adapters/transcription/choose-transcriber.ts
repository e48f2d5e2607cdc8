import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Log } from "../../ports/log.ts";
import type { Transcriber } from "../../ports/transcriber.ts";
import { createDeepgramTranscriber } from "../deepgram/deepgram-transcriber.ts";
import { createWisprflowTranscriber } from "../wisprflow/wisprflow-transcriber.ts";
import { createFallbackTranscriber } from "./fallback-transcriber.ts";
import { createRetryingTranscriber } from "./retrying-transcriber.ts";
import { callScriptSchema, createScriptTranscriber, type CallScript } from "./script-transcriber.ts";

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
  keys: { wisprflow?: string; deepgram?: string },
  demoScripts: Map<string, CallScript>,
  log: Log,
): TranscriptionChoice {
  const wisprflow = keys.wisprflow ? createWisprflowTranscriber({ apiKey: keys.wisprflow }) : null;
  const deepgram = keys.deepgram ? createDeepgramTranscriber({ apiKey: keys.deepgram }) : null;
  const vendors =
    wisprflow && deepgram
      ? createFallbackTranscriber(wisprflow, deepgram, { onSwitch: (event) => log.warn({ ...event }, "live transcription switched to the fallback") })
      : (wisprflow ?? deepgram);
  const live = vendors
    ? createRetryingTranscriber(vendors, { onRetry: ({ error, ...event }) => log.warn({ ...event, err: error }, "live transcription retrying") })
    : null;
  return {
    describe: wisprflow && deepgram ? "WisprFlow, Deepgram as fallback" : wisprflow ? "WisprFlow" : deepgram ? "Deepgram" : "not configured",
    forStream(customParameters) {
      if (live) return live;
      const script = customParameters.demoScript ? demoScripts.get(customParameters.demoScript) : undefined;
      return script ? createScriptTranscriber(script) : null;
    },
  };
}
