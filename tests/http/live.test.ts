import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Call } from "../../src/domain/calls.ts";
import type { Lead } from "../../src/domain/leads.ts";
import { CALLS_CHANNEL, callChannel } from "../../src/domain/live-call/channels.ts";
import { publishMessage } from "../../src/domain/messaging/live.ts";
import type { E164 } from "../../src/domain/phone.ts";
import type { Repositories } from "../../src/ports/database.ts";
import { freshPglite } from "../support/test-db.ts";
import { aLead } from "../support/jobs.ts";
import { aStaffUser, buildTestApp, ORIGIN, testBrowser } from "../support/test-app.ts";
import { readSse, type SseMessage } from "../support/sse.ts";

let repos: Repositories;
let world: ReturnType<typeof buildTestApp>;
let browser: ReturnType<typeof testBrowser>;
let staff: { email: string; password: string };
let call: Call;
let otherCall: Call;
let lead: Lead;

const aCall = (sid: string) =>
  repos.calls.record({
    providerCallId: sid,
    direction: "inbound",
    from: "+447700900123",
    to: "+442079460000",
    leadId: null,
    status: "in-progress",
    startedAt: new Date(),
  });

beforeAll(async () => {
  repos = await freshPglite();
  world = buildTestApp(repos);
  world.deps.settings.heartbeatMs = 60_000;
  staff = await aStaffUser(world.deps);
  browser = testBrowser(world.app);
  await browser.logIn(staff.email, staff.password);
  call = await aCall("CA0000000000000000000000000000bbb1");
  otherCall = await aCall("CA0000000000000000000000000000bbb2");
  lead = await repos.leads.create(aLead({ phone: "+447700900111" as E164 }));
}, 30_000);
afterAll(async () => repos?.close());

/** What /live sends: JSON in every message's data (comments aside). */
interface Wire {
  ready?: Record<string, number>;
  topic?: string;
  id?: number;
  messages?: { event: string; data: string }[];
}
const wire = (seen: SseMessage[]) =>
  seen.filter((m) => !m.comment).map((m) => ({ ...(JSON.parse(m.data) as Wire), sseId: m.id }));

const segment = async (target: Call, text: string) => {
  const stored = await repos.calls.addSegment({
    callId: target.id,
    track: "inbound",
    text,
    startMs: 0,
    endMs: 1000,
    isFinal: true,
    confidence: 0.9,
  });
  return world.deps.liveEvents.publish(callChannel(target.id), { type: "segment", data: stored });
};

