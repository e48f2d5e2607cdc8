import type { ElevenLabsClient } from "@elevenlabs/elevenlabs-js";
import type { VoiceSynthesiser } from "../../ports/voice-synthesiser.ts";
import { ulawFrames } from "../audio/ulaw-frames.ts";
import { httpStatusOf } from "../vendor-check-outcome.ts";
import { CircuitOpenError, type VendorPolicy } from "../resilience/vendor-policy.ts";
import { defaultPolicy } from "../resilience/vendor-policies.ts";

export interface ElevenLabsVoiceConfig {
  /** ELEVENLABS_API_KEY. */
  apiKey: string;
  /** ELEVENLABS_VOICE_ID. */
  voiceId: string;
  /** ELEVENLABS_API_URL: a regional endpoint, or a loopback peer in tests. Default ElevenLabs' own. */
  baseUrl?: string;
  /** Default eleven_flash_v2_5: ElevenLabs' lowest-latency model (about 75 ms to first audio). */
  modelId?: string;
  /** ElevenLabs' shared timeout, retry and circuit (src/adapters/resilience); default one of its own. */
  policy?: VendorPolicy;
}

/** A failure to speak, with the variable to fix when the configuration is to blame. */
export class VoiceError extends Error {
  constructor(
    message: string,
    /** ELEVENLABS_API_KEY or ELEVENLABS_VOICE_ID when ElevenLabs refused one of them. */
    readonly variable: string | null,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "VoiceError";
  }
}

// The SDK takes about 1.5 s to import: loaded on the first use, once per process.
let sdk: Promise<typeof import("@elevenlabs/elevenlabs-js")> | null = null;
const loadSdk = () => (sdk ??= import("@elevenlabs/elevenlabs-js"));

/**
 * ElevenLabs' voice, through the official SDK's streaming endpoint
 * (`POST /v1/text-to-speech/:voice_id/stream?output_format=ulaw_8000`): ElevenLabs sends µ-law
 * 8 kHz, exactly what a Twilio media stream plays, so bytes are only re-cut into 20 ms frames,
 * each yielded as soon as it has arrived. Opening the stream runs under the vendor policy
 * (timed to the response headers, one retry of a 5xx, 429 or dropped connection, the shared
 * circuit); a stream that breaks off mid-sentence is not retried (the caller heard half of it).
 * The SDK's own retries are off. Nothing spoken is logged.
 *
 * @example
 * const voice = createElevenLabsVoice({ apiKey, voiceId, policy: resilience.policy("ElevenLabs") });
 * for await (const frame of voice.speak("Hello, this is an automated assistant.", signal)) send(frame);
 */
export function createElevenLabsVoice(config: ElevenLabsVoiceConfig): VoiceSynthesiser & { warm(): void } {
  const policy = config.policy ?? defaultPolicy("ElevenLabs");
  const modelId = config.modelId ?? "eleven_flash_v2_5";
  let client: Promise<ElevenLabsClient> | null = null;
  const clientOf = () =>
    (client ??= loadSdk().then(
      ({ ElevenLabsClient }) =>
        new ElevenLabsClient({
          apiKey: config.apiKey,
          ...(config.baseUrl ? { baseUrl: config.baseUrl.replace(/\/$/, "") } : {}),
          maxRetries: 0,
        }),
    ));

  async function open(text: string, signal?: AbortSignal): Promise<ReadableStream<Uint8Array>> {
    const elevenlabs = await clientOf();
    try {
      // Nothing was played before the response: asking again is safe (and only a failed request is retried).
      return await policy.run(
        (attempt) =>
          elevenlabs.textToSpeech.stream(
            config.voiceId,
            { text, modelId, outputFormat: "ulaw_8000" },
            { abortSignal: signal ? AbortSignal.any([attempt, signal]) : attempt, maxRetries: 0 },
          ),
        { retry: true },
      );
    } catch (error) {
      throw explain(error);
    }
  }

  async function* chunks(text: string, signal?: AbortSignal): AsyncGenerator<Uint8Array> {
    if (signal?.aborted || text.trim() === "") return;
    let stream: ReadableStream<Uint8Array>;
    try {
      stream = await open(text, signal);
    } catch (error) {
      if (signal?.aborted) return;
      throw error;
    }
    const reader = stream.getReader();
    const cancel = () => void reader.cancel().catch(() => {});
    signal?.addEventListener("abort", cancel, { once: true });
    try {
      while (!signal?.aborted) {
        const { done, value } = await reader.read();
        if (done) return;
        if (value.byteLength > 0) yield value;
      }
    } catch (error) {
      if (signal?.aborted) return;
      throw new VoiceError("ElevenLabs voice: the audio stream broke off", null, { cause: error });
    } finally {
      signal?.removeEventListener("abort", cancel);
      // A listener that stopped reading (barge-in, hang-up): ElevenLabs stops sending.
      cancel();
    }
  }

  return {
    name: "ElevenLabs",
    speak: (text, signal) => ulawFrames(chunks(text, signal), signal),
    warm() {
      void clientOf().catch(() => {});
    },
  };
}

/** ElevenLabs' refusal in words, naming the variable to fix where the configuration is to blame. */
function explain(error: unknown): VoiceError {
  if (error instanceof CircuitOpenError)
    return new VoiceError("ElevenLabs voice not tried: ElevenLabs' circuit is open", null, { cause: error });
  const status = httpStatusOf(error);
  if (status === 401 || status === 403)
    return new VoiceError(
      `ElevenLabs refused the API key (HTTP ${status}): check ELEVENLABS_API_KEY`,
      "ELEVENLABS_API_KEY",
      { cause: error },
    );
  if (status === 404)
    return new VoiceError("ElevenLabs has no such voice (HTTP 404): check ELEVENLABS_VOICE_ID", "ELEVENLABS_VOICE_ID", {
      cause: error,
    });
  const what = status === null ? (error instanceof Error ? error.name : "error") : `HTTP ${status}`;
  return new VoiceError(`ElevenLabs voice failed (${what})`, null, { cause: error });
}
