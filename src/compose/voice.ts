import type { Config } from "../config.ts";
import type { Log } from "../ports/log.ts";
import type { Metrics } from "../ports/metrics.ts";
import type { VoiceSynthesiser, VoiceWithFixedLines } from "../ports/voice-synthesiser.ts";
import type { VendorPolicy } from "../adapters/resilience/vendor-policy.ts";
import { cachedVoice } from "../adapters/audio/cached-voice.ts";
import { createElevenLabsVoice } from "../adapters/elevenlabs/elevenlabs-voice.ts";
import { createEspeakVoice, OFFLINE_VOICE_NAME } from "../adapters/espeak/espeak-voice.ts";
import { elevenLabsKeys } from "./vendor-keys.ts";

/** The voice outbound calls speak with, and how the integrations page and start-up log name it. */
export interface VoiceChoice {
  voice: VoiceWithFixedLines;
  mode: "vendor" | "embedded";
  detail: string;
}

type VoiceConfig = Pick<Config, "ELEVENLABS_API_KEY" | "ELEVENLABS_VOICE_ID" | "ELEVENLABS_API_URL">;

/**
 * ElevenLabs when ELEVENLABS_API_KEY and ELEVENLABS_VOICE_ID are both set, else the offline
 * voice (eSpeak NG on a worker thread, started on first use). Either way behind a cache of
 * fixed lines, so the opening line plays the moment a stream starts once it is `prepare`d.
 * Nothing is synthesised or loaded here: commands and tests that never call pay nothing.
 *
 * @example const { voice } = chooseVoice(config, { policy: resilience.policy("ElevenLabs"), log });
 */
export function chooseVoice(
  config: VoiceConfig,
  deps: { policy: VendorPolicy; log: Log; metrics?: Pick<Metrics, "vendorError"> },
): VoiceChoice {
  const keys = elevenLabsKeys(config);
  if (keys) {
    const inner = countingFailures(createElevenLabsVoice({ ...keys, policy: deps.policy }), deps.metrics);
    return {
      // Its SDK's import (1.5 s and more) would stall the event loop mid-call: done at prepare([]).
      voice: cachedVoice(inner, { log: deps.log, warm: inner.warm }),
      mode: "vendor",
      detail: `ElevenLabs voice ${keys.voiceId} speaks outbound calls (eleven_flash_v2_5, streamed as µ-law 8 kHz)${keys.baseUrl ? ` via ${new URL(keys.baseUrl).origin}` : ""}`,
    };
  }
  return {
    // Not warmed by prepare([]): its worker (about 90 MB) loads on a thread of its own, on the
    // first line prepared or spoken, so servers that never call out (and tests) do not carry it.
    voice: cachedVoice(createEspeakVoice(), { log: deps.log }),
    mode: "embedded",
    detail: config.ELEVENLABS_API_KEY
      ? `ELEVENLABS_VOICE_ID is not set, so ElevenLabs is not used: the ${OFFLINE_VOICE_NAME} speaks outbound calls`
      : `No key: the ${OFFLINE_VOICE_NAME} speaks outbound calls, made on this machine (robotic but clear); nothing is sent`,
  };
}

/**
 * The same voice, with each sentence ElevenLabs failed to speak counted in
 * `vendor_errors_total{vendor="elevenlabs"}` (countVendorErrors counts promises; speech is an
 * async iterable, so its failures surface while it is read).
 */
function countingFailures<V extends VoiceSynthesiser>(voice: V, metrics?: Pick<Metrics, "vendorError">): V {
  if (!metrics) return voice;
  return {
    ...voice,
    async *speak(text: string, signal?: AbortSignal) {
      try {
        yield* voice.speak(text, signal);
      } catch (error) {
        metrics.vendorError("elevenlabs");
        throw error;
      }
    },
  };
}
