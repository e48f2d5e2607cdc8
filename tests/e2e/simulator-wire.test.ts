/**
 * The call simulator's wire format, checked against a loopback peer that records what it is
 * sent and checks every signature with the twilio package, as Switchboard does: the voice
 * webhook, status callbacks, and the Media Streams messages exactly as Twilio documents them.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ServerWebSocket } from "bun";
import twilio from "twilio";
import { SimulatorError } from "../../src/simulator/errors.ts";
import { playCall } from "../../src/simulator/play-call.ts";

const TOKEN = "peer-auth-token-0123456789abcdef";
type Received = { message: Record<string, unknown>; at: number };

/** What the peer does with the media stream: take it all, close it after N media messages, or refuse the upgrade. */
let mode: { kind: "accept" } | { kind: "close-after"; media: number } | { kind: "refuse" } = { kind: "accept" };
const webhooks: { path: string; params: Record<string, string> }[] = [];
let streams: Received[][] = [];
let peer: ReturnType<typeof Bun.serve<{ received: Received[] }>>;
let base: string;
let dir: string;

beforeAll(() => {
  peer = Bun.serve<{ received: Received[] }>({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(request, server) {
      const url = new URL(request.url);
      const signature = request.headers.get("X-Twilio-Signature") ?? "";
      if (url.pathname === "/media") {
        if (
          mode.kind === "refuse" ||
          !twilio.validateRequest(TOKEN, signature, `ws://127.0.0.1:${server.port}/media?leg=a`, {})
        )
          return new Response("Signature says no.", { status: 403 });
        const received: Received[] = [];
        streams.push(received);
        return server.upgrade(request, { data: { received } })
          ? undefined
          : new Response("Upgrade failed", { status: 400 });
      }
      const params = Object.fromEntries(new URLSearchParams(await request.text()));
      if (!twilio.validateRequest(TOKEN, signature, `${base}${url.pathname}`, params))
        return new Response("bad signature", { status: 403 });
      webhooks.push({ path: url.pathname, params });
      if (url.pathname === "/api/twilio/status") return new Response(null, { status: 204 });
      const response = new twilio.twiml.VoiceResponse();
      const stream = response
        .start()
        .stream({ url: `ws://127.0.0.1:${server.port}/media?leg=a`, track: "both_tracks" });
      stream.parameter({ name: "callId", value: "call-1" });
      stream.parameter({ name: "note", value: `a & b <"c">` });
      response.say("Connecting you.");
      return new Response(response.toString(), { headers: { "Content-Type": "text/xml" } });
    },
    websocket: {
      message(ws: ServerWebSocket<{ received: Received[] }>, raw) {
        const message = JSON.parse(String(raw)) as Record<string, unknown>;
        ws.data.received.push({ message, at: performance.now() });
        const media = ws.data.received.filter((r) => r.message.event === "media").length;
        if (mode.kind === "close-after" && media === mode.media) ws.close(1008, "enough of that");
      },
    },
  });
  base = `http://127.0.0.1:${peer.port}`;
  // 7 frames of caller audio (the last one short), 5 of staff audio: both are padded to 7 frames.
  dir = mkdtempSync(join(tmpdir(), "sb-sim-wire-"));
  writeFileSync(join(dir, "inbound.ulaw"), new Uint8Array(1000).fill(0x11));
  writeFileSync(join(dir, "outbound.ulaw"), new Uint8Array(800).fill(0x22));
});
afterAll(() => {
  void peer?.stop(true);
  rmSync(dir, { recursive: true, force: true });
});

function reset(next: typeof mode) {
  mode = next;
  webhooks.length = 0;
  streams = [];
}

