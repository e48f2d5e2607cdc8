/**
 * A transcriber that cannot connect at the start of a call, through the running server: the
 * live view says it is reconnecting, then transcribes (nothing said meanwhile is lost), or says
 * transcription is unavailable while the call itself goes on to the end.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { createDeepgramTranscriber } from "../../src/adapters/deepgram/deepgram-transcriber.ts";
import { createRetryingTranscriber } from "../../src/adapters/transcription/retrying-transcriber.ts";
import { SHIPPED_FIXTURES_DIR } from "../../src/fixtures.ts";
import { loadCallFixture } from "../../src/simulator/fixture.ts";
import { playCall } from "../../src/simulator/play-call.ts";
import { startDeepgramPeer, type DeepgramPeer } from "../support/deepgram-peer.ts";
import type { LiveServer } from "../support/running-server.ts";
import { openEvents, textOf, type SseClient, withRunningServer } from "./helpers.ts";

const KEY = "dg-loopback-key";
const BOILER = join(SHIPPED_FIXTURES_DIR, "boiler-leak-tenant");
const fixture = loadCallFixture(BOILER);

let server: LiveServer;
let cookie: string;
let peer: DeepgramPeer | null = null;

withRunningServer((running, staffCookie) => ((server = running), (cookie = staffCookie)));
afterEach(async () => {
  await peer?.stop();
  peer = null;
});

/** Deepgram (the loopback peer) as the server's transcriber, retried as src/compose/calls.ts wires it, only quicker. */
function useDeepgram(options: { refuseFirst: number; maxRetries?: number }) {
  peer = startDeepgramPeer({ apiKey: KEY, refuseFirst: options.refuseFirst, msPerWord: 300, wordsPerFinal: 4 });
  const transcriber = createRetryingTranscriber(createDeepgramTranscriber({ apiKey: KEY, url: peer.url }), {
    baseDelayMs: 100,
    maxDelayMs: 200,
    maxRetries: options.maxRetries,
  });
  server.deps.transcription = { forStream: () => transcriber };
}

async function playWatched(onAnswered?: (callId: string) => void) {
  const viewer: { sse?: Promise<SseClient> } = {};
  const result = await playCall({
    baseUrl: server.baseUrl,
    authToken: server.deps.twilio.authToken,
    fixtureDir: BOILER,
    speed: 10,
    log: (event) => {
      if (event.type === "answered") {
        viewer.sse = openEvents(`${server.baseUrl}/calls/${event.callId}/events`, cookie, "0");
        onAnswered?.(event.callId!);
      }
    },
  });
  const sse = await viewer.sse!;
  const notices = async (until: (text: string) => boolean) => {
    await sse.waitFor((e) => e.event === "transcriber" && until(textOf(e.data)), 15_000);
    return sse.events.filter((e) => e.event === "transcriber").map((e) => textOf(e.data));
  };
  return { result, sse, notices };
}

describe("the live view while the transcriber cannot connect", () => {
  test("refused at first, then back: 'reconnecting…', then transcribing, and every frame reaches it", async () => {
    // Both tracks' first handshakes are refused.
    useDeepgram({ refuseFirst: 2 });
    const { result, sse, notices } = await playWatched();
    const shown = await notices((text) => text.startsWith("Transcribing live"));
    sse.close();

    expect(result.ended).toBe("completed");
    expect(shown[0]).toBe("Transcribing live (deepgram).");
    expect(shown).toContainEqual(
      expect.stringMatching(/^Transcriber reconnecting… .*The call goes on; up to 30 s of audio is held for it/),
    );
    expect(shown.at(-1)).toBe("Transcribing live (deepgram).");
    expect(peer!.unavailable).toBe(2);
    expect(peer!.totalBytes()).toBe(2 * fixture.frameCount * 160);
    const segments = await server.deps.repos.calls.transcript(result.callId!);
    expect(segments.length).toBeGreaterThan(10);
    expect(Math.min(...segments.map((s) => s.startMs))).toBe(0);
  }, 60_000);

  test("never back: 'transcription unavailable', and the call still runs to its end", async () => {
    useDeepgram({ refuseFirst: 1000, maxRetries: 2 });
    const { result, sse, notices } = await playWatched();
    const shown = await notices((text) => text.startsWith("Transcription unavailable"));
    await sse.waitFor((e) => e.event === "ended");
    sse.close();

    expect(shown.filter((t) => t.startsWith("Transcriber reconnecting…")).length).toBeGreaterThanOrEqual(2);
    expect(shown.at(-1)).toBe("Transcription unavailable: the transcriber could not be reached. The call goes on.");
    expect(result).toMatchObject({
      ended: "completed",
      framesSent: { inbound: fixture.frameCount, outbound: fixture.frameCount },
    });
    expect(peer!.connections).toHaveLength(0);
    const call = await server.deps.repos.calls.byId(result.callId!);
    expect(call).toMatchObject({ status: "completed" });
    expect(await server.deps.repos.calls.transcript(result.callId!)).toEqual([]);
  }, 60_000);

  test("a page drawn while the transcriber is reconnecting says so, not 'Transcribing live'", async () => {
    useDeepgram({ refuseFirst: 1000, maxRetries: 30 });
    let drawn: Promise<string> | null = null;
    const { result, sse } = await playWatched((callId) => {
      // Someone opens the call page once the live view has said the transcriber is reconnecting.
      drawn = openEvents(`${server.baseUrl}/calls/${callId}/events`, cookie, "0").then(async (watcher) => {
        await watcher.waitFor(
          (e) => e.event === "transcriber" && textOf(e.data).startsWith("Transcriber reconnecting"),
          15_000,
        );
        watcher.close();
        return (await fetch(`${server.baseUrl}/calls/${callId}`, { headers: { Cookie: cookie } })).text();
      });
    });
    sse.close();
    const page = textOf(await drawn!);
    expect(result.ended).toBe("completed");
    expect(page).toMatch(/Transcriber reconnecting… .*The call goes on/);
    expect(page).not.toContain("Transcribing live");
  }, 60_000);
});
