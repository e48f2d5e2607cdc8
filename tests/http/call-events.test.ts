import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Call } from "../../src/domain/calls.ts";
import type { Repositories } from "../../src/ports/database.ts";
import { callChannel } from "../../src/domain/live-call/channels.ts";
import { freshPglite } from "../support/test-db.ts";
import { aStaffUser, buildTestApp, ORIGIN, testBrowser } from "../support/test-app.ts";
import { readSse } from "../support/sse.ts";

let repos: Repositories;
let world: ReturnType<typeof buildTestApp>;
let browser: ReturnType<typeof testBrowser>;
let call: Call;

beforeAll(async () => {
  repos = await freshPglite();
  world = buildTestApp(repos);
  world.deps.settings.heartbeatMs = 200;
  const staff = await aStaffUser(world.deps);
  browser = testBrowser(world.app);
  await browser.logIn(staff.email, staff.password);
  call = await repos.calls.record({
    providerCallId: "CA0000000000000000000000000000aaaa",
    direction: "inbound",
    from: "+447700900123",
    to: "+442079460000",
    leadId: null,
    status: "in-progress",
    startedAt: new Date(),
  });
}, 30_000);
afterAll(async () => repos?.close());

const say = async (track: "inbound" | "outbound", text: string, startMs: number) => {
  const segment = await repos.calls.addSegment({
    callId: call.id,
    track,
    text,
    startMs,
    endMs: startMs + 1000,
    isFinal: true,
    confidence: 0.9,
  });
  await world.deps.liveEvents.publish(callChannel(call.id), { type: "segment", data: segment });
};

describe("GET /calls/:id/events", () => {
  test("needs a login", async () => {
    const response = await world.app.request(`${ORIGIN}/calls/${call.id}/events`, { redirect: "manual" });
    expect(response.status).toBe(303);
  });

  test("a logged-in viewer gets interim text, then the final line replacing it, each with an id", async () => {
    const response = await browser.request(`/calls/${call.id}/events`);
    expect(response.headers.get("Content-Type")).toContain("text/event-stream");
    const reading = readSse(response, (seen) => seen.filter((m) => m.event?.startsWith("interim")).length >= 2);
    await Bun.sleep(20);
    await world.deps.liveEvents.publish(callChannel(call.id), {
      type: "interim",
      data: { track: "inbound", text: "my boiler is", startMs: 0 },
    });
    await say("inbound", "My boiler is leaking.", 0);
    const seen = (await reading).filter((m) => !m.comment);
    expect(seen.map((m) => m.event)).toEqual(["interim-inbound", "transcript", "interim-inbound"]);
    expect(seen[0]!.data).toContain("my boiler is…");
    expect(seen[1]!.data).toContain("My boiler is leaking.");
    expect(seen[1]!.data).toContain('class="line caller"');
    expect(seen[2]!.data).toBe("");
    expect(Number(seen[1]!.id)).toBeGreaterThan(Number(seen[0]!.id));
  });

  test("a reconnect with Last-Event-ID gets exactly what it missed, no repeats", async () => {
    const first = await browser.request(`/calls/${call.id}/events`);
    const reading = readSse(first, (seen) => seen.filter((m) => m.event === "transcript").length >= 1);
    await Bun.sleep(20);
    await say("outbound", "Is the water near anything electrical?", 2000);
    const before = await reading;
    const lastId = before.filter((m) => m.id).at(-1)!.id!;

    await say("inbound", "No, just the floor.", 4000);
    await say("outbound", "We'll send someone now.", 6000);

    const again = await browser.request(`/calls/${call.id}/events`, { headers: { "Last-Event-ID": lastId } });
    const resumed = (
      await readSse(again, (seen) => seen.filter((m) => m.event === "transcript").length >= 2, 2000)
    ).filter((m) => m.event === "transcript");
    expect(resumed.map((m) => m.data.match(/:<\/span> (.*)<\/p>/)?.[1])).toEqual([
      "No, just the floor.",
      "We&#39;ll send someone now.",
    ]);
    expect(new Set(resumed.map((m) => m.id)).size).toBe(2);
  });

  test("idle streams get heartbeats", async () => {
    const response = await browser.request(`/calls/${call.id}/events`);
    const seen = await readSse(response, (s) => s.some((m) => m.comment === "heartbeat"), 3000);
    expect(seen.some((m) => m.comment === "heartbeat")).toBe(true);
  });

  test("a status change updates the page and, when the call ends, tells it to stop listening", async () => {
    const response = await browser.request(`/calls/${call.id}/events`);
    const reading = readSse(response, (seen) => seen.some((m) => m.event === "ended"));
    await Bun.sleep(20);
    await world.deps.liveEvents.publish(callChannel(call.id), {
      type: "status",
      data: { status: "completed", answeredAt: null, endedAt: new Date().toISOString(), durationSeconds: 75 },
    });
    const seen = await reading;
    expect(seen.find((m) => m.event === "status")!.data).toContain("Completed");
    expect(seen.find((m) => m.event === "status")!.data).toContain(">1:15</span>");
  });

  test('after the call ends the stream carries the filing (caller card, job) and then "filed": the page closes once it has both', async () => {
    const { html } = await browser.page(`/calls/${call.id}`);
    // The page does not stop at "ended": it waits for "filed", or gives up a bounded while after "ended".
    expect(html).toContain('data-close-when="ended filed"');
    expect(html).not.toContain('sse-close="ended"');
    expect(html).toContain('data-close-after-ended="60000"');
    const response = await browser.request(`/calls/${call.id}/events`);
    const reading = readSse(response, (seen) => seen.some((m) => m.event === "filed"));
    await Bun.sleep(20);
    const channel = callChannel(call.id);
    await world.deps.liveEvents.publish(channel, {
      type: "status",
      data: { status: "completed", answeredAt: null, endedAt: new Date().toISOString(), durationSeconds: 75 },
    });
    await world.deps.liveEvents.publish(channel, {
      type: "caller",
      data: {
        call: { from: call.from, startedAt: call.startedAt.toISOString(), transcriber: null, summary: null },
        lead: null,
      },
    });
    await world.deps.liveEvents.publish(channel, {
      type: "intake",
      data: { issueId: "00000000-0000-4000-8000-000000000001", title: "Leaking boiler", created: true },
    });
    await world.deps.liveEvents.publish(channel, { type: "filed", data: { ok: true } });
    const events = (await reading).filter((m) => !m.comment).map((m) => m.event);
    expect(events).toEqual(["status", "ended", "caller", "caller-name", "intake", "filed"]);
  });

  test("the call page drawn mid-call shows what was said so far and resumes the stream after it", async () => {
    const { html } = await browser.page(`/calls/${call.id}`);
    expect(html).toContain("My boiler is leaking.");
    const lastId = world.deps.liveEvents.lastId(callChannel(call.id));
    expect(html).toContain(`sse-connect="/live?topic=call:${call.id}&amp;after=call:${call.id}=${lastId}"`);
  });

  test("an unknown call's stream is a 404", async () => {
    const response = await browser.request("/calls/00000000-0000-4000-8000-000000000000/events");
    expect(response.status).toBe(404);
  });
});
