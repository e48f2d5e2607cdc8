/**
 * A live call end to end: the call simulator plays a fixture against the running app (real
 * loopback sockets for the webhooks, the media-stream WebSocket and SSE), as Twilio would.
 * The SSE parts exercise GET /calls/:id/events (the live call view's stream).
 */
import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import type { Call } from "../../src/domain/calls.ts";
import type { E164 } from "../../src/domain/phone.ts";
import { SimulatorError } from "../../src/simulator/errors.ts";
import { SHIPPED_FIXTURES_DIR } from "../../src/fixtures.ts";
import { frameAt, loadCallFixture } from "../../src/simulator/fixture.ts";
import { connectMediaStream } from "../../src/simulator/media-stream-client.ts";
import { answerCall, playCall, type PlayCallResult } from "../../src/simulator/play-call.ts";
import { mediaStreamMessages, postSigned, statusParams, twilioSid } from "../../src/simulator/twilio-wire.ts";
import type { LiveServer } from "../support/running-server.ts";
import { eventually, openEvents, textOf, type SseClient, withRunningServer } from "./helpers.ts";

const BOILER = join(SHIPPED_FIXTURES_DIR, "boiler-leak-tenant");
const fixture = loadCallFixture(BOILER);
const turns = fixture.turns!;

let server: LiveServer;
let cookie: string;
const streamUrl = () => `${server.baseUrl.replace(/^http/, "ws")}/api/twilio/media-stream`;
const authToken = () => server.deps.twilio.authToken;
const byProviderId = async (callSid: string) => (await server.deps.repos.calls.byProviderId(callSid))!;
const streamEnded = (callSid: string) =>
  eventually(() => {
    const line = server.logs.find((l) => l.msg === "media stream ended" && l.callSid === callSid);
    if (!line) throw new Error(`no "media stream ended" logged for ${callSid}`);
    return line;
  });

withRunningServer((running, staffCookie) => ((server = running), (cookie = staffCookie)));

