import { afterEach, describe, expect, test } from "bun:test";
import {
  createDeepgramTranscriber,
  DEEPGRAM_LISTEN_SETTINGS,
} from "../../../src/adapters/deepgram/deepgram-transcriber.ts";
import { createMediaPayloadDecoder } from "../../../src/adapters/twilio/media-payload-decoder.ts";
import type { TranscriptResult } from "../../../src/ports/transcriber.ts";
import { startDeepgramPeer, type DeepgramPeer } from "../../support/deepgram-peer.ts";
import { loadFixture, play, until } from "./fixture-audio.ts";

const KEY = "dg-loopback-key";
const peers: DeepgramPeer[] = [];
afterEach(async () => {
  await Promise.all(peers.splice(0).map((peer) => peer.stop()));
});
const peer = (options: Parameters<typeof startDeepgramPeer>[0]) => {
  const started = startDeepgramPeer(options);
  peers.push(started);
  return started;
};

function collector() {
  const results: TranscriptResult[] = [];
  const errors: Error[] = [];
  let closes = 0;
  return {
    results,
    errors,
    get closes() {
      return closes;
    },
    options: (track: "inbound" | "outbound" = "inbound") => ({
      track,
      callId: "call-1",
      onResult: (result: TranscriptResult) => results.push(result),
      onError: (error: Error) => errors.push(error),
      onClose: () => closes++,
    }),
  };
}

