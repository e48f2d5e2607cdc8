import { decodeMulaw } from "./mulaw.ts";
import { toPcm16le } from "./pcm.ts";
import { createUpsampler8to16 } from "./resample.ts";

/** 16 kHz × 2 bytes: bytes of 16-bit 16 kHz mono PCM in one millisecond. */
export const PCM16K_BYTES_PER_MS = 32;

/**
 * The seed's audio converter: Twilio's µ-law 8 kHz → 16-bit little-endian PCM at 16 kHz,
 * stateful across frames (one converter per track). 160 µ-law bytes (20 ms) become 640 bytes.
 *
 * @example
 * const converter = createMulawToPcm16k();
 * const pcm = converter.convert(frame.payload); // Uint8Array, 4 bytes per µ-law byte
 */
export interface MulawToPcm16k {
  convert(mulaw: Uint8Array): Uint8Array;
  /** The decoded 8 kHz samples of the last convert() call, for level metering. */
  readonly lastSamples8k: Int16Array;
}

export function createMulawToPcm16k(): MulawToPcm16k {
  const upsampler = createUpsampler8to16();
  let lastSamples8k: Int16Array = new Int16Array(0);
  return {
    convert(mulaw) {
      lastSamples8k = decodeMulaw(mulaw);
      return toPcm16le(upsampler.push(lastSamples8k));
    },
    get lastSamples8k() {
      return lastSamples8k;
    },
  };
}
