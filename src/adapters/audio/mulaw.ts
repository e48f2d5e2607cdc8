/**
 * G.711 µ-law (ITU-T G.711, the North American / Japanese companding law Twilio uses for
 * telephone audio): 8-bit codes ↔ 16-bit linear PCM. Codes are stored inverted, so 0xFF is
 * silence (0) and 0x00 the most negative sample (-32124).
 */

const BIAS = 0x84;
const CLIP = 32635;

function decodeCode(code: number): number {
  const u = ~code & 0xff;
  const exponent = (u >> 4) & 0x07;
  const magnitude = (((u & 0x0f) << 3) + BIAS) << exponent;
  return u & 0x80 ? BIAS - magnitude : magnitude - BIAS;
}

/** Linear value of every µ-law code: MULAW_TO_LINEAR[0xff] === 0, MULAW_TO_LINEAR[0x00] === -32124. */
export const MULAW_TO_LINEAR: Int16Array = Int16Array.from({ length: 256 }, (_, code) => decodeCode(code));

/**
 * Decodes µ-law bytes to 16-bit linear samples, one sample a byte.
 *
 * @example
 * decodeMulaw(new Uint8Array([0xff, 0x00])); // Int16Array [0, -32124]
 */
export function decodeMulaw(mulaw: Uint8Array, out: Int16Array = new Int16Array(mulaw.length)): Int16Array {
  if (out.length < mulaw.length)
    throw new RangeError(`decodeMulaw: output holds ${out.length} samples, need ${mulaw.length}`);
  for (let i = 0; i < mulaw.length; i++) out[i] = MULAW_TO_LINEAR[mulaw[i]!]!;
  return out;
}

/** Encodes one 16-bit linear sample to its µ-law code (clipped at ±32635 as G.711 does). */
export function encodeMulawSample(sample: number): number {
  let s = Math.max(-32768, Math.min(32767, Math.round(sample)));
  const sign = s < 0 ? 0x80 : 0;
  if (sign) s = -s;
  if (s > CLIP) s = CLIP;
  s += BIAS;
  let exponent = 7;
  for (let mask = 0x4000; (s & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = (s >> (exponent + 3)) & 0x0f;
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}

/** Encodes 16-bit linear samples to µ-law bytes (used by tests and the call simulator). */
export function encodeMulaw(samples: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(samples.length);
  for (let i = 0; i < samples.length; i++) out[i] = encodeMulawSample(samples[i]!);
  return out;
}
