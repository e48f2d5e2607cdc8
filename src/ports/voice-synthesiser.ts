/**
 * A voice that speaks text down a phone line. Audio is G.711 µ-law, 8 kHz, mono, in 20 ms
 * frames of 160 bytes (the last one padded with µ-law silence, 0xFF), which is exactly what a
 * Twilio bidirectional media stream plays: no conversion between the voice and the caller.
 */
export interface VoiceSynthesiser {
  /** What speaks, for the screen and the logs, e.g. "ElevenLabs" or "offline voice (espeak-ng)". */
  readonly name: string;
  /**
   * Frames for `text`, yielded as soon as each is ready so playback can start before the
   * sentence is finished. Stops early (without error) when `signal` aborts: barge-in.
   * Rejects when the voice cannot speak (vendor refused, unreachable): callers hand over.
   */
  speak(text: string, signal?: AbortSignal): AsyncIterable<Uint8Array>;
}

/**
 * A voice that can make fixed lines ahead of need (the opening line, prompts said word for word
 * on every call), so they play the moment a stream starts instead of after a synthesis.
 */
export interface VoiceWithFixedLines extends VoiceSynthesiser {
  /**
   * Makes `lines` in the background, after any still being made; speak() with one of them
   * (exactly, ignoring surrounding spaces) then replays it. The first call may also load what
   * the voice needs (a vendor SDK), so `prepare([])` at start-up spares the first call that wait.
   * Resolves when all were tried, never rejects.
   */
  prepare(lines: readonly string[]): Promise<void>;
}

/** 20 ms of 8 kHz µ-law. */
export const FRAME_BYTES = 160;
/** µ-law's zero level: what pads a short last frame. */
export const ULAW_SILENCE = 0xff;
