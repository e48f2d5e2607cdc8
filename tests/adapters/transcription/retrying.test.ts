import { afterEach, describe, expect, test } from "bun:test";
import { createDeepgramTranscriber } from "../../../src/adapters/deepgram/deepgram-transcriber.ts";
import { createFallbackTranscriber } from "../../../src/adapters/transcription/fallback-transcriber.ts";
import { backoffMs, createRetryingTranscriber } from "../../../src/adapters/transcription/retrying-transcriber.ts";
import { createWisprflowTranscriber } from "../../../src/adapters/wisprflow/wisprflow-transcriber.ts";
import type { TranscriberStatus, TranscriptResult } from "../../../src/ports/transcriber.ts";
import { startDeepgramPeer, type DeepgramPeer } from "../../support/deepgram-peer.ts";
import { startWisprflowPeer } from "../../support/wisprflow-peer.ts";
import { loadFixture, play, toFrames } from "./fixture-audio.ts";

const KEY = "dg-loopback-key";
const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(stops.splice(0).map((stop) => stop()));
});

function deepgramPeer(options: { refuseFirst?: number } = {}): DeepgramPeer {
  const peer = startDeepgramPeer({ apiKey: KEY, msPerWord: 300, wordsPerFinal: 4, ...options });
  stops.push(() => peer.stop());
  return peer;
}

/** Fast retries, so the tests wait milliseconds rather than seconds. */
const quick = { baseDelayMs: 20, maxDelayMs: 80 };

function collector() {
  const results: TranscriptResult[] = [];
  const statuses: TranscriberStatus[] = [];
  const errors: Error[] = [];
  let closes = 0;
  return {
    results,
    statuses,
    errors,
    get closes() {
      return closes;
    },
    finals: () => results.filter((r) => r.isFinal),
    options: {
      track: "inbound" as const,
      callId: "call-1",
      onResult: (result: TranscriptResult) => results.push(result),
      onStatus: (status: TranscriberStatus) => statuses.push(status),
      onError: (error: Error) => errors.push(error),
      onClose: () => closes++,
    },
  };
}

async function until(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await Bun.sleep(5);
  }
}

const silence = (frames: number) => toFrames(new Uint8Array(160 * frames).fill(0xff));

