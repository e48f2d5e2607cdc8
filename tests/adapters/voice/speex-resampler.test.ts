/** SpeexDSP's resampler (WebAssembly): 22,050 Hz → 8 kHz as the offline voice uses it. */
import { describe, expect, test } from "bun:test";
import { createSpeexResampler, loadSpeex } from "../../../src/adapters/audio/speex-resampler.ts";

const tone = (hz: number, rate: number, seconds: number) =>
  Int16Array.from({ length: Math.round(rate * seconds) }, (_, i) =>
    Math.round(10_000 * Math.sin((2 * Math.PI * hz * i) / rate)),
  );
const rms = (s: Int16Array, from = 0, to = s.length) => {
  let sum = 0;
  for (let i = from; i < to; i++) sum += s[i]! * s[i]!;
  return Math.sqrt(sum / (to - from));
};
const crossings = (s: Int16Array) => {
  let n = 0;
  for (let i = 1; i < s.length; i++) if (s[i - 1]! < 0 !== s[i]! < 0) n++;
  return n;
};
const down = async (input: Int16Array, pieces = 1) => {
  const resampler = createSpeexResampler(await loadSpeex(), { fromHz: 22_050, toHz: 8_000 });
  const out: Int16Array[] = [];
  const size = Math.ceil(input.length / pieces);
  for (let at = 0; at < input.length; at += size) out.push(resampler.push(input.subarray(at, at + size)));
  out.push(resampler.flush());
  return Int16Array.from(out.flatMap((o) => [...o]));
};

describe("SpeexDSP resampler 22,050 → 8,000 Hz", () => {
  test("keeps a 1 kHz tone: its length scaled by 8000/22050, its pitch and its level", async () => {
    const out = await down(tone(1000, 22_050, 1));
    expect(Math.abs(out.length - 8000)).toBeLessThanOrEqual(2);
    // 1 kHz crosses zero 2000 times a second.
    expect(Math.abs(crossings(out) - 2000)).toBeLessThanOrEqual(4);
    expect(rms(out, 400, 7600)).toBeGreaterThan(0.95 * (10_000 / Math.SQRT2));
  });

  test("filters out what 8 kHz cannot carry: a 6 kHz tone does not fold back as a 2 kHz one", async () => {
    // Dropping samples would turn 6 kHz into a loud 2 kHz alias; a proper low-pass removes it.
    const out = await down(tone(6000, 22_050, 1));
    expect(rms(out, 400, 7600)).toBeLessThan(0.01 * (10_000 / Math.SQRT2));
  });

  test("in pieces, as eSpeak hands them over, gives the same samples as whole", async () => {
    const input = tone(700, 22_050, 0.5);
    expect([...(await down(input, 37))]).toEqual([...(await down(input, 1))]);
  });

  test("a flushed resampler refuses more audio", async () => {
    const resampler = createSpeexResampler(await loadSpeex(), { fromHz: 22_050, toHz: 8_000 });
    resampler.flush();
    expect(() => resampler.push(new Int16Array(10))).toThrow("already flushed");
  });
});