describe("GET /live: every topic a page listens to on one stream", () => {
  test("needs a login", async () => {
    const response = await world.app.request(`${ORIGIN}/live?topic=calls`, { redirect: "manual" });
    expect(response.status).toBe(303);
  });

  test("refuses a missing, unknown or malformed topic with the reason", async () => {
    const none = await browser.request("/live");
    expect(none.status).toBe(400);
    expect(await none.text()).toContain("Name at least one topic");
    const unknown = await browser.request("/live?topic=calls&topic=everything");
    expect(unknown.status).toBe(400);
    expect(await unknown.text()).toContain("Unknown topic &quot;everything&quot;");
    expect((await browser.request("/live?topic=call:")).status).toBe(400);
    expect((await browser.request("/live?topic=call:../../etc")).status).toBe(400);
    const after = await browser.request(`/live?topic=call:${call.id}&after=forty`);
    expect(after.status).toBe(400);
    expect(await after.text()).toContain("after:");
    const tooMany = Array.from({ length: 21 }, (_, i) => `topic=lead:${i}`).join("&");
    expect((await browser.request(`/live?${tooMany}`)).status).toBe(400);
  });

  test("a call or lead that no longer exists is named gone and the stream carries the rest (one stale tab stops no other)", async () => {
    const goneCall = "call:00000000-0000-4000-8000-000000000000";
    const goneLead = "lead:00000000-0000-4000-8000-000000000000";
    const response = await browser.request(`/live?topic=${goneCall}&topic=call:${call.id}&topic=${goneLead}`);
    expect(response.status).toBe(200);
    const reading = readSse(response, (seen) => wire(seen).some((m) => m.topic === `call:${call.id}`));
    await Bun.sleep(20);
    const said = await segment(call, "Still live beside a deleted call.");
    const [ready, line] = wire(await reading);
    expect(ready!.ready).toEqual({ [`call:${call.id}`]: expect.any(Number) });
    expect((ready as Wire & { gone?: string[] }).gone).toEqual([goneCall, goneLead]);
    expect(line!.id).toBe(said.id);
  });

  test("carries each topic's events, each marked with its topic, and nothing of topics not asked for", async () => {
    const topics = ["calls", "inbox", `call:${call.id}`, `lead:${lead.id}`];
    const response = await browser.request(`/live?${topics.map((t) => `topic=${t}`).join("&")}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("text/event-stream");
    const reading = readSse(response, (seen) => wire(seen).filter((m) => m.topic).length >= 4);
    await Bun.sleep(20);
    await segment(otherCall, "Not for this stream.");
    await world.deps.liveEvents.publish(CALLS_CHANNEL, {
      type: "call",
      data: { callId: call.id, status: "in-progress" },
    });
    const said = await segment(call, "My boiler is leaking.");
    await publishMessage(world.deps.liveEvents, { id: "m1", leadId: lead.id }, "added");
    const [ready, ...events] = wire(await reading);

    // First where each topic starts, in the data and in the SSE id a reconnecting browser sends back.
    expect(Object.keys(ready!.ready!).sort()).toEqual([...topics].sort());
    expect(ready!.sseId!.split(",").sort()).toEqual(topics.map((t) => `${t}=${ready!.ready![t]}`).sort());
    expect(events.map((m) => m.topic)).toEqual(["calls", `call:${call.id}`, "inbox", `lead:${lead.id}`]);
    // The fragments the call page swaps in, under the names its sse-swap attributes listen for.
    const line = events[1]!;
    expect(line.id).toBe(said.id);
    expect(line.messages!.map((m) => m.event)).toEqual(["transcript", "interim-inbound"]);
    expect(line.messages![0]!.data).toContain("My boiler is leaking.");
    expect(events[0]!.messages).toEqual([{ event: "calls-changed", data: "" }]);
    expect(events[2]!.messages![0]!.event).toBe("message");
    // Each message's SSE id is every topic's place after it.
    expect(events[3]!.sseId).toContain(`call:${call.id}=${said.id}`);
    expect(events[3]!.sseId).toContain(`lead:${lead.id}=${events[3]!.id}`);
    expect(JSON.stringify(events)).not.toContain("Not for this stream.");
  });

  test("replays a call's topic after the id the page was drawn at, and a reconnecting browser's Last-Event-ID wins", async () => {
    const first = await segment(call, "First line.");
    await segment(call, "Second line.");
    await segment(call, "Third line.");
    const texts = (seen: ReturnType<typeof wire>) =>
      seen.filter((m) => m.topic === `call:${call.id}`).map((m) => m.messages![0]!.data.match(/(\w+) line\./)?.[1]);

    const drawn = await browser.request(`/live?topic=call:${call.id}&topic=calls&after=call:${call.id}=${first.id}`);
    const replayed = wire(await readSse(drawn, (seen) => wire(seen).filter((m) => m.topic).length >= 2, 2000));
    expect(replayed[0]!.ready![`call:${call.id}`]).toBe(first.id);
    expect(texts(replayed)).toEqual(["Second", "Third"]);

    // The browser's own reconnection: the last id it saw names the place in every topic.
    const resumed = await browser.request(`/live?topic=call:${call.id}&topic=calls&after=call:${call.id}=0`, {
      headers: { "Last-Event-ID": `call:${call.id}=${first.id + 1},calls=0` },
    });
    const again = wire(await readSse(resumed, (seen) => wire(seen).filter((m) => m.topic).length >= 2, 600));
    expect(texts(again)).toEqual(["Third"]);
  });

  test("a place it can no longer replay from (before a restart) tells the pages of that topic to reload", async () => {
    const response = await browser.request(`/live?topic=call:${call.id}&after=call:${call.id}=999999`);
    const seen = wire(await readSse(response, (all) => wire(all).some((m) => m.topic), 2000));
    expect(seen[1]).toMatchObject({ topic: `call:${call.id}`, messages: [{ event: "reload", data: "" }] });
    expect(seen[0]!.ready![`call:${call.id}`]).toBe(world.deps.liveEvents.lastId(callChannel(call.id)));
  });

  test("ends at once when its session logs out", async () => {
    const viewer = testBrowser(world.app);
    await viewer.logIn(staff.email, staff.password);
    const stream = await viewer.request("/live?topic=calls&topic=inbox");
    expect(stream.status).toBe(200);
    const reader = stream.body!.getReader();
    await reader.read(); // ": connected"
    const ended = (async () => {
      for (;;) if ((await reader.read()).done) return "ended";
    })();
    expect((await viewer.post("/logout", { _csrf: viewer.csrf })).status).toBe(303);
    expect(await Promise.race([ended, Bun.sleep(3000).then(() => "still open")])).toBe("ended");
  });
});
