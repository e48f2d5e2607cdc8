/**
 * Two instances of Switchboard on one real PostgreSQL, each composed as `npm start` composes it
 * (composeDeps, Bun.serve on loopback): a call streamed into instance A is watched live by a
 * staff member logged in to instance B, through the LISTEN/NOTIFY live events.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { SHIPPED_FIXTURES_DIR } from "../../src/fixtures.ts";
import { loadCallFixture } from "../../src/simulator/fixture.ts";
import { playCall } from "../../src/simulator/play-call.ts";
import { postSigned } from "../../src/simulator/twilio-wire.ts";
import type { LiveServer } from "../support/running-server.ts";
import { openEvents, textOf, withTwoInstances, type SseClient } from "./helpers.ts";

const BOILER = join(SHIPPED_FIXTURES_DIR, "boiler-leak-tenant");
const turns = loadCallFixture(BOILER).turns!;

let a: LiveServer;
let b: LiveServer;
let cookieOnB: string;
withTwoInstances("two_instances", (started, other, cookie) => {
  a = started;
  b = other;
  cookieOnB = cookie;
});

describe("a call streamed into instance A, watched on instance B", () => {
  test("B's viewer sees the transcript lines as they are said, the details panel, caller card and status, then ended and filed", async () => {
    expect(a.deps.repos.kind).toBe("PostgreSQL");
    const list = await openEvents(`${b.baseUrl}/calls/events`, cookieOnB);
    const seen: { viewer?: Promise<SseClient> } = {};
    let streamStoppedAt = 0;
    const result = await playCall({
      baseUrl: a.baseUrl,
      authToken: a.deps.twilio.authToken,
      fixtureDir: BOILER,
      speed: 20,
      demoTranscript: true,
      log: (event) => {
        if (event.type === "answered")
          seen.viewer = openEvents(`${b.baseUrl}/calls/${event.callId}/events`, cookieOnB, "0");
        if (event.type === "stream-end") streamStoppedAt = performance.now();
      },
    });
    expect(result.ended).toBe("completed");
    const viewer = await seen.viewer!;
    try {
      expect(viewer.status).toBe(200);
      await viewer.waitFor((e) => e.event === "ended");
      await viewer.waitFor((e) => e.event === "filed");
      // The rest of the page too: words as they are said, the details panel, the caller card, status.
      const kinds = new Set(viewer.events.map((e) => e.event));
      for (const kind of ["interim-inbound", "interim-outbound", "details", "caller", "intake", "status"]) {
        expect(kinds).toContain(kind);
      }
      const lines = viewer.events.filter((e) => e.event === "transcript");
      // Each line once, in spoken order, whichever instance the viewer is on.
      expect(lines.map((e) => textOf(e.data))).toEqual(turns.map((t) => expect.stringContaining(t.text)));
      // Live, not replayed at the end: most lines reached B while A was still receiving audio.
      expect(lines.filter((e) => e.at < streamStoppedAt).length).toBeGreaterThanOrEqual(turns.length - 2);
      const ids = viewer.events.filter((e) => e.id !== null).map((e) => Number(e.id));
      expect(ids).toEqual([...ids].sort((x, y) => x - y));

      // A browser whose stream to B broke reconnects to A with B's last id: it gets exactly what followed.
      const third = lines[2]!;
      const resumed = await openEvents(`${a.baseUrl}/calls/${result.callId}/events`, cookieOnB, third.id!);
      try {
        await resumed.waitFor(() => resumed.events.filter((e) => e.event === "transcript").length === lines.length - 3);
        await Bun.sleep(100);
        expect(resumed.events.filter((e) => e.event === "transcript").map((e) => e.id)).toEqual(
          lines.slice(3).map((e) => e.id),
        );
      } finally {
        resumed.close();
      }
      // The calls list on B heard of the call A took (ringing, in progress, completed).
      await list.waitFor(() => list.events.filter((e) => e.event === "calls-changed").length >= 3);
    } finally {
      viewer.close();
      list.close();
    }
  }, 60_000);

  test("an SMS that instance A receives appears in the inbox watched on instance B", async () => {
    const inbox = await openEvents(`${b.baseUrl}/inbox/events`, cookieOnB);
    try {
      expect(inbox.status).toBe(200);
      const params = {
        MessageSid: `SM${"7".repeat(32)}`,
        From: "+447700900123",
        To: "+442079460000",
        Body: "Is someone coming about the boiler?",
        NumMedia: "0",
      };
      const response = await postSigned(`${a.baseUrl}/api/twilio/sms`, a.deps.twilio.authToken, params);
      expect(response.status).toBe(200);
      const event = await inbox.waitFor((e) => e.event === "message");
      const stored = await b.deps.repos.messages.byId((JSON.parse(event.data) as { messageId: string }).messageId);
      expect(stored?.body).toBe(params.Body);
    } finally {
      inbox.close();
    }
  }, 30_000);
});