describe("a call played through the running server, watched over SSE", () => {
  let result: PlayCallResult;
  let sse: SseClient;
  let streamStoppedAt = 0;

  test("the call is stored against the caller's lead, transcribed in spoken order on both tracks, and seen live by a logged-in viewer", async () => {
    const seen: { viewer?: Promise<SseClient> } = {};
    result = await playCall({
      baseUrl: server.baseUrl,
      authToken: authToken(),
      fixtureDir: BOILER,
      speed: 20,
      demoTranscript: true,
      log: (event) => {
        // A viewer opens the call page as it rings; Last-Event-ID 0 = from the call's first event.
        if (event.type === "answered")
          seen.viewer = openEvents(`${server.baseUrl}/calls/${event.callId}/events`, cookie, "0");
        if (event.type === "stream-end") streamStoppedAt = performance.now();
      },
    });
    expect(seen.viewer).toBeDefined();
    sse = await seen.viewer!;
    expect(sse.status).toBe(200);

    expect(result).toMatchObject({
      ended: "completed",
      framesSent: { inbound: fixture.frameCount, outbound: fixture.frameCount },
    });
    expect(result.callSid).toMatch(/^CA[0-9a-f]{32}$/);
    expect(result.streamSid).toMatch(/^MZ[0-9a-f]{32}$/);
    expect(result.messagesSent).toBe(1 + 2 * fixture.frameCount + 1); // start, media × 2 tracks, stop
    expect(result.statuses).toEqual([
      { status: "ringing", httpStatus: 204 },
      { status: "in-progress", httpStatus: 204 },
      { status: "completed", httpStatus: 204 },
    ]);

    const call = await byProviderId(result.callSid);
    expect(call.id).toBe(result.callId!);
    const lead = await server.deps.repos.leads.byPhone(fixture.from as E164);
    expect(lead).not.toBeNull();
    expect(call).toMatchObject({
      leadId: lead!.id,
      from: fixture.from,
      status: "completed",
      durationSeconds: 33,
      transcriber: "demo transcript",
    });
    expect(call.answeredAt).not.toBeNull();
    expect(call.endedAt).not.toBeNull();

    const transcript = await eventually(async () => {
      const segments = await server.deps.repos.calls.transcript(call.id);
      expect(segments).toHaveLength(turns.length);
      return segments;
    });
    expect(transcript.map((s) => [s.track, s.text])).toEqual(turns.map((t) => [t.track, t.text]));
    expect(transcript.map((s) => s.startMs)).toEqual(turns.map((t) => t.startMs));
    expect(new Set(transcript.map((s) => s.track))).toEqual(new Set(["inbound", "outbound"]));

    await sse.waitFor((e) => e.event === "ended");
    const lines = sse.events.filter((e) => e.event === "transcript");
    expect(lines.map((e) => textOf(e.data))).toEqual(turns.map((t) => expect.stringContaining(t.text)));
    // As they happen: most lines reached the viewer while the audio was still streaming.
    expect(lines[0]!.at).toBeLessThan(streamStoppedAt);
    expect(lines.filter((e) => e.at < streamStoppedAt).length).toBeGreaterThanOrEqual(turns.length - 2);
    expect(sse.events.some((e) => e.event === "interim-inbound" && e.data !== "")).toBe(true);
    expect(sse.events.some((e) => e.event === "interim-outbound" && e.data !== "")).toBe(true);
    expect(textOf(sse.events.find((e) => e.event === "transcriber")!.data).toLowerCase()).toContain("demo transcript");
    const ids = sse.events.filter((e) => e.id !== null).map((e) => Number(e.id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(sse.events.filter((e) => e.event === "status").length).toBeGreaterThanOrEqual(2); // in-progress, completed
  });

  test("a viewer that reconnects with Last-Event-ID gets what it missed, once; one not logged in gets nothing", async () => {
    const lines = sse.events.filter((e) => e.event === "transcript");
    const resumed = await openEvents(`${server.baseUrl}/calls/${result.callId}/events`, cookie, lines[2]!.id!);
    try {
      await resumed.waitFor(() => resumed.events.filter((e) => e.event === "transcript").length === 3);
      await Bun.sleep(100);
      expect(resumed.events.filter((e) => e.event === "transcript").map((e) => e.id)).toEqual(
        lines.slice(3).map((e) => e.id),
      );
      expect(resumed.events.every((e) => Number(e.id) > Number(lines[2]!.id))).toBe(true);
    } finally {
      resumed.close();
    }
    const stranger = await fetch(`${server.baseUrl}/calls/${result.callId}/events`, {
      headers: { Accept: "text/event-stream" },
      redirect: "manual",
    });
    expect(stranger.status).not.toBe(200);
    expect(await stranger.text()).not.toContain("event:");
  });

  test("repeated and late status callbacks change nothing and publish nothing", async () => {
    const before = await byProviderId(result.callSid);
    const eventsBefore = sse.events.length;
    const call = { callSid: result.callSid, accountSid: result.accountSid, from: fixture.from, to: fixture.to };
    for (const [status, duration] of [
      ["completed", 99],
      ["in-progress", undefined],
      ["ringing", undefined],
      ["completed", 33],
    ] as const) {
      const response = await postSigned(
        `${server.baseUrl}/api/twilio/status`,
        authToken(),
        statusParams(call, status, 9, duration),
      );
      expect(response.status).toBe(204);
    }
    expect(await byProviderId(result.callSid)).toEqual(before);
    await Bun.sleep(50);
    expect(sse.events.slice(eventsBefore)).toEqual([]);
    sse.close();
  });
});

describe("signatures", () => {
  test("a voice webhook unsigned, or signed with another token, gets 403 and stores nothing", async () => {
    const callSid = twilioSid("CA");
    const params = {
      CallSid: callSid,
      AccountSid: twilioSid("AC"),
      From: "+447700900777",
      To: fixture.to,
      CallStatus: "ringing",
      Direction: "inbound",
    };
    const unsigned = await fetch(`${server.baseUrl}/api/twilio/voice`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(params).toString(),
    });
    expect(unsigned.status).toBe(403);
    expect((await postSigned(`${server.baseUrl}/api/twilio/voice`, "another-accounts-token", params)).status).toBe(403);
    expect(await server.deps.repos.calls.byProviderId(callSid)).toBeNull();
    expect(await server.deps.repos.leads.byPhone("+447700900777" as E164)).toBeNull();
  });

  test("the media-stream upgrade without a valid signature gets 403", async () => {
    for (const signature of [null, "bm90IGEgc2lnbmF0dXJl"]) {
      const refused = await connectMediaStream(streamUrl(), authToken(), { signature }).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(SimulatorError);
      expect(refused).toMatchObject({ kind: "refused", status: 403 });
    }
    const otherToken = await connectMediaStream(streamUrl(), "another-accounts-token").catch((e: unknown) => e);
    expect(otherToken).toMatchObject({ kind: "refused", status: 403 });
  });

  test("a start with a wrong streamToken, or for a CallSid we do not know, is closed with a reason", async () => {
    const call = await answerCall({
      baseUrl: server.baseUrl,
      authToken: authToken(),
      from: "+447700900778",
      to: fixture.to,
    });
    const attempts = [
      {
        callSid: call.callSid,
        parameters: { ...call.stream.parameters, streamToken: "forged" },
        reason: "stream parameters do not belong to this call",
      },
      { callSid: twilioSid("CA"), parameters: call.stream.parameters, reason: "no call with this CallSid" },
    ];
    for (const attempt of attempts) {
      const stream = await connectMediaStream(call.stream.url, authToken());
      const m = mediaStreamMessages({
        streamSid: twilioSid("MZ"),
        callSid: attempt.callSid,
        accountSid: call.accountSid,
      });
      stream.send(m.connected());
      stream.send(m.start(["inbound", "outbound"], attempt.parameters));
      expect(await stream.closed).toEqual({ code: 1008, reason: attempt.reason, byServer: true });
    }
    expect(await server.deps.repos.calls.transcript(call.callId!)).toEqual([]);
  });
});

describe("one stream per call, and streams that end badly", () => {
  test("a second stream for the same CallSid is refused while the first runs; the first carries on until the caller hangs up", async () => {
    const hangUp = new AbortController();
    const seen: { first?: { callSid: string; url: string; parameters: Record<string, string> } } = {};
    const playing = playCall({
      baseUrl: server.baseUrl,
      authToken: authToken(),
      fixtureDir: BOILER,
      speed: 6,
      demoTranscript: true,
      signal: hangUp.signal,
      log: (event) => {
        if (event.type === "answered")
          seen.first = { callSid: event.callSid, url: event.stream.url, parameters: event.stream.parameters };
      },
    });
    await eventually(() =>
      expect(server.logs.some((l) => l.msg === "media stream started" && l.callSid === seen.first?.callSid)).toBe(true),
    );
    const { callSid, url, parameters } = seen.first!;
    const call = await byProviderId(callSid);

    const second = await connectMediaStream(url, authToken());
    const m = mediaStreamMessages({ streamSid: twilioSid("MZ"), callSid, accountSid: twilioSid("AC") });
    second.send(m.connected());
    second.send(m.start(["inbound", "outbound"], { ...parameters, demoScript: fixture.name }));
    for (let i = 0; i < 50; i++) second.send(m.media("inbound", i * 20, frameAt(fixture.inbound, i)));
    expect(await second.closed).toEqual({
      code: 1008,
      reason: "a stream for this call is already open",
      byServer: true,
    });

    await eventually(async () =>
      expect((await server.deps.repos.calls.transcript(call.id)).length).toBeGreaterThanOrEqual(2),
    );
    hangUp.abort();
    const result = await playing;
    expect(result.ended).toBe("hung-up");
    expect(result.audioMs).toBeLessThan(fixture.durationMs);
    const ended = await streamEnded(callSid);
    expect(ended).toMatchObject({ why: "stop message", received: result.framesSent });
    const segments = await server.deps.repos.calls.transcript(call.id);
    expect(segments.map((s) => s.text)).toEqual(turns.filter((t) => t.endMs <= result.audioMs).map((t) => t.text));
    expect(await byProviderId(callSid)).toMatchObject({
      status: "completed",
      durationSeconds: Math.round(result.audioMs / 1000),
    });
  });

  test("a socket dropped mid-call ends the session cleanly; the call keeps what was transcribed", async () => {
    const result = await playCall({
      baseUrl: server.baseUrl,
      authToken: authToken(),
      fixtureDir: BOILER,
      speed: 20,
      demoTranscript: true,
      dropStreamAfterMs: 17_000,
    });
    expect(result).toMatchObject({
      ended: "stream-dropped",
      audioMs: 17_000,
      framesSent: { inbound: 850, outbound: 850 },
    });
    expect(await streamEnded(result.callSid)).toMatchObject({
      why: "socket closed",
      received: { inbound: 850, outbound: 850 },
    });
    const call: Call = await byProviderId(result.callSid);
    expect(call).toMatchObject({ status: "completed", transcriber: "demo transcript" });
    const segments = await server.deps.repos.calls.transcript(call.id);
    expect(segments.map((s) => s.text)).toEqual(turns.slice(0, 3).map((t) => t.text)); // the turns finished by 17 s
    // The same caller again: the same lead, found rather than created.
    const lead = await server.deps.repos.leads.byPhone(fixture.from as E164);
    expect(call.leadId).toBe(lead!.id);
  });

  test("media before start, bad JSON, bad base64, unknown events and binary frames are dropped without ending the good call", async () => {
    const call = await answerCall({
      baseUrl: server.baseUrl,
      authToken: authToken(),
      from: "+447700900779",
      to: fixture.to,
    });
    const stream = await connectMediaStream(call.stream.url, authToken());
    const streamSid = twilioSid("MZ");
    const early = mediaStreamMessages({ streamSid, callSid: call.callSid, accountSid: call.accountSid });
    stream.send(early.media("inbound", 0, frameAt(fixture.inbound, 0))); // before start
    const m = mediaStreamMessages({ streamSid, callSid: call.callSid, accountSid: call.accountSid });
    stream.send(m.connected());
    stream.send(m.start(["inbound", "outbound"], { ...call.stream.parameters, demoScript: fixture.name }));
    const junk: Record<number, string | ArrayBuffer> = {
      100: "this is not JSON {",
      200: JSON.stringify({
        event: "media",
        sequenceNumber: "9999",
        streamSid,
        media: { track: "inbound", chunk: "1", timestamp: "4000", payload: "!!not base64!!" },
      }),
      300: JSON.stringify({ event: "transcribe-this", sequenceNumber: "9998", streamSid }),
      400: m.mark("greeting-played"),
      500: m.dtmf("5"),
      600: new Uint8Array([1, 2, 3]).buffer,
    };
    for (let i = 0; i < fixture.frameCount; i++) {
      const extra = junk[i];
      if (extra !== undefined) stream.send(extra);
      stream.send(m.media("inbound", i * 20, frameAt(fixture.inbound, i)));
      stream.send(m.media("outbound", i * 20, frameAt(fixture.outbound, i)));
      if (i % 100 === 99) {
        await stream.drained(0);
        await Bun.sleep(1);
      }
    }
    expect(stream.isOpen).toBe(true);
    stream.send(m.stop());
    expect(await stream.close()).toMatchObject({ byServer: false });

    expect(await streamEnded(call.callSid)).toMatchObject({
      why: "stop message",
      received: { inbound: fixture.frameCount, outbound: fixture.frameCount },
    });
    const segments = await server.deps.repos.calls.transcript(call.callId!);
    expect(segments.map((s) => s.text)).toEqual(turns.map((t) => t.text));
    const dropped = server.logs
      .filter((l) => l.callSid === call.callSid && l.msg === "media message dropped")
      .map((l) => String(l.reason));
    expect(dropped).toEqual([
      expect.stringContaining("not JSON"),
      expect.stringContaining("base64"),
      expect.stringContaining('unknown event "transcribe-this"'),
      expect.stringContaining("binary frame"),
    ]);
    expect(server.logs.some((l) => l.msg === "media before start dropped")).toBe(true);
  });
});
