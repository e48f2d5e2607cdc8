import { afterEach, describe, expect, test } from "bun:test";
import type { ScriptTurn } from "../../../src/adapters/transcription/script-transcriber.ts";
import { createWisprflowTranscriber } from "../../../src/adapters/wisprflow/wisprflow-transcriber.ts";
import type { TranscriptResult } from "../../../src/ports/transcriber.ts";
import { startWisprflowPeer, type WisprflowPeer } from "../../support/wisprflow-peer.ts";
import { FIXTURE_CALLS, loadFixture, play, until } from "./fixture-audio.ts";

const KEY = "fl-loopback-key";
const ENDPOINT_MS = 1200;

/** What one speaker says with pauses shorter than the endpoint is one utterance, as the adapter hears it. */
function utterances(turns: ScriptTurn[], endpointMs: number): ScriptTurn[] {
  const merged: ScriptTurn[] = [];
  for (const turn of turns) {
    const last = merged.at(-1);
    if (last && turn.startMs - last.endMs < endpointMs)
      merged[merged.length - 1] = { ...last, text: `${last.text} ${turn.text}`, endMs: turn.endMs };
    else merged.push({ ...turn });
  }
  return merged;
}
const peers: WisprflowPeer[] = [];
afterEach(async () => {
  await Promise.all(peers.splice(0).map((peer) => peer.stop()));
});
const peer = (options: Parameters<typeof startWisprflowPeer>[0]) => {
  const started = startWisprflowPeer(options);
  peers.push(started);
  return started;
};

function collector(track: "inbound" | "outbound" = "inbound") {
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
      track,
      callId: "call-1",
      onResult: (result: TranscriptResult) => results.push(result),
      onError: (error: Error) => errors.push(error),
      onClose: () => closes++,
    },
  };
}