describe("a transcriber that fails to connect is retried with backoff, against the Deepgram loopback peer", () => {
  test("refused twice at the start, then accepted: every frame of the call reaches it and it transcribes", async () => {
    const peer = deepgramPeer({ refuseFirst: 2 });
    const frames = await (await loadFixture("burst-pipe-agent")).frames("inbound");
    const seen = collector();
    const session = await createRetryingTranscriber(
      createDeepgramTranscriber({ apiKey: KEY, url: peer.url }),
      quick,
    ).open(seen.options);
    // The first 10 s arrive while it is away (held), the rest once it is back.
    for (const frame of frames.slice(0, 500)) session.send(frame);
    await until(() => seen.statuses.at(-1)?.state === "running");
    await play(frames.slice(500), (frame) => session.send(frame));
    await session.close();

    expect(peer.unavailable).toBe(2);
    expect(peer.connections).toHaveLength(1);
    expect(peer.totalBytes()).toBe(frames.length * 160);
    expect(
      seen.statuses.map((s) => (s.state === "reconnecting" ? `reconnecting ${s.attempt}/${s.maxAttempts}` : s.state)),
    ).toEqual(["reconnecting 1/5", "reconnecting 2/5", "running"]);
    const first = seen.statuses[0]!;
    expect(first.state === "reconnecting" && first.error.message).toStartWith(
      "Deepgram refused the connection (HTTP 503",
    );
    expect(seen.statuses.at(-1)).toEqual({ state: "running", droppedMs: 0 });
    expect(seen.finals().length).toBeGreaterThan(5);
    expect(seen.finals()[0]!.startMs).toBe(0);
    expect(seen.errors).toEqual([]);
    expect(seen.closes).toBe(1);
    // One connection served the whole call: the stored label stays the transcriber's name.
    expect(session.label).toBe("");
  });

  test("audio held while disconnected is capped: the oldest is dropped, counted, and reported", async () => {
    const peer = deepgramPeer({ refuseFirst: 1 });
    const seen = collector();
    const session = await createRetryingTranscriber(createDeepgramTranscriber({ apiKey: KEY, url: peer.url }), {
      ...quick,
      maxBufferedMs: 2000,
    }).open(seen.options);
    // 5 s of audio while the first retry is still waiting: only the last 2 s can be held.
    const frames = silence(250);
    for (const frame of frames) session.send(frame);
    expect(seen.statuses).toHaveLength(1);
    expect(seen.statuses[0]).toMatchObject({ state: "reconnecting", keptMs: 2000, droppedMs: 0 });
    await until(() => seen.statuses.length === 2);
    expect(seen.statuses[1]).toEqual({ state: "running", droppedMs: 3000 });
    expect(session.droppedMs).toBe(3000);
    await session.close();
    expect(peer.totalBytes()).toBe(2000 * 8);
    // The results sit where the held audio was in the call, not at 0.
    expect(seen.finals()[0]!.startMs).toBe(3000);
  });

  test("a connection dropped mid-call is opened again and given the audio since the last final result", async () => {
    const peer = deepgramPeer();
    const frames = silence(500); // 10 s
    const seen = collector();
    const session = await createRetryingTranscriber(
      createDeepgramTranscriber({ apiKey: KEY, url: peer.url }),
      quick,
    ).open(seen.options);
    let lastFinalBeforeDrop = 0;
    await play(frames, (frame) => session.send(frame), {
      onFrame: async (i) => {
        if (i !== 200) return;
        await until(() => peer.totalBytes() === 201 * 160);
        lastFinalBeforeDrop = seen.finals().at(-1)!.endMs;
        peer.dropConnections();
        await until(() => seen.statuses.length === 2);
      },
    });
    await session.close();

    expect(peer.connections).toHaveLength(2);
    expect(seen.statuses.map((s) => s.state)).toEqual(["reconnecting", "running"]);
    expect(seen.statuses[0]!.state === "reconnecting" && seen.statuses[0]!.error.message).toMatch(
      /^Deepgram connection dropped \(close code 1011/,
    );
    const [before, after] = session.servedBy;
    expect(before).toMatchObject({ transcriber: "deepgram", fromMs: 0 });
    expect(after).toEqual({ transcriber: "deepgram", fromMs: lastFinalBeforeDrop, toMs: 10_000 });
    expect(peer.connections[1]!.bytes).toBe((10_000 - lastFinalBeforeDrop) * 8);
    const starts = seen.finals().map((r) => r.startMs);
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
    expect(new Set(starts).size).toBe(starts.length);
    expect(seen.errors).toEqual([]);
  });

  test("a vendor that stays away is given up on after maxRetries: reported once, the session ignores audio", async () => {
    const peer = deepgramPeer({ refuseFirst: 1000 });
    const seen = collector();
    const session = await createRetryingTranscriber(createDeepgramTranscriber({ apiKey: KEY, url: peer.url }), {
      ...quick,
      maxRetries: 2,
    }).open(seen.options);
    await until(() => seen.closes === 1);
    expect(peer.unavailable).toBe(3);
    expect(seen.statuses.map((s) => s.state === "reconnecting" && s.attempt)).toEqual([1, 2]);
    expect(seen.errors.map((e) => e.message)).toEqual([
      expect.stringMatching(
        /^transcription unavailable: deepgram failed 3 times in a row \(last: Deepgram refused the connection \(HTTP 503/,
      ),
    ]);
    expect(() => session.send(silence(1)[0]!)).not.toThrow();
    await session.close();
    expect(seen.closes).toBe(1);
    await Bun.sleep(100);
    expect(peer.unavailable).toBe(3);
  });

  test("close() while waiting to retry, with no audio held, stops retrying and ends the session once", async () => {
    const peer = deepgramPeer({ refuseFirst: 1 });
    const seen = collector();
    const session = await createRetryingTranscriber(createDeepgramTranscriber({ apiKey: KEY, url: peer.url }), {
      baseDelayMs: 200,
      maxDelayMs: 200,
    }).open(seen.options);
    await session.close();
    await Bun.sleep(300);
    expect(peer.unavailable).toBe(1);
    expect(peer.connections).toHaveLength(0);
    expect(seen.closes).toBe(1);
    expect(seen.errors).toEqual([]);
  });

  test("close() while waiting to retry, with audio held: one last try at once delivers it and flushes its results", async () => {
    const peer = deepgramPeer({ refuseFirst: 1 });
    const seen = collector();
    const session = await createRetryingTranscriber(createDeepgramTranscriber({ apiKey: KEY, url: peer.url }), {
      baseDelayMs: 10_000,
      maxDelayMs: 10_000,
    }).open(seen.options);
    for (const frame of silence(100)) session.send(frame); // 2 s: words at 0.3 s each
    const started = Date.now();
    await session.close();
    expect(Date.now() - started).toBeLessThan(5000);
    expect(peer.connections).toHaveLength(1);
    expect(peer.totalBytes()).toBe(2000 * 8);
    expect(peer.connections[0]!.closeStream).toBe(true);
    expect(
      seen
        .finals()
        .map((r) => r.text)
        .join(" ")
        .split(" "),
    ).toHaveLength(6);
    expect(seen.closes).toBe(1);
  });

  test("around the fallback: both vendors refuse the first connection, the retry finds the primary back", async () => {
    const wisprflow = startWisprflowPeer({
      apiKey: "fl-key",
      refuseFirst: 1,
      utterances: ["Hello, it's about the boiler."],
    });
    stops.push(() => wisprflow.stop());
    const deepgram = deepgramPeer({ refuseFirst: 1 });
    const frames = await (await loadFixture("boiler-leak-tenant")).frames("inbound");
    const seen = collector();
    const fallback = createFallbackTranscriber(
      createWisprflowTranscriber({ apiKey: "fl-key", url: wisprflow.url }),
      createDeepgramTranscriber({ apiKey: KEY, url: deepgram.url }),
    );
    const session = await createRetryingTranscriber(fallback, quick).open(seen.options);
    await play(frames.slice(0, 700), (frame) => session.send(frame));
    await session.close();

    expect([wisprflow.unavailable, deepgram.unavailable]).toEqual([1, 1]);
    expect(seen.statuses.map((s) => s.state)).toEqual(["reconnecting", "running"]);
    expect(seen.statuses[0]!.state === "reconnecting" && seen.statuses[0]!.error.message).toStartWith(
      "every transcriber failed",
    );
    expect(session.label).toBe("wisprflow");
    expect(seen.finals()[0]).toMatchObject({ transcriber: "wisprflow", text: "Hello, it's about the boiler." });
    expect(seen.errors).toEqual([]);
  });
});

describe("a refused key (HTTP 401 at the handshake) is permanent: no retries, reported at once as unavailable", () => {
  /** `refused`: each peer's count of refused handshakes, which must be one each. */
  const refusedAtOnce = async (
    transcriber: Parameters<typeof createRetryingTranscriber>[0],
    refused: () => number[],
  ) => {
    const seen = collector();
    const session = await createRetryingTranscriber(transcriber, quick).open(seen.options);
    await until(() => seen.closes > 0, 3000);
    session.send(silence(1)[0]!);
    await Bun.sleep(200); // longer than every backoff: a retry would have reached the peer
    await session.close();
    expect(refused().every((n) => n === 1)).toBe(true);
    expect(seen.statuses).toEqual([]);
    expect(seen.errors).toHaveLength(1);
    expect(seen.closes).toBe(1);
    return seen.errors[0]!.message;
  };

  test("Deepgram", async () => {
    const peer = deepgramPeer();
    const message = await refusedAtOnce(createDeepgramTranscriber({ apiKey: "a-wrong-key", url: peer.url }), () => [
      peer.refused,
    ]);
    expect(message).toStartWith("transcription unavailable: the API key was refused");
    expect(message).toContain("Deepgram refused the API key (HTTP 401");
    expect(message).not.toContain("a-wrong-key");
  });

  test("WisprFlow", async () => {
    const peer = startWisprflowPeer({ apiKey: "fl-key" });
    stops.push(() => peer.stop());
    const message = await refusedAtOnce(createWisprflowTranscriber({ apiKey: "a-wrong-key", url: peer.url }), () => [
      peer.refused,
    ]);
    expect(message).toStartWith("transcription unavailable: the API key was refused");
    expect(message).toContain("WisprFlow refused the API key (HTTP 401");
    expect(message).not.toContain("a-wrong-key");
  });

  test("both behind the fallback refuse their keys: given up at once; one refusing while the other is down is still retried", async () => {
    const wisprflow = startWisprflowPeer({ apiKey: "fl-key" });
    stops.push(() => wisprflow.stop());
    const deepgram = deepgramPeer();
    const bothWrong = createFallbackTranscriber(
      createWisprflowTranscriber({ apiKey: "wrong", url: wisprflow.url }),
      createDeepgramTranscriber({ apiKey: "wrong", url: deepgram.url }),
    );
    const message = await refusedAtOnce(bothWrong, () => [wisprflow.refused, deepgram.refused]);
    expect(message).toStartWith("transcription unavailable: the API key was refused (every transcriber failed");

    // WisprFlow's key refused but Deepgram only briefly down: that outage is worth a retry.
    deepgram.refuseFor(1);
    const seen = collector();
    const oneWrong = createFallbackTranscriber(
      createWisprflowTranscriber({ apiKey: "wrong", url: wisprflow.url }),
      createDeepgramTranscriber({ apiKey: KEY, url: deepgram.url }),
    );
    const session = await createRetryingTranscriber(oneWrong, quick).open(seen.options);
    await until(() => seen.statuses.at(-1)?.state === "running");
    await session.close();
    expect(seen.statuses.map((s) => s.state)).toEqual(["reconnecting", "running"]);
    expect(seen.errors).toEqual([]);
  });
});

test("backoff doubles from the base up to the ceiling, within ±20 %", () => {
  expect([1, 2, 3, 4, 5, 6].map((n) => backoffMs(n, 500, 5000, () => 0.5))).toEqual([
    500, 1000, 2000, 4000, 5000, 5000,
  ]);
  expect(backoffMs(1, 500, 5000, () => 0)).toBe(400);
  expect(backoffMs(1, 500, 5000, () => 1)).toBe(600);
});
