/**
 * The ElevenLabs voice through the official SDK against a loopback peer speaking ElevenLabs'
 * streaming text-to-speech API (tests/support/elevenlabs-peer.ts).
 */
import { afterEach, beforeAll, describe, expect, test } from "bun:test";
import { createElevenLabsVoice, VoiceError } from "../../../src/adapters/elevenlabs/elevenlabs-voice.ts";
import { createVendorPolicy } from "../../../src/adapters/resilience/vendor-policy.ts";
import { VENDOR_LIMITS } from "../../../src/adapters/resilience/vendor-limits.ts";
import { FRAME_BYTES, ULAW_SILENCE } from "../../../src/ports/voice-synthesiser.ts";
import { startElevenLabsPeer, toneUlaw, type ElevenLabsPeer } from "../../support/elevenlabs-peer.ts";

// The SDK takes seconds to import on a busy machine: once, before the timed tests.
beforeAll(() => import("@elevenlabs/elevenlabs-js"), 60_000);

const KEY = "xi-right";
const VOICE = "JBFqnCBsd6RMkjVDRZzb";
const peers: ElevenLabsPeer[] = [];
afterEach(async () => {
  for (const peer of peers.splice(0)) await peer.close();
});
const peer = (options: Partial<Parameters<typeof startElevenLabsPeer>[0]> = {}) => {
  const started = startElevenLabsPeer({ apiKey: KEY, voiceIds: [VOICE], ...options });
  peers.push(started);
  return started;
};
const voiceOn = (p: ElevenLabsPeer, overrides: { apiKey?: string; voiceId?: string } = {}) =>
  createElevenLabsVoice({ apiKey: KEY, voiceId: VOICE, baseUrl: p.baseUrl, ...overrides });

async function collect(frames: AsyncIterable<Uint8Array>): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for await (const frame of frames) out.push(frame);
  return out;
}

describe("ElevenLabs voice (loopback ElevenLabs peer)", () => {
  test("asks the streaming endpoint for µ-law 8 kHz with the flash model, the key and the voice", async () => {
    // 1234 bytes in uneven chunks: 7 whole frames and 114 bytes over.
    const audio = toneUlaw(1234 / 8000);
    const p = peer({ audio, chunkBytes: 333 });
    const frames = await collect(voiceOn(p).speak("Hello, this is an automated assistant."));

    expect(p.requests).toHaveLength(1);
    const [request] = p.requests;
    expect(request!.path).toBe(`/v1/text-to-speech/${VOICE}/stream`);
    expect(request!.apiKey).toBe(KEY);
    expect(request!.query.output_format).toBe("ulaw_8000");
    expect(request!.body).toMatchObject({
      text: "Hello, this is an automated assistant.",
      model_id: "eleven_flash_v2_5",
    });

    // Every frame 20 ms; the bytes are ElevenLabs' own, the last frame padded with µ-law silence.
    expect(frames).toHaveLength(8);
    for (const frame of frames) expect(frame.byteLength).toBe(FRAME_BYTES);
    const joined = Buffer.concat(frames);
    expect(Buffer.compare(joined.subarray(0, audio.length), Buffer.from(audio))).toBe(0);
    expect([...joined.subarray(audio.length)].every((b) => b === ULAW_SILENCE)).toBe(true);
  });

  test("the first frame arrives while the peer is still holding the rest back", async () => {
    const p = peer({ audio: toneUlaw(1), chunkBytes: 400, holdAfterFirst: true });
    const iterator = voiceOn(p).speak("Press 1 to confirm.")[Symbol.asyncIterator]();
    const first = await iterator.next();
    expect(first.done).toBe(false);
    expect(first.value.byteLength).toBe(FRAME_BYTES);
    expect(p.streams[0]).toMatchObject({ sentChunks: 1, finished: false });
    p.release();
    let rest = 0;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) rest++;
    expect(rest).toBe(8000 / FRAME_BYTES - 1);
    expect(p.streams[0]!.finished).toBe(true);
  });

  test("a refused key is a clear error naming ELEVENLABS_API_KEY, not retried", async () => {
    const p = peer();
    const error = await collect(voiceOn(p, { apiKey: "xi-wrong" }).speak("Hello.")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VoiceError);
    expect((error as VoiceError).message).toContain("ELEVENLABS_API_KEY");
    expect((error as VoiceError).variable).toBe("ELEVENLABS_API_KEY");
    expect((error as VoiceError).message).not.toContain(KEY);
    expect(p.requests).toHaveLength(1);
  });

  test("an unknown voice names ELEVENLABS_VOICE_ID", async () => {
    const p = peer();
    const error = await collect(voiceOn(p, { voiceId: "no-such-voice" }).speak("Hello.")).catch((e: unknown) => e);
    expect((error as VoiceError).variable).toBe("ELEVENLABS_VOICE_ID");
    expect((error as Error).message).toContain("ELEVENLABS_VOICE_ID");
  });

  test("a 503 is retried once under the vendor policy, then speaks", async () => {
    const p = peer({ audio: toneUlaw(0.1) });
    p.failNext(1, 503);
    const frames = await collect(voiceOn(p).speak("Hello."));
    expect(p.requests).toHaveLength(2);
    expect(frames).toHaveLength(5);
  });

  test("an outage opens the shared circuit: later sentences fail fast without a request", async () => {
    const p = peer();
    p.failNext(100, 503);
    const policy = createVendorPolicy({ vendor: "ElevenLabs", ...VENDOR_LIMITS.ElevenLabs, retries: 0, breakAfter: 2 });
    const voice = createElevenLabsVoice({ apiKey: KEY, voiceId: VOICE, baseUrl: p.baseUrl, policy });
    for (let i = 0; i < 2; i++)
      expect(await collect(voice.speak("Hello.")).catch((e: Error) => e.message)).toContain("HTTP 503");
    const before = p.requests.length;
    const error = await collect(voice.speak("Hello.")).catch((e: Error) => e);
    expect((error as Error).message).toContain("circuit is open");
    expect(p.requests.length).toBe(before);
  });

  test("abort stops reading: no more frames, no error, and the peer sees the stream cancelled", async () => {
    // 10 s of audio, 20 ms a chunk: far more than is read before the abort.
    const p = peer({ audio: toneUlaw(10), chunkBytes: 160, chunkEveryMs: 20 });
    const controller = new AbortController();
    let frames = 0;
    for await (const _ of voiceOn(p).speak("A long sentence.", controller.signal)) {
      if (++frames === 3) controller.abort();
    }
    expect(frames).toBe(3);
    const sentAtAbort = p.streams[0]!.sentChunks;
    await Bun.sleep(300);
    expect(p.streams[0]!.cancelled).toBe(true);
    expect(p.streams[0]!.finished).toBe(false);
    // At most a chunk or two in flight when the client went away; nowhere near the 500 of the whole.
    expect(p.streams[0]!.sentChunks).toBeLessThan(sentAtAbort + 3);
  });

  test("an already aborted signal sends nothing", async () => {
    const p = peer();
    const frames = await collect(voiceOn(p).speak("Hello.", AbortSignal.abort()));
    expect(frames).toHaveLength(0);
    expect(p.requests).toHaveLength(0);
  });
});
