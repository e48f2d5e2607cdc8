import { describe, expect, test } from "bun:test";
import { createAudioClock } from "../../../src/adapters/audio/audio-clock.ts";
import { createChunker } from "../../../src/adapters/audio/chunker.ts";
import { createMulawToPcm16k } from "../../../src/adapters/audio/mulaw-to-pcm16k.ts";
import { decodeMulaw, encodeMulaw, encodeMulawSample, MULAW_TO_LINEAR } from "../../../src/adapters/audio/mulaw.ts";
import { fromPcm16le, rms, toPcm16le } from "../../../src/adapters/audio/pcm.ts";
import { createUpsampler8to16 } from "../../../src/adapters/audio/resample.ts";
import { FIXTURE_CALLS, FRAME_BYTES, loadFixture } from "./fixture-audio.ts";

const sine = (hz: number, rate: number, samples: number, amplitude = 12_000, phase = 0) =>
  Float64Array.from({ length: samples }, (_, i) => amplitude * Math.sin((2 * Math.PI * hz * i) / rate + phase));

describe("G.711 µ-law", () => {
  test("decodes the known codes: 0xFF is silence, 0x00 the most negative sample", () => {
    expect(MULAW_TO_LINEAR[0xff]).toBe(0);
    expect(MULAW_TO_LINEAR[0x7f]).toBe(0);
    expect(MULAW_TO_LINEAR[0x00]).toBe(-32124);
    expect(MULAW_TO_LINEAR[0x80]).toBe(32124);
    // Codes are stored inverted: 0x80..0xFF are the positive half, 0x00..0x7F the negative.
    expect(MULAW_TO_LINEAR[0xfe]).toBe(8);
    expect(MULAW_TO_LINEAR[0x7e]).toBe(-8);
    expect(Array.from(decodeMulaw(new Uint8Array([0xff, 0x00, 0x80])))).toEqual([0, -32124, 32124]);
  });

  test("the table is odd-symmetric and monotonic within each sign", () => {
    for (let code = 0; code < 128; code++) expect(MULAW_TO_LINEAR[code]! + MULAW_TO_LINEAR[code + 128]!).toBe(0);
    for (let code = 1; code < 128; code++) expect(MULAW_TO_LINEAR[code]!).toBeGreaterThan(MULAW_TO_LINEAR[code - 1]!);
  });

  test("encoding every decoded value gives its code back (but -0 and +0 both encode to 0xFF)", () => {
    for (let code = 0; code < 256; code++) {
      if (code === 0x7f) continue;
      expect(encodeMulawSample(MULAW_TO_LINEAR[code]!)).toBe(code);
    }
    expect(encodeMulawSample(0)).toBe(0xff);
    expect(encodeMulawSample(40_000)).toBe(0x80);
    expect(encodeMulawSample(-40_000)).toBe(0x00);
  });

  test("a 1 kHz sine survives encode and decode within µ-law's quantisation (SNR above 30 dB)", () => {
    const original = sine(1000, 8000, 8000);
    const decoded = decodeMulaw(encodeMulaw(original));
    let signal = 0;
    let noise = 0;
    for (let i = 0; i < original.length; i++) {
      signal += original[i]! ** 2;
      noise += (original[i]! - decoded[i]!) ** 2;
    }
    expect(10 * Math.log10(signal / noise)).toBeGreaterThan(30);
  });
});

describe("8 kHz → 16 kHz resampling", () => {
  test("doubles the samples: each input, preceded by the midpoint with the one before", () => {
    const up = createUpsampler8to16();
    expect(Array.from(up.push(Int16Array.from([100, 300, -100])))).toEqual([50, 100, 200, 300, 100, -100]);
    expect(Array.from(up.push(Int16Array.from([-300])))).toEqual([-200, -300]);
  });

  test("frame boundaries are seamless: 20 ms frames give the same output as the whole stream", () => {
    const input = Int16Array.from(sine(440, 8000, 1600));
    const whole = createUpsampler8to16().push(input);
    const framed = createUpsampler8to16();
    const pieces: number[] = [];
    for (let i = 0; i < input.length; i += 160) pieces.push(...framed.push(input.subarray(i, i + 160)));
    expect(pieces).toEqual(Array.from(whole));
  });

  test("a sine upsampled matches the same sine sampled at 16 kHz, half an input sample later", () => {
    const input = Int16Array.from(sine(1000, 8000, 800));
    const output = createUpsampler8to16().push(input);
    // Output k holds input time (k - 1) / 16000 s: the delay of the midpoint scheme.
    const expected = sine(1000, 16_000, output.length + 1).subarray(0, output.length);
    let error = 0;
    for (let k = 2; k < output.length; k++) error = Math.max(error, Math.abs(output[k]! - expected[k - 1]!));
    // Linear interpolation of 1 kHz at 8 kHz is off by at most A·(1 − cos(π/8)) ≈ 7.6 % of the amplitude.
    expect(error).toBeLessThan(12_000 * 0.08);
  });

  test("16-bit samples go out little-endian and come back unchanged", () => {
    const samples = Int16Array.from([0, 1, -1, 32767, -32768, 256]);
    const bytes = toPcm16le(samples);
    expect(Array.from(bytes.subarray(0, 8))).toEqual([0, 0, 1, 0, 0xff, 0xff, 0xff, 0x7f]);
    expect(Array.from(fromPcm16le(bytes))).toEqual(Array.from(samples));
  });
});

