/**
 * The voice cache in front of the real ElevenLabs adapter on its loopback peer: the peer's
 * request log shows what was synthesised and when.
 */
import { afterEach, beforeAll, describe, expect, test } from "bun:test";
import { cachedVoice, type CachedVoice } from "../../../src/adapters/audio/cached-voice.ts";
import { createElevenLabsVoice } from "../../../src/adapters/elevenlabs/elevenlabs-voice.ts";
import { startElevenLabsPeer, toneUlaw, type ElevenLabsPeer } from "../../support/elevenlabs-peer.ts";

// The SDK takes seconds to import on a busy machine: once, before the timed tests.
beforeAll(() => import("@elevenlabs/elevenlabs-js"), 60_000);

const KEY = "xi-right";
const OPENING = "Hello, this is an automated assistant calling for Switchboard.";
const PROMPT = "Press 1 or say yes to confirm.";
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function setUp(peerOptions: Partial<Parameters<typeof startElevenLabsPeer>[0]> = {}, maxBytes?: number) {
  const peer = startElevenLabsPeer({ apiKey: KEY, audio: toneUlaw(0.5), ...peerOptions });
  const inner = createElevenLabsVoice({ apiKey: KEY, voiceId: "v1", baseUrl: peer.baseUrl });
  const voice = cachedVoice(inner, { phrases: [OPENING, PROMPT], ...(maxBytes ? { maxBytes } : {}) });
  cleanups.push(peer.close, voice.close);
  return { peer, voice };
}
const spoken = (peer: ElevenLabsPeer) => peer.requests.map((r) => r.body?.text);
async function bytesOf(voice: CachedVoice, text: string, signal?: AbortSignal): Promise<Buffer> {
  const frames: Uint8Array[] = [];
  for await (const frame of voice.speak(text, signal)) frames.push(frame);
  return Buffer.concat(frames);
}

describe("cachedVoice (ElevenLabs loopback peer behind it)", () => {
  test("makes the phrases ahead, one after another, and replays the same bytes without asking again", async () => {
    const { peer, voice } = setUp();
    await voice.ready();
    expect(spoken(peer)).toEqual([OPENING, PROMPT]);
    expect(voice.stats()).toEqual({ phrases: 2, cached: 2, bytes: 2 * 4000, maxBytes: 2 * 1024 * 1024 });

    const first = await bytesOf(voice, OPENING);
    const second = await bytesOf(voice, ` ${OPENING} `);
    expect(first.length).toBe(4000);
    expect(Buffer.compare(first, Buffer.from(toneUlaw(0.5)))).toBe(0);
    expect(Buffer.compare(second, first)).toBe(0);
    expect(peer.requests).toHaveLength(2);
  });

  test("other text passes through to the voice every time", async () => {
    const { peer, voice } = setUp();
    await voice.ready();
    await bytesOf(voice, "Your visit is on Tuesday.");
    await bytesOf(voice, "Your visit is on Tuesday.");
    expect(spoken(peer).slice(2)).toEqual(["Your visit is on Tuesday.", "Your visit is on Tuesday."]);
  });

  test("a phrase asked for while it is being made plays as it arrives, from the one request", async () => {
    const { peer, voice } = setUp({ holdAfterFirst: true, chunkBytes: 800 });
    const iterator = voice.speak(OPENING)[Symbol.asyncIterator]();
    const first = await iterator.next();
    expect(first.done).toBe(false);
    expect(peer.streams[0]!.finished).toBe(false);
    peer.release();
    let frames = 1;
    while (!(await iterator.next()).done) frames++;
    expect(frames).toBe(25);
    await voice.ready();
    expect(spoken(peer)).toEqual([OPENING, PROMPT]);
  });

  test("a listener who barges in stops listening, not the making: the line is still kept", async () => {
    const { peer, voice } = setUp({ chunkBytes: 160, chunkEveryMs: 5 });
    const controller = new AbortController();
    let frames = 0;
    for await (const _ of voice.speak(OPENING, controller.signal)) if (++frames === 2) controller.abort();
    expect(frames).toBe(2);
    await voice.ready();
    expect(voice.stats().cached).toBe(2);
    expect((await bytesOf(voice, OPENING)).length).toBe(4000);
    expect(peer.requests).toHaveLength(2);
  });

  test("memory is bounded: a line that would go over the budget is played but not kept", async () => {
    // Room for one half-second line (4000 bytes), not two.
    const { peer, voice } = setUp({}, 6000);
    await voice.ready();
    expect(voice.stats()).toMatchObject({ cached: 1, bytes: 4000 });
    expect((await bytesOf(voice, PROMPT)).length).toBe(4000);
    expect((await bytesOf(voice, PROMPT)).length).toBe(4000);
    expect(spoken(peer)).toEqual([OPENING, PROMPT, PROMPT, PROMPT]);
  });

  test("a line that failed ahead is made again when needed, and then kept", async () => {
    const { peer, voice } = setUp();
    peer.failNext(1, 401);
    await voice.ready();
    expect(voice.stats().cached).toBe(1);
    expect((await bytesOf(voice, OPENING)).length).toBe(4000);
    expect((await bytesOf(voice, OPENING)).length).toBe(4000);
    expect(spoken(peer)).toEqual([OPENING, PROMPT, OPENING]);
  });

  test("prepare() adds lines later, after those being made, and never makes one twice", async () => {
    const { peer, voice } = setUp();
    const later = "Shall we text the link again?";
    await voice.prepare([later, OPENING, `${later} `]);
    expect(spoken(peer)).toEqual([OPENING, PROMPT, later]);
    expect(voice.stats().cached).toBe(3);
    await bytesOf(voice, later);
    expect(peer.requests).toHaveLength(3);
  });

  test("the first prepare() loads the voice itself, once", async () => {
    const peer = startElevenLabsPeer({ apiKey: KEY });
    const inner = createElevenLabsVoice({ apiKey: KEY, voiceId: "v1", baseUrl: peer.baseUrl });
    let warmed = 0;
    const voice = cachedVoice(inner, { warm: () => warmed++ });
    cleanups.push(peer.close, voice.close);
    expect(warmed).toBe(0);
    await voice.prepare([]);
    await voice.prepare([PROMPT]);
    expect(warmed).toBe(1);
    expect(peer.requests).toHaveLength(1);
  });

  test("a voice that cannot speak fails the listener with its own reason", async () => {
    const peer = startElevenLabsPeer({ apiKey: KEY });
    const inner = createElevenLabsVoice({ apiKey: "xi-wrong", voiceId: "v1", baseUrl: peer.baseUrl });
    const voice = cachedVoice(inner, { phrases: [OPENING] });
    cleanups.push(peer.close, voice.close);
    await voice.ready();
    expect(voice.stats().cached).toBe(0);
    expect(await bytesOf(voice, OPENING).catch((e: Error) => e.message)).toContain("ELEVENLABS_API_KEY");
  });
});
