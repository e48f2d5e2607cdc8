/**
 * A simulated call against the running server (real sockets: signed webhooks, the media-stream
 * WebSocket, SSE) moves the call series GET /metrics reports, read from the scrape text before,
 * during and after the call; and every line logged about the call carries its CallSid.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { SHIPPED_FIXTURES_DIR } from "../../src/fixtures.ts";
import { loadCallFixture } from "../../src/simulator/fixture.ts";
import { playCall } from "../../src/simulator/play-call.ts";
import { sampleValue } from "../support/prometheus-text.ts";
import { startLiveServer, type LiveServer } from "../support/running-server.ts";
import { aStaffUser } from "../support/test-app.ts";
import { eventually, logIn, openEvents } from "./helpers.ts";

const TOKEN = "metrics-token-for-e2e-0123456789";
const BOILER = join(SHIPPED_FIXTURES_DIR, "boiler-leak-tenant");
const fixture = loadCallFixture(BOILER);

let server: LiveServer;
let cookie: string;

beforeAll(async () => {
  server = await startLiveServer({ METRICS_TOKEN: TOKEN });
  const staff = await aStaffUser(server.deps);
  cookie = await logIn(server.baseUrl, staff.email, staff.password);
}, 60_000);
afterAll(async () => server?.stop());

const scrape = async () => {
  const response = await fetch(`${server.baseUrl}/metrics`, { headers: { Authorization: `Bearer ${TOKEN}` } });
  expect(response.status).toBe(200);
  return response.text();
};

describe("a simulated call, as the metrics see it", () => {
  test("calls in progress, media frames, transcript latency, webhooks and SSE viewers move with the call", async () => {
    const before = await scrape();
    const during: Promise<string>[] = [];
    let viewer: ReturnType<typeof openEvents> | undefined;
    const result = await playCall({
      baseUrl: server.baseUrl,
      authToken: server.deps.twilio.authToken,
      fixtureDir: BOILER,
      speed: 20,
      demoTranscript: true,
      log: (event) => {
        if (event.type === "answered") viewer = openEvents(`${server.baseUrl}/calls/${event.callId}/events`, cookie);
        // Mid-call, once: the stream is open and frames are flowing.
        if (event.type === "progress" && during.length === 0) during.push(scrape());
      },
    });
    expect(result.ended).toBe("completed");
    const sse = await viewer!;
    await sse.waitFor((e) => e.event === "filed");
    const mid = await during[0]!;
    expect(sampleValue(mid, "switchboard_calls_in_progress")).toBe(
      (sampleValue(before, "switchboard_calls_in_progress") ?? 0) + 1,
    );
    expect(sampleValue(mid, "switchboard_sse_viewers")).toBeGreaterThanOrEqual(1);

    const call = (await server.deps.repos.calls.byProviderId(result.callSid))!;
    const lines = await server.deps.repos.calls.transcript(call.id);
    expect(lines.length).toBeGreaterThan(0);
    const after = await eventually(async () => {
      const text = await scrape();
      expect(sampleValue(text, "switchboard_calls_in_progress")).toBe(
        sampleValue(before, "switchboard_calls_in_progress"),
      );
      return text;
    });
    const delta = (name: string, labels: Record<string, string> = {}) =>
      (sampleValue(after, name, labels) ?? 0) - (sampleValue(before, name, labels) ?? 0);

    expect(delta("switchboard_media_frames_received_total")).toBe(2 * fixture.frameCount);
    // One latency a final line, under the transcriber that gave it (the demo script here).
    expect(delta("switchboard_transcriber_result_latency_seconds_count", { transcriber: "demo" })).toBe(lines.length);
    // The voice webhook and three status callbacks; the media stream's upgrade.
    expect(delta("switchboard_webhooks_total", { provider: "twilio-voice", outcome: "accepted" })).toBe(4);
    expect(delta("switchboard_webhooks_total", { provider: "twilio-media-stream", outcome: "accepted" })).toBe(1);

    const viewersWatching = sampleValue(after, "switchboard_sse_viewers")!;
    sse.close();
    await eventually(async () =>
      expect(sampleValue(await scrape(), "switchboard_sse_viewers")).toBe(viewersWatching - 1),
    );
  });

  test("every line logged about the call's media stream carries its CallSid", async () => {
    const result = await playCall({
      baseUrl: server.baseUrl,
      authToken: server.deps.twilio.authToken,
      fixtureDir: BOILER,
      speed: 20,
      demoTranscript: true,
    });
    const ended = await eventually(() => {
      const line = server.logs.find((l) => l.msg === "media stream ended" && l.callSid === result.callSid);
      if (!line) throw new Error("the stream has not ended yet");
      return line;
    });
    expect(ended.streamSid).toBe(result.streamSid);
    const about = server.logs.filter((l) => l.callSid === result.callSid).map((l) => l.msg);
    expect(about).toEqual(expect.arrayContaining(["call arriving", "media stream started", "media stream ended"]));
    // The webhooks' own request lines too (voice and status callbacks).
    expect(about.filter((msg) => msg === "request").length).toBeGreaterThanOrEqual(4);
  });
});
