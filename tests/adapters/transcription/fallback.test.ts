import { afterEach, describe, expect, test } from "bun:test";
import { createDeepgramTranscriber } from "../../../src/adapters/deepgram/deepgram-transcriber.ts";
import { createFallbackTranscriber, servedByLabel } from "../../../src/adapters/transcription/fallback-transcriber.ts";
import { createWisprflowTranscriber } from "../../../src/adapters/wisprflow/wisprflow-transcriber.ts";
import type {
  AudioFrame,
  Transcriber,
  TranscriberOpenOptions,
  TranscriptResult,
} from "../../../src/ports/transcriber.ts";
import { startDeepgramPeer, type DeepgramPeer } from "../../support/deepgram-peer.ts";
import { startWisprflowPeer, type WisprflowPeer } from "../../support/wisprflow-peer.ts";
import { loadFixture, play, toFrames } from "./fixture-audio.ts";

const WISPR_KEY = "fl-loopback-key";
const DEEPGRAM_KEY = "dg-loopback-key";
const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(stops.splice(0).map((stop) => stop()));
});
function peers() {
  const wisprflow: WisprflowPeer = startWisprflowPeer({
    apiKey: WISPR_KEY,
    utterances: ["Hi Tom, my name is Sarah Jones."],
  });
  const deepgram: DeepgramPeer = startDeepgramPeer({ apiKey: DEEPGRAM_KEY, msPerWord: 300, wordsPerFinal: 4 });
  stops.push(
    () => wisprflow.stop(),
    () => deepgram.stop(),
  );
  return { wisprflow, deepgram };
}

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
    options: {
      track: "inbound" as const,
      callId: "call-1",
      onResult: (result: TranscriptResult) => results.push(result),
      onError: (error: Error) => errors.push(error),
      onClose: () => closes++,
    },
  };
}

const bytesFrom = (frames: readonly AudioFrame[], fromMs: number) =>
  frames.filter((frame) => frame.timestampMs >= fromMs).reduce((sum, frame) => sum + frame.payload.length, 0);

