/**
 * A test voice for the assistant's protocol tests: a 440 Hz tone, `msPerWord` of it per word of
 * the text, as 20 ms µ-law frames. It stands in for the voices (ElevenLabs, offline) only where
 * what is said does not matter, only its frames: the media/mark/clear protocol and barge-in.
 * It records what it was asked to say and how each request ended; `msPerFrame` makes it slow, as a
 * vendor streaming a sentence is, so a barge-in can catch it mid-sentence.
 */
import { FRAME_BYTES, type VoiceWithFixedLines } from "../../src/ports/voice-synthesiser.ts";

/** G.711 µ-law of a 16-bit sample. */
function ulaw(sample: number): number {
  const sign = sample < 0 ? 0x80 : 0;
  let magnitude = Math.min(Math.abs(sample), 32_635) + 132;
  let exponent = 7;
  for (let mask = 0x4000; (magnitude & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = (magnitude >> (exponent + 3)) & 0x0f;
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}

export interface ToneVoice extends VoiceWithFixedLines {
  /** Every request: its text, frames yielded, and whether it was aborted (barge-in). */
  readonly requests: { text: string; frames: number; aborted: boolean }[];
}

export function toneVoice(
  options: { msPerWord?: number; firstFrameDelayMs?: number; msPerFrame?: number } = {},
): ToneVoice {
  const msPerWord = options.msPerWord ?? 100;
  const requests: ToneVoice["requests"] = [];
  return {
    name: "test tone",
    requests,
    // A tone needs no warming and no cache: every line is made as it is asked for.
    prepare: async () => {},
    async *speak(text, signal) {
      const request = { text, frames: 0, aborted: false };
      requests.push(request);
      if (options.firstFrameDelayMs) await Bun.sleep(options.firstFrameDelayMs);
      const frames = Math.max(1, Math.round((text.split(/\s+/).length * msPerWord) / 20));
      let t = 0;
      for (let f = 0; f < frames; f++) {
        if (signal?.aborted) {
          request.aborted = true;
          return;
        }
        const frame = new Uint8Array(FRAME_BYTES);
        for (let i = 0; i < FRAME_BYTES; i++, t++)
          frame[i] = ulaw(Math.round(8_000 * Math.sin((2 * Math.PI * 440 * t) / 8_000)));
        request.frames++;
        yield frame;
        // A voice still making the sentence (msPerFrame), or one letting the event loop breathe between chunks.
        if (options.msPerFrame) await Bun.sleep(options.msPerFrame);
        else if (f % 10 === 9) await Bun.sleep(0);
      }
    },
  };
}
