import { describe, expect, test } from "bun:test";
import { createMediaPayloadDecoder } from "../../../src/adapters/twilio/media-payload-decoder.ts";

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64");
const frameOf = (n: number, size = 160) => Uint8Array.from({ length: size }, (_, i) => (n * 31 + i) & 0xff);

describe("media payloads decoded into a track's slab", () => {
  test("every frame has the bytes Buffer.from(…, 'base64') gives, and keeps them after many more frames", () => {
    const decode = createMediaPayloadDecoder(1_000);
    const kept: { payload: Uint8Array; expected: Uint8Array }[] = [];
    // Sizes with each kind of padding (0, 1, 2 '='), across slab boundaries, and one larger than a slab.
    const sizes = [160, 159, 158, 1, 0, 161, 999, 1_000, 1_001, 2_400, 160, 160];
    for (let n = 0; n < 300; n++) {
      const expected = frameOf(n, sizes[n % sizes.length]);
      const payload = decode(b64(expected));
      expect(Buffer.from(payload).equals(Buffer.from(expected))).toBe(true);
      kept.push({ payload, expected });
    }
    // A slab is never written again: the first frames still hold their own bytes.
    for (const { payload, expected } of kept) expect(Buffer.from(payload).equals(Buffer.from(expected))).toBe(true);
  });

  test("consecutive frames lie side by side until the slab is full, then a new slab starts", () => {
    const decode = createMediaPayloadDecoder(500);
    const frames = [0, 1, 2, 3].map((n) => decode(b64(frameOf(n))));
    expect(frames[1]!.buffer).toBe(frames[0]!.buffer);
    expect(frames[1]!.byteOffset).toBe(frames[0]!.byteOffset + 160);
    expect(frames[2]!.byteOffset).toBe(frames[1]!.byteOffset + 160);
    // 3 × 160 = 480: a fourth 160-byte frame does not fit in 500.
    expect(frames[3]!.buffer).not.toBe(frames[0]!.buffer);
    expect(Buffer.from(frames[3]!).equals(Buffer.from(frameOf(3)))).toBe(true);
  });

  test("two decoders (one per track) never share a slab", () => {
    const inbound = createMediaPayloadDecoder();
    const outbound = createMediaPayloadDecoder();
    const a = inbound(b64(frameOf(1)));
    const b = outbound(b64(frameOf(2)));
    expect(a.buffer).not.toBe(b.buffer);
    expect(Buffer.from(inbound(b64(frameOf(3)))).equals(Buffer.from(frameOf(3)))).toBe(true);
    expect(Buffer.from(a).equals(Buffer.from(frameOf(1)))).toBe(true);
  });
});