describe("fallback from WisprFlow to Deepgram, each against a loopback peer speaking its vendor's documented protocol", () => {
  test("the primary peer killed mid-call: Deepgram takes over and receives every frame from the switch point on", async () => {
    const { wisprflow, deepgram } = peers();
    const frames = await (await loadFixture("boiler-leak-tenant")).frames("inbound");
    const switches: { from: string; to: string; atMs: number }[] = [];
    const transcriber = createFallbackTranscriber(
      createWisprflowTranscriber({ apiKey: WISPR_KEY, url: wisprflow.url }),
      createDeepgramTranscriber({ apiKey: DEEPGRAM_KEY, url: deepgram.url }),
      { onSwitch: ({ from, to, atMs }) => switches.push({ from, to, atMs }) },
    );
    const seen = collector();
    const session = await transcriber.open(seen.options);

    // 18 s in, the caller is halfway through the second turn (16.1 s to 23.7 s) when WisprFlow dies.
    await play(frames, (frame) => session.send(frame), {
      onFrame: (i) => {
        if (i === 900) wisprflow.kill();
      },
    });
    await session.close();

    expect(session.label).toBe("wisprflow→deepgram");
    const [primary, fallback] = session.servedBy;
    expect(session.servedBy).toHaveLength(2);
    expect(primary).toMatchObject({ transcriber: "wisprflow", fromMs: 0 });
    expect(fallback).toMatchObject({ transcriber: "deepgram", toMs: frames.length * 20 });
    expect(primary!.toMs).toBe(fallback!.fromMs);
    // Everything after WisprFlow's last final (the first turn, to 12.2 s) is replayed: the turn it lost included.
    const switchPoint = fallback!.fromMs;
    expect(switchPoint).toBeGreaterThanOrEqual(12_200);
    expect(switchPoint).toBeLessThanOrEqual(16_100);
    expect(deepgram.totalBytes()).toBe(bytesFrom(frames, switchPoint));
    expect(deepgram.connections).toHaveLength(1);
    expect(deepgram.problems()).toEqual([]);
    expect(switches).toEqual([{ from: "wisprflow", to: "deepgram", atMs: switchPoint }]);
    expect(session.failures).toHaveLength(1);
    expect(session.failures[0]!.transcriber).toBe("wisprflow");
    expect(session.failures[0]!.error.message).toMatch(/^WisprFlow connection dropped \(close code \d+/);

    const finals = seen.results.filter((r) => r.isFinal);
    expect(finals[0]).toMatchObject({ transcriber: "wisprflow", text: "Hi Tom, my name is Sarah Jones." });
    expect(finals.slice(1).every((r) => r.transcriber === "deepgram")).toBe(true);
    expect(finals.length).toBeGreaterThan(5);
    expect(finals[1]!.startMs).toBe(switchPoint);
    const starts = finals.map((r) => r.startMs);
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
    expect(seen.errors).toEqual([]);
    expect(seen.closes).toBe(1);
  });

  for (const refusal of ["refuses the key", "is not listening"] as const) {
    test(`the primary ${refusal}: Deepgram serves the whole call`, async () => {
      const { wisprflow, deepgram } = peers();
      const frames = await (await loadFixture("burst-pipe-agent")).frames("inbound");
      if (refusal === "is not listening") wisprflow.kill();
      const transcriber = createFallbackTranscriber(
        createWisprflowTranscriber({
          apiKey: refusal === "refuses the key" ? "fl-revoked" : WISPR_KEY,
          url: wisprflow.url,
        }),
        createDeepgramTranscriber({ apiKey: DEEPGRAM_KEY, url: deepgram.url }),
      );
      const seen = collector();
      const session = await transcriber.open(seen.options);
      await play(frames, (frame) => session.send(frame));
      await session.close();

      expect(session.label).toBe("deepgram");
      expect(session.servedBy).toEqual([{ transcriber: "deepgram", fromMs: 0, toMs: frames.length * 20 }]);
      expect(deepgram.totalBytes()).toBe(bytesFrom(frames, 0));
      expect(session.failures[0]!.error.message).toStartWith(
        refusal === "refuses the key" ? "WisprFlow refused the API key (HTTP 401" : "WisprFlow could not be reached",
      );
      expect(seen.results.filter((r) => r.isFinal).length).toBeGreaterThan(5);
      expect(seen.errors).toEqual([]);
    });
  }

  test("the results the active transcriber flushes on close (the call's last words) are passed on", async () => {
    const { wisprflow, deepgram } = peers();
    wisprflow.kill();
    const transcriber = createFallbackTranscriber(
      createWisprflowTranscriber({ apiKey: WISPR_KEY, url: wisprflow.url }),
      createDeepgramTranscriber({ apiKey: DEEPGRAM_KEY, url: deepgram.url }),
    );
    const seen = collector();
    const session = await transcriber.open(seen.options);
    // 2 s at 300 ms a word, 4 words a final: "echo foxtrot" is still pending when the call ends.
    await play(toFrames(new Uint8Array(160 * 100).fill(0xff)), (frame) => session.send(frame));
    await session.close();
    const peerFinals = deepgram.connections[0]!.finals;
    expect(peerFinals.at(-1)).toBe("echo foxtrot");
    expect(seen.results.filter((r) => r.isFinal).map((r) => r.text)).toEqual(peerFinals);
    expect(seen.closes).toBe(1);
  });

  test("both refuse: open() still resolves, the call goes on, the failure is reported once", async () => {
    const { wisprflow, deepgram } = peers();
    const transcriber = createFallbackTranscriber(
      createWisprflowTranscriber({ apiKey: "fl-revoked", url: wisprflow.url }),
      createDeepgramTranscriber({ apiKey: "dg-revoked", url: deepgram.url }),
    );
    const seen = collector();
    const session = await transcriber.open(seen.options);
    expect(seen.errors).toHaveLength(1);
    expect(seen.errors[0]!.message).toMatch(
      /^every transcriber failed, the call goes on untranscribed \(wisprflow: WisprFlow refused .*; deepgram: Deepgram refused the API key/,
    );
    expect(seen.closes).toBe(1);
    expect(() => session.send({ payload: new Uint8Array(160), timestampMs: 0 })).not.toThrow();
    await session.close();
    expect(seen.closes).toBe(1);
    expect(session.label).toBe("");
  });
});

/** An in-memory transcriber: a final for every 10 frames; `fail()` kills its open session. */
function scripted(name: string, openDelayMs = 0) {
  const received: AudioFrame[] = [];
  let current: TranscriberOpenOptions | null = null;
  const transcriber: Transcriber & { received: AudioFrame[]; closed: number; fail(): void } = {
    name,
    received,
    closed: 0,
    fail() {
      current?.onError?.(new Error(`${name} fell over`));
      current?.onClose?.();
      current = null;
    },
    async open(options) {
      if (openDelayMs) await Bun.sleep(openDelayMs);
      current = options;
      let count = 0;
      return {
        send(frame) {
          received.push(frame);
          if (++count % 10 === 0) {
            options.onResult({
              text: `${name} ${count}`,
              isFinal: true,
              startMs: frame.timestampMs - 180,
              endMs: frame.timestampMs + 20,
              confidence: null,
              transcriber: name,
            });
          }
        },
        async close() {
          transcriber.closed++;
          options.onClose?.();
        },
      };
    },
  };
  return transcriber;
}

describe("fallback bookkeeping", () => {
  test("replays only what came after the last final, and no more than maxBufferedMs of it", async () => {
    const frames = toFrames(new Uint8Array(160 * 100).fill(0xff));
    const primary = scripted("primary");
    const fallback = scripted("fallback");
    const seen = collector();
    const session = await createFallbackTranscriber(primary, fallback).open(seen.options);
    frames.slice(0, 25).forEach((frame) => session.send(frame));
    primary.fail(); // finals covered frames 0..19: 20..24 are replayed
    await Bun.sleep(0);
    frames.slice(25, 60).forEach((frame) => session.send(frame));
    expect(fallback.received.map((f) => f.timestampMs)).toEqual(frames.slice(20, 60).map((f) => f.timestampMs));
    expect(session.servedBy).toEqual([
      { transcriber: "primary", fromMs: 0, toMs: 400 },
      { transcriber: "fallback", fromMs: 400, toMs: 1200 },
    ]);
    await session.close();

    const small = scripted("small");
    const late = scripted("late");
    const bounded = await createFallbackTranscriber(small, late, { maxBufferedMs: 100 }).open(collector().options);
    frames.slice(0, 9).forEach((frame) => bounded.send(frame)); // no final yet: 180 ms pending
    small.fail();
    await Bun.sleep(0);
    expect(late.received.map((f) => f.timestampMs)).toEqual([80, 100, 120, 140, 160]);
    await bounded.close();
  });

  test("close() while the fallback is still connecting ends the session once and closes the fallback", async () => {
    const primary = scripted("primary");
    const fallback = scripted("fallback", 30);
    const seen = collector();
    const session = await createFallbackTranscriber(primary, fallback).open(seen.options);
    session.send({ payload: new Uint8Array(160).fill(0xff), timestampMs: 0 });
    primary.fail();
    await session.close();
    expect(fallback.closed).toBe(1);
    expect(seen.closes).toBe(1);
    expect(seen.errors).toEqual([]);
  });

  test("the fallback failing too is reported once, and audio after it is ignored", async () => {
    const primary = scripted("primary");
    const fallback = scripted("fallback");
    const seen = collector();
    const session = await createFallbackTranscriber(primary, fallback).open(seen.options);
    primary.fail();
    await Bun.sleep(0);
    fallback.fail();
    expect(seen.errors.map((e) => e.message)).toEqual([
      "every transcriber failed, the call goes on untranscribed (primary: primary fell over; fallback: fallback fell over)",
    ]);
    session.send({ payload: new Uint8Array(160), timestampMs: 0 });
    expect(fallback.received).toHaveLength(0);
    await session.close();
    expect(seen.closes).toBe(1);
  });

  test("the label names each transcriber once per stretch it served", () => {
    expect(servedByLabel([])).toBe("");
    expect(servedByLabel([{ transcriber: "wisprflow", fromMs: 0, toMs: 5 }])).toBe("wisprflow");
    expect(
      servedByLabel([
        { transcriber: "wisprflow", fromMs: 0, toMs: 5 },
        { transcriber: "deepgram", fromMs: 5, toMs: 9 },
      ]),
    ).toBe("wisprflow→deepgram");
  });
});