describe("Deepgram adapter against a loopback peer speaking Deepgram's documented protocol", () => {
  test("streams a fixture call's audio as µ-law with the seed's settings and gets interim then final results in order", async () => {
    const fixture = await loadFixture("boiler-leak-tenant");
    const turns = fixture.script.turns.filter((turn) => turn.track === "outbound");
    const deepgram = peer({ apiKey: KEY, script: turns });
    const frames = await fixture.frames("outbound");
    const seen = collector();

    const session = await createDeepgramTranscriber({ apiKey: KEY, url: deepgram.url }).open(seen.options("outbound"));
    await play(frames, (frame) => session.send(frame));
    await session.close();

    const connection = deepgram.connections[0]!;
    expect(deepgram.connections).toHaveLength(1);
    for (const [name, value] of Object.entries(DEEPGRAM_LISTEN_SETTINGS))
      expect(connection.query[name]).toBe(String(value));
    expect(connection.bytes).toBe(frames.length * 160);
    expect(connection.closeStream).toBe(true);
    expect(deepgram.problems()).toEqual([]);

    const finals = seen.results.filter((r) => r.isFinal);
    expect(finals.map((r) => r.text)).toEqual(turns.map((t) => t.text));
    expect(finals.map((r) => [r.startMs, r.endMs])).toEqual(turns.map((t) => [t.startMs, t.endMs]));
    expect(finals.every((r) => r.transcriber === "deepgram" && r.confidence === 0.97)).toBe(true);
    // Each turn shows an interim before its final, and the results never go back in time.
    expect(seen.results.map((r) => r.isFinal)).toEqual(turns.flatMap(() => [false, true]));
    const starts = seen.results.map((r) => r.startMs);
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
    expect(seen.errors).toEqual([]);
    expect(seen.closes).toBe(1);
  });

  test("a wrong API key is refused at the handshake with a clear error, and nothing stays open", async () => {
    const deepgram = peer({ apiKey: KEY });
    const seen = collector();
    const opening = createDeepgramTranscriber({ apiKey: "wrong", url: deepgram.url }).open(seen.options());
    await expect(opening).rejects.toThrow("Deepgram refused the API key (HTTP 401");
    await expect(opening).rejects.toThrow("DEEPGRAM_API_KEY");
    expect(deepgram.refused).toBe(1);
    expect(deepgram.connections).toHaveLength(0);
    expect(seen.closes).toBe(0);
  });

  test("an unreachable server is a clear error too", async () => {
    const deepgram = peer({ apiKey: KEY });
    const url = deepgram.url;
    await deepgram.stop();
    const opening = createDeepgramTranscriber({ apiKey: KEY, url }, { connectTimeoutMs: 2000 }).open(
      collector().options(),
    );
    await expect(opening).rejects.toThrow(/^Deepgram could not be reached at ws:\/\/127\.0\.0\.1:\d+/);
  });

  test("sends KeepAlive while no audio flows, so the connection outlives the server's idle timeout", async () => {
    const deepgram = peer({ apiKey: KEY, idleTimeoutMs: 300 });
    const seen = collector();
    const session = await createDeepgramTranscriber({ apiKey: KEY, url: deepgram.url }, { keepAliveMs: 80 }).open(
      seen.options(),
    );
    session.send({ payload: new Uint8Array(160).fill(0xff), timestampMs: 0 });
    await Bun.sleep(700);
    const connection = deepgram.connections[0]!;
    expect(connection.keepAlives).toBeGreaterThanOrEqual(4);
    expect(connection.closedForIdle).toBe(false);
    expect(seen.errors).toEqual([]);
    await session.close();
    expect(deepgram.problems()).toEqual([]);
  });

  test("without KeepAlive the server closes the idle connection (NET-0001) and the session reports the drop once", async () => {
    const deepgram = peer({ apiKey: KEY, idleTimeoutMs: 200 });
    const seen = collector();
    const session = await createDeepgramTranscriber({ apiKey: KEY, url: deepgram.url }, { keepAliveMs: 60_000 }).open(
      seen.options(),
    );
    await until(() => seen.errors.length > 0, 3000, "the drop");
    expect(seen.errors).toHaveLength(1);
    expect(seen.errors[0]!.message).toContain("Deepgram connection dropped (close code 1011");
    expect(seen.errors[0]!.message).toContain("net0001");
    expect(seen.closes).toBe(1);
    session.send({ payload: new Uint8Array(160), timestampMs: 0 }); // ignored, does not throw
    await session.close();
    expect(seen.closes).toBe(1);
  });

  test("a connection that starts mid-call reports times in the call's clock", async () => {
    const deepgram = peer({ apiKey: KEY, msPerWord: 200, wordsPerFinal: 3 });
    const seen = collector();
    const session = await createDeepgramTranscriber({ apiKey: KEY, url: deepgram.url }).open(seen.options());
    for (let i = 0; i < 50; i++)
      session.send({ payload: new Uint8Array(160).fill(0x10), timestampMs: 60_000 + i * 20 });
    await until(() => seen.results.some((r) => r.isFinal), 2000, "a final");
    await session.close();
    const final = seen.results.find((r) => r.isFinal)!;
    expect(final.text).toBe("alpha bravo charlie");
    expect([final.startMs, final.endMs]).toEqual([60_000, 60_600]);
  });

  test("joins 20 ms frames into 240 ms messages, and sends a part-filled one after 240 ms without waiting for more audio", async () => {
    const deepgram = peer({ apiKey: KEY });
    const session = await createDeepgramTranscriber({ apiKey: KEY, url: deepgram.url }).open(collector().options());
    const started = Date.now();
    for (let i = 0; i < 27; i++) session.send({ payload: new Uint8Array(160).fill(0x10 + i), timestampMs: i * 20 });
    const connection = deepgram.connections[0]!;
    // Two full messages at once (frames 1–12, 13–24); frames 25–27 wait for their batch's time.
    await until(() => connection.audioMessages === 2, 1000, "two full messages");
    expect(connection.bytes).toBe(24 * 160);
    await until(() => connection.bytes === 27 * 160, 1000, "the part-filled message");
    expect(Date.now() - started).toBeGreaterThanOrEqual(230);
    expect(connection.audioMessages).toBe(3);
    // A frame sent just before close goes out before CloseStream.
    session.send({ payload: new Uint8Array(160).fill(0x20), timestampMs: 540 });
    await session.close();
    expect(connection.bytes).toBe(28 * 160);
    expect(connection.audioMessages).toBe(4);
    expect(connection.closeStream).toBe(true);
    expect(deepgram.problems()).toEqual([]);
  });

  test("frames decoded side by side into slabs go in 240 ms messages, every byte as sent and in order (batches within a slab go as one view, those across two are joined)", async () => {
    const deepgram = peer({ apiKey: KEY, keepAudio: true });
    const session = await createDeepgramTranscriber({ apiKey: KEY, url: deepgram.url }).open(collector().options());
    // A small slab so batches also straddle two slabs (those are copied together as before).
    const decode = createMediaPayloadDecoder(1_000);
    const sent: number[] = [];
    for (let i = 0; i < 47; i++) {
      const bytes = Uint8Array.from({ length: 160 }, (_, j) => 0x40 + ((i * 7 + j) % 0x80));
      sent.push(...bytes);
      session.send({ payload: decode(Buffer.from(bytes).toString("base64")), timestampMs: i * 20 });
    }
    await session.close();
    const connection = deepgram.connections[0]!;
    expect(connection.audioMessages).toBe(4);
    expect(connection.audio.map((message) => message.length)).toEqual([1920, 1920, 1920, 1760]);
    expect([...connection.audio.flatMap((message) => [...message])]).toEqual(sent);
    expect(deepgram.problems()).toEqual([]);
  });

  test("batchMs 20 sends every frame as its own message", async () => {
    const deepgram = peer({ apiKey: KEY });
    const session = await createDeepgramTranscriber({ apiKey: KEY, url: deepgram.url }, { batchMs: 20 }).open(
      collector().options(),
    );
    for (let i = 0; i < 7; i++) session.send({ payload: new Uint8Array(160).fill(0x10), timestampMs: i * 20 });
    const connection = deepgram.connections[0]!;
    await until(() => connection.audioMessages === 7, 1000, "seven messages");
    await session.close();
    expect(connection.bytes).toBe(7 * 160);
  });
});