describe("WisprFlow adapter against a loopback peer speaking WisprFlow's documented protocol", () => {
  for (const name of FIXTURE_CALLS) {
    for (const track of ["inbound", "outbound"] as const) {
      test(`${name}, ${track}: one committed session per utterance, 16 kHz PCM in equal 1 s packets, finals in order`, async () => {
        const fixture = await loadFixture(name);
        const turns = utterances(
          fixture.script.turns.filter((turn) => turn.track === track),
          ENDPOINT_MS,
        );
        const wisprflow = peer({ apiKey: KEY, utterances: turns.map((turn) => turn.text) });
        const frames = await fixture.frames(track);
        const seen = collector(track);

        const session = await createWisprflowTranscriber(
          { apiKey: KEY, url: wisprflow.url },
          { endpointMs: ENDPOINT_MS },
        ).open(seen.options);
        await play(frames, (frame) => session.send(frame));
        await session.close();

        expect(wisprflow.problems()).toEqual([]);
        const committed = wisprflow.sessions.filter((s) => s.committed);
        expect(committed).toHaveLength(turns.length);
        // Only speech (with its pre-roll and trailing silence) is sent, in whole packets.
        expect(wisprflow.totalBytes() % 32_000).toBe(0);
        expect(wisprflow.totalBytes()).toBeLessThan(frames.length * 640);

        const finals = seen.results.filter((r) => r.isFinal);
        expect(finals.map((r) => r.text)).toEqual(turns.map((t) => t.text));
        finals.forEach((final, i) => {
          // The utterance boundaries come from the audio level; the script's times are the truth.
          expect(Math.abs(final.startMs - turns[i]!.startMs)).toBeLessThanOrEqual(100);
          expect(Math.abs(final.endMs - turns[i]!.endMs)).toBeLessThanOrEqual(600);
          expect(final.transcriber).toBe("wisprflow");
          expect(final.confidence).toBeNull();
        });
        const starts = seen.results.map((r) => r.startMs);
        expect(starts).toEqual([...starts].sort((a, b) => a - b));
        expect(seen.results.some((r) => !r.isFinal)).toBe(true);
        expect(seen.errors).toEqual([]);
        expect(seen.closes).toBe(1);
      });
    }
  }

  test("a wrong API key is refused with a clear error that does not repeat the key", async () => {
    const wisprflow = peer({ apiKey: KEY });
    const opening = createWisprflowTranscriber({ apiKey: "fl-wrong-secret", url: wisprflow.url }).open(
      collector().options,
    );
    await expect(opening).rejects.toThrow(
      /^WisprFlow refused the API key \(HTTP 401 from ws:\/\/127\.0\.0\.1:\d+\/api\/v1\/dash\/ws\): check WISPRFLOW_API_KEY$/,
    );
    expect(wisprflow.refused).toBe(1);
  });

  test("a key refused after the auth message (the other way the service might refuse) is a clear error too", async () => {
    const wisprflow = peer({ apiKey: KEY });
    // The peer checks the query first: let that pass, so the auth message's access_token is what fails.
    const transcriber = createWisprflowTranscriber(
      { apiKey: "other", url: wisprflow.url },
      {
        WebSocket: class extends WebSocket {
          constructor(address: string | URL) {
            const target = new URL(address);
            target.searchParams.set("api_key", `Bearer ${KEY}`);
            super(target.toString());
          }
        } as typeof WebSocket,
      },
    );
    await expect(transcriber.open(collector().options)).rejects.toThrow(
      "WisprFlow refused the session: invalid access token (check WISPRFLOW_API_KEY)",
    );
    expect(wisprflow.sessions[0]!.authed).toBe(false);
  });

  test("an unreachable server is a clear error", async () => {
    const wisprflow = peer({ apiKey: KEY });
    const url = wisprflow.url;
    await wisprflow.stop();
    await expect(createWisprflowTranscriber({ apiKey: KEY, url }).open(collector().options)).rejects.toThrow(
      /^WisprFlow could not be reached at ws:\/\/127\.0\.0\.1:\d+\/api\/v1\/dash\/ws \(connection refused\)$/,
    );
  });

  test("the peer dying mid-utterance ends the session with one error and no exception", async () => {
    const fixture = await loadFixture("boiler-leak-tenant");
    const wisprflow = peer({ apiKey: KEY });
    const frames = await fixture.frames("inbound");
    const seen = collector();
    const session = await createWisprflowTranscriber({ apiKey: KEY, url: wisprflow.url }).open(seen.options);
    // Into the caller's first turn (4.9 s to 12.2 s): packets are flowing.
    await play(frames.slice(0, 400), (frame) => session.send(frame));
    await until(() => wisprflow.totalBytes() > 0, 2000, "audio at the peer");
    wisprflow.kill();
    await until(() => seen.errors.length > 0, 2000, "the drop");
    expect(seen.errors).toHaveLength(1);
    expect(seen.errors[0]!.message).toMatch(/^WisprFlow connection dropped \(close code \d+/);
    expect(seen.closes).toBe(1);
    for (const frame of frames.slice(400, 450)) session.send(frame);
    await session.close();
    expect(seen.closes).toBe(1);
  });

  test("the peer dying between utterances is noticed when the next utterance cannot connect", async () => {
    const fixture = await loadFixture("boiler-leak-tenant");
    const wisprflow = peer({ apiKey: KEY });
    const frames = await fixture.frames("inbound");
    const seen = collector();
    const session = await createWisprflowTranscriber({ apiKey: KEY, url: wisprflow.url }).open(seen.options);
    // 14 s: the caller's first turn is final and they are silent until 16.1 s.
    await play(frames.slice(0, 700), (frame) => session.send(frame));
    await until(() => seen.results.some((r) => r.isFinal), 2000, "the first final");
    wisprflow.kill();
    await play(frames.slice(700, 900), (frame) => session.send(frame));
    await until(() => seen.errors.length > 0, 2000, "the failure");
    expect(seen.errors.map((e) => e.message)).toEqual([
      expect.stringMatching(
        /^WisprFlow could not be reached at ws:\/\/127\.0\.0\.1:\d+\/api\/v1\/dash\/ws \(connection refused\)$/,
      ),
    ]);
    expect(seen.closes).toBe(1);
    await session.close();
  });
});
