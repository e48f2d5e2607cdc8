/**
 * Doubles the sample rate (8 kHz → 16 kHz) by linear interpolation, keeping the last input
 * sample between calls so that frame boundaries are seamless: feeding a stream in 20 ms
 * frames gives exactly the same output as feeding it whole.
 *
 * Every input sample x[n] becomes two outputs: the midpoint (x[n-1] + x[n]) / 2, then x[n].
 * That costs half an input sample of delay (62.5 µs) and needs no look-ahead, so the output
 * is always exactly twice the input. Linear interpolation attenuates the top of the 0–4 kHz
 * telephone band a little and leaves faint images above 4 kHz; speech recognisers fed
 * telephone audio at 16 kHz do not mind.
 */
export interface Upsampler {
  /** Returns 2 × input.length samples. */
  push(input: Int16Array): Int16Array;
  /** Forgets the last sample, as at the start of a new stream. */
  reset(): void;
}

export function createUpsampler8to16(): Upsampler {
  let previous = 0;
  return {
    push(input) {
      const out = new Int16Array(input.length * 2);
      for (let i = 0; i < input.length; i++) {
        const current = input[i]!;
        // Both are int16, so the sum fits and the midpoint stays in range.
        out[2 * i] = Math.round((previous + current) / 2);
        out[2 * i + 1] = current;
        previous = current;
      }
      return out;
    },
    reset() {
      previous = 0;
    },
  };
}