describe("equal chunks", () => {
  test("cuts any pushes into chunks of exactly the size asked, and pads the last with silence", () => {
    const chunker = createChunker(1000);
    const out = [...chunker.push(new Uint8Array(640).fill(1)), ...chunker.push(new Uint8Array(640).fill(2))];
    expect(out.map((c) => c.length)).toEqual([1000]);
    expect(chunker.pendingBytes).toBe(280);
    const last = chunker.flush(0)!;
    expect(last.length).toBe(1000);
    expect(last[0]).toBe(2);
    expect(last[279]).toBe(2);
    expect(last[280]).toBe(0);
    expect(chunker.flush()).toBeNull();
    expect(() => createChunker(0)).toThrow(/positive integer/);
  });
});

describe("the converter on the real fixture audio", () => {
  for (const name of FIXTURE_CALLS) {
    test(`${name}: every 160-byte µ-law frame becomes 640 bytes of 16 kHz PCM, silence stays near zero, speech keeps its level`, async () => {
      const fixture = await loadFixture(name);
      const bytes = await fixture.audio("inbound");
      const converter = createMulawToPcm16k();
      const chunker = createChunker(32_000);
      let pcmBytes = 0;
      let chunks = 0;
      const levels: number[] = [];
      for (let offset = 0; offset + FRAME_BYTES <= bytes.length; offset += FRAME_BYTES) {
        const pcm = converter.convert(bytes.subarray(offset, offset + FRAME_BYTES));
        expect(pcm.length).toBe(640);
        pcmBytes += pcm.length;
        chunks += chunker.push(pcm).length;
        levels.push(rms(fromPcm16le(pcm)));
      }
      const frames = Math.floor(bytes.length / FRAME_BYTES);
      expect(pcmBytes).toBe(frames * 640);
      expect(chunks).toBe(Math.floor((frames * 640) / 32_000));
      // The fixtures are speech with near-digital silence between turns: both must come through.
      const silent = levels.filter((level) => level < 10).length;
      const loud = levels.filter((level) => level > 1000).length;
      expect(silent).toBeGreaterThan(frames * 0.3);
      expect(loud).toBeGreaterThan(frames * 0.15);

      // The same audio converted in one go is identical (the converter keeps state across frames).
      const whole = createMulawToPcm16k().convert(bytes.subarray(0, frames * FRAME_BYTES));
      const framed = createMulawToPcm16k();
      const joined = new Uint8Array(whole.length);
      for (let f = 0; f < frames; f++)
        joined.set(framed.convert(bytes.subarray(f * FRAME_BYTES, (f + 1) * FRAME_BYTES)), f * 640);
      expect(Buffer.from(joined).equals(Buffer.from(whole))).toBe(true);

      // The decoded 8 kHz level of the 16 kHz output matches the µ-law source.
      const source = rms(decodeMulaw(bytes));
      const converted = rms(fromPcm16le(whole));
      expect(Math.abs(converted - source) / source).toBeLessThan(0.05);
    });
  }
});

describe("the audio clock", () => {
  test("maps vendor audio time back to call time across a late start and a gap", () => {
    const clock = createAudioClock();
    clock.sent(10_000, 20);
    clock.sent(10_020, 20);
    clock.sent(20_000, 20); // a gap of almost 10 s
    expect(clock.audioMs).toBe(60);
    expect(clock.toCallMs(0)).toBe(10_000);
    expect(clock.toCallMs(30)).toBe(10_030);
    expect(clock.toCallMs(45)).toBe(20_005);
    expect(clock.toCallMs(100)).toBe(20_060);
  });
});
