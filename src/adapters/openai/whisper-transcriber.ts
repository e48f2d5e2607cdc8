import OpenAI, { toFile } from "openai";
import { TaskCancelledError } from "cockatiel";
import type { VoiceNoteTranscriber } from "../../ports/voice-note-transcriber.ts";
import { CircuitOpenError, createVendorPolicy, type VendorPolicy } from "../resilience/vendor-policy.ts";
import { VENDOR_LIMITS } from "../resilience/vendor-limits.ts";

export interface WhisperConfig {
  /** Default whisper-1. */
  model?: string;
  /** Per request, ms. Default 60 s: a voice note uploads whole. */
  timeoutMs?: number;
  /** Retries of 408/429/5xx and dropped connections, with jittered backoff, when no `policy` is given. Default 2. */
  maxRetries?: number;
  /** OpenAI's shared timeout, retries and circuit (src/adapters/resilience); default: one of its own. */
  policy?: VendorPolicy;
}

/** The audio types whisper-1 accepts, by the file extension it needs to see. */
const EXTENSIONS: Record<string, string> = {
  "audio/ogg": "ogg",
  "audio/opus": "ogg",
  "audio/oga": "oga",
  "audio/mpeg": "mp3",
  "audio/mp3": "mp3",
  "audio/mp4": "m4a",
  "audio/m4a": "m4a",
  "audio/x-m4a": "m4a",
  "audio/aac": "m4a",
  "audio/wav": "wav",
  "audio/x-wav": "wav",
  "audio/wave": "wav",
  "audio/webm": "webm",
  "audio/flac": "flac",
  "audio/x-flac": "flac",
  "video/mp4": "mp4",
  "video/webm": "webm",
};

/** Whisper's 25 MB upload limit. */
export const WHISPER_MAX_BYTES = 25 * 1024 * 1024;

/**
 * Voice notes transcribed by OpenAI whisper-1 (multipart upload to /audio/transcriptions).
 * Retries with jittered backoff on 429/5xx come from the vendor policy (the SDK's own are off);
 * failures throw errors starting "OpenAI whisper".
 *
 * @example
 * const notes = createWhisperTranscriber({}, createOpenAIClient({ apiKey }));
 * const { text } = await notes.transcribe(bytes, "audio/ogg; codecs=opus");
 */
export function createWhisperTranscriber(config: WhisperConfig, client: OpenAI): VoiceNoteTranscriber {
  const model = config.model ?? "whisper-1";
  // The SDK's own retries are off: the policy retries, so attempts are not multiplied.
  const request = { timeout: config.timeoutMs ?? 60_000, maxRetries: 0 };
  const policy =
    config.policy ??
    createVendorPolicy({
      vendor: "OpenAI",
      ...VENDOR_LIMITS.OpenAI,
      retries: config.maxRetries ?? VENDOR_LIMITS.OpenAI.retries,
    });
  return {
    name: `openai:${model}`,
    async transcribe(audio, contentType) {
      const type = contentType.split(";")[0]!.trim().toLowerCase();
      const extension = EXTENSIONS[type];
      if (!extension) throw new Error(`OpenAI whisper cannot read "${type}" audio.`);
      if (audio.byteLength === 0) throw new Error("OpenAI whisper: the voice note is empty.");
      if (audio.byteLength > WHISPER_MAX_BYTES)
        throw new Error(`OpenAI whisper: the voice note is over ${WHISPER_MAX_BYTES} bytes.`);
      try {
        const file = await toFile(audio, `voice-note.${extension}`, { type });
        // A transcription changes nothing at OpenAI: safe to ask again.
        const result = await policy.run(
          (signal) =>
            client.audio.transcriptions.create(
              { file, model, response_format: "verbose_json" },
              { ...request, signal },
            ),
          { retry: true },
        );
        return result.language ? { text: result.text.trim(), language: result.language } : { text: result.text.trim() };
      } catch (error) {
        const status = error instanceof OpenAI.APIError && error.status ? ` (${error.status})` : "";
        const what =
          error instanceof OpenAI.APIConnectionTimeoutError || error instanceof TaskCancelledError
            ? "timed out"
            : error instanceof CircuitOpenError
              ? "not tried: OpenAI's circuit is open"
              : `failed${status}`;
        throw new Error(`OpenAI whisper transcription ${what}`, { cause: error });
      }
    },
  };
}