describe("the call simulator on the wire", () => {
  test("signed webhooks with Twilio's parameters; connected, start, media per track, stop — numbered as Twilio numbers them", async () => {
    reset({ kind: "accept" });
    const result = await playCall({
      baseUrl: base,
      authToken: TOKEN,
      fixtureDir: dir,
      speed: Infinity,
      demoTranscript: true,
    });

    expect(webhooks.map((w) => [w.path, w.params.CallStatus])).toEqual([
      ["/api/twilio/voice", "ringing"],
      ["/api/twilio/status", "ringing"],
      ["/api/twilio/status", "in-progress"],
      ["/api/twilio/status", "completed"],
    ]);
    const voice = webhooks[0]!.params;
    expect(voice).toMatchObject({
      CallSid: result.callSid,
      AccountSid: result.accountSid,
      Direction: "inbound",
      ApiVersion: "2010-04-01",
      From: "+447700900000",
      To: "+442079460000",
    });
    expect(voice.CallSid).toMatch(/^CA[0-9a-f]{32}$/);
    expect(voice.AccountSid).toMatch(/^AC[0-9a-f]{32}$/);
    expect(webhooks.slice(1).map((w) => w.params.SequenceNumber)).toEqual(["0", "1", "2"]);
    expect(webhooks[3]!.params).toMatchObject({ CallbackSource: "call-progress-events", CallDuration: "0" });
    expect(webhooks[2]!.params.CallDuration).toBeUndefined();

    expect(streams).toHaveLength(1);
    const messages = streams[0]!.map((r) => r.message);
    expect(messages[0]).toEqual({ event: "connected", protocol: "Call", version: "1.0.0" });
    expect(messages[1]).toEqual({
      event: "start",
      sequenceNumber: "1",
      start: {
        accountSid: result.accountSid,
        streamSid: result.streamSid,
        callSid: result.callSid,
        tracks: ["inbound", "outbound"],
        customParameters: { callId: "call-1", note: `a & b <"c">`, demoScript: dir.split("/").pop() },
        mediaFormat: { encoding: "audio/x-mulaw", sampleRate: 8000, channels: 1 },
      },
      streamSid: result.streamSid,
    });
    const media = messages.slice(2, -1) as {
      event: string;
      sequenceNumber: string;
      streamSid: string;
      media: { track: string; chunk: string; timestamp: string; payload: string };
    }[];
    expect(media).toHaveLength(14);
    expect(media.map((m) => m.sequenceNumber)).toEqual(media.map((_, i) => String(i + 2)));
    expect(media.every((m) => m.event === "media" && m.streamSid === result.streamSid)).toBe(true);
    for (const track of ["inbound", "outbound"]) {
      const frames = media.filter((m) => m.media.track === track);
      expect(frames.map((m) => m.media.chunk)).toEqual(["1", "2", "3", "4", "5", "6", "7"]);
      expect(frames.map((m) => m.media.timestamp)).toEqual(["0", "20", "40", "60", "80", "100", "120"]);
      expect(frames.every((m) => Buffer.from(m.media.payload, "base64").byteLength === 160)).toBe(true);
    }
    // Both tracks of a 20 ms slot go out together, caller first.
    expect(media.slice(0, 4).map((m) => `${m.media.track}:${m.media.chunk}`)).toEqual([
      "inbound:1",
      "outbound:1",
      "inbound:2",
      "outbound:2",
    ]);
    const lastInbound = Buffer.from(media.at(-2)!.media.payload, "base64");
    expect(
      [...lastInbound.subarray(0, 40)].every((b) => b === 0x11) &&
        [...lastInbound.subarray(40)].every((b) => b === 0xff),
    ).toBe(true);
    const fifthOutbound = Buffer.from(media.filter((m) => m.media.track === "outbound")[5]!.media.payload, "base64");
    expect([...fifthOutbound].every((b) => b === 0xff)).toBe(true);
    expect(messages.at(-1)).toEqual({
      event: "stop",
      sequenceNumber: "16",
      stop: { accountSid: result.accountSid, callSid: result.callSid },
      streamSid: result.streamSid,
    });
    expect(result).toMatchObject({
      ended: "completed",
      framesSent: { inbound: 7, outbound: 7 },
      messagesSent: 16,
      audioMs: 140,
      callId: "call-1",
      pageUrl: `${base}/calls/call-1`,
    });
  });

  test("frames are paced in real time, scaled by speed", async () => {
    reset({ kind: "accept" });
    const long = mkdtempSync(join(tmpdir(), "sb-sim-pace-"));
    try {
      writeFileSync(join(long, "inbound.ulaw"), new Uint8Array(160 * 50).fill(0x33)); // 1 s
      writeFileSync(join(long, "outbound.ulaw"), new Uint8Array(160 * 50).fill(0x44));
      await playCall({ baseUrl: base, authToken: TOKEN, fixtureDir: long, speed: 2 });
    } finally {
      rmSync(long, { recursive: true, force: true });
    }
    const media = streams[0]!.filter((r) => r.message.event === "media");
    const spread = media.at(-1)!.at - media[0]!.at;
    expect(spread).toBeGreaterThan(440); // 49 frames × 20 ms ÷ 2 = 490 ms
    expect(spread).toBeLessThan(900);
  });

  test("the caller hanging up stops the stream and completes the call with the time so far", async () => {
    reset({ kind: "accept" });
    const hangUp = new AbortController();
    const long = mkdtempSync(join(tmpdir(), "sb-sim-hangup-"));
    try {
      writeFileSync(join(long, "inbound.ulaw"), new Uint8Array(160 * 500).fill(0x33)); // 10 s
      writeFileSync(join(long, "outbound.ulaw"), new Uint8Array(160 * 500).fill(0x44));
      setTimeout(() => hangUp.abort(), 300);
      const result = await playCall({
        baseUrl: base,
        authToken: TOKEN,
        fixtureDir: long,
        speed: 2,
        signal: hangUp.signal,
      });
      expect(result.ended).toBe("hung-up");
      expect(result.audioMs).toBeGreaterThan(0);
      expect(result.audioMs).toBeLessThan(5000);
      expect(streams[0]!.at(-1)!.message.event).toBe("stop");
      expect(webhooks.at(-1)!.params).toMatchObject({
        CallStatus: "completed",
        CallDuration: String(Math.round(result.audioMs / 1000)),
      });
    } finally {
      rmSync(long, { recursive: true, force: true });
    }
  });

  test("a stream the server closes, or will not open, is a readable error; the call still completes", async () => {
    reset({ kind: "close-after", media: 4 });
    const closed = await playCall({ baseUrl: base, authToken: TOKEN, fixtureDir: dir, speed: 1 }).catch(
      (e: unknown) => e,
    );
    expect(closed).toBeInstanceOf(SimulatorError);
    expect(closed).toMatchObject({
      kind: "stream-closed",
      message: expect.stringContaining("code 1008: enough of that"),
    });
    expect(webhooks.at(-1)!.params.CallStatus).toBe("completed");

    reset({ kind: "refuse" });
    const refused = await playCall({ baseUrl: base, authToken: TOKEN, fixtureDir: dir }).catch((e: unknown) => e);
    expect(refused).toMatchObject({
      kind: "refused",
      status: 403,
      message: expect.stringContaining("403: Signature says no."),
    });
    expect(webhooks.at(-1)!.params.CallStatus).toBe("completed");

    reset({ kind: "accept" });
    const wrongToken = await playCall({ baseUrl: base, authToken: "not-the-token", fixtureDir: dir }).catch(
      (e: unknown) => e,
    );
    expect(wrongToken).toMatchObject({
      kind: "refused",
      status: 403,
      message: expect.stringContaining("/api/twilio/voice (403: bad signature)"),
    });
    expect(webhooks).toEqual([]);
  });
});
