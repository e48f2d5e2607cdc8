/**
 * Out of hours, end to end: the call simulator plays the burst-pipe fixture against the running
 * app (signed webhooks, the media-stream WebSocket, the demo transcript through the rules
 * extractor), with an engineer on call. The emergency is heard mid-call and the on-call
 * engineer and the office are texted once each, through the outbox.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { join } from "node:path";
import type { E164 } from "../../src/domain/phone.ts";
import { DEFAULT_WORKING_WEEK } from "../../src/domain/scheduling/engineers.ts";
import { londonWallTime } from "../../src/domain/scheduling/london-clock.ts";
import { emergencyKeyPrefix } from "../../src/domain/scheduling/on-call-routing.ts";
import { SHIPPED_FIXTURES_DIR } from "../../src/fixtures.ts";
import { playCall } from "../../src/simulator/play-call.ts";
import { startLiveServer, type LiveServer } from "../support/running-server.ts";
import { alicePipe } from "../support/engineers.ts";
import { eventually } from "./helpers.ts";

const OFFICE = "+447700900001";
const ALICE = "+447700900777" as E164;
let server: LiveServer;

beforeAll(async () => {
  server = await startLiveServer({ STAFF_PHONE_NUMBERS: OFFICE });
  const { repos } = server.deps;
  const alice = await repos.engineers.create(alicePipe({ phone: ALICE }));
  // Whatever the real clock says: the office opens only on a weekday that is not today.
  const today = londonWallTime(new Date()).weekday;
  await repos.onCall.setOfficeHours(
    DEFAULT_WORKING_WEEK.map((_, day) => (day === (today + 3) % 7 ? { start: 480, end: 1020 } : null)),
    { who: "test" },
  );
  const period = {
    engineerId: alice.userId,
    startsAt: new Date(Date.now() - 3600_000),
    endsAt: new Date(Date.now() + 3 * 3600_000),
  };
  await repos.onCall.addPeriod(period, () => ({ ok: true, value: null }), { who: "test" });
}, 60_000);
afterAll(async () => server?.stop(), 30_000);

test("an out-of-hours emergency call rings the on-call engineer and texts them and the office once each", async () => {
  const result = await playCall({
    baseUrl: server.baseUrl,
    authToken: server.deps.twilio.authToken,
    fixtureDir: join(SHIPPED_FIXTURES_DIR, "burst-pipe-agent"),
    speed: 20,
    demoTranscript: true,
  });
  expect(result.ended).toBe("completed");
  const routed = server.logs.find((l) => l.msg === "call routed");
  expect(routed).toMatchObject({ routedTo: "on_call", callId: result.callId });

  const texts = await eventually(async () => {
    const found = await server.deps.repos.messages.byKeyPrefix(emergencyKeyPrefix(result.callId!));
    if (found.length < 2) throw new Error(`${found.length} emergency texts so far`);
    return found;
  }, 15_000);
  expect(texts.map((t) => t.address).sort()).toEqual([OFFICE, ALICE].sort());
  expect(texts.every((t) => t.body?.startsWith("EMERGENCY call from") && t.leadId === null)).toBe(true);
  expect(texts.every((t) => t.body?.includes(`/calls/${result.callId}`))).toBe(true);
  // The filing's last extraction hears the emergency again: still two.
  await eventually(() => {
    if (!server.logs.some((l) => l.msg === "media stream ended")) throw new Error("stream still open");
  }, 15_000);
  expect((await server.deps.repos.messages.byKeyPrefix(emergencyKeyPrefix(result.callId!))).length).toBe(2);
  // No log line carries either number.
  expect(JSON.stringify(server.logs)).not.toContain("7700900777");
  expect(JSON.stringify(server.logs)).not.toContain("7700900001");
}, 60_000);
