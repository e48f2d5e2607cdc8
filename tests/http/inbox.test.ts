import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import pino from "pino";
import { startTaskRunner } from "../../src/adapters/local/task-runner.ts";
import type { OpenDatabase } from "../../src/adapters/db/database.ts";
import type { Lead } from "../../src/domain/leads.ts";
import type { E164 } from "../../src/domain/phone.ts";
import { freshPglite } from "../support/test-db.ts";
import { aLead } from "../support/jobs.ts";
import {
  aStaffUser,
  buildTestApp,
  ORIGIN,
  signedTwilioPost,
  TEST_TWILIO_TOKEN,
  testBrowser,
} from "../support/test-app.ts";
import { TEST_WHATSAPP_APP_SECRET } from "../support/messaging-world.ts";
import { signedDelivery, textMessage } from "../support/meta-peer.ts";
import { readSse } from "../support/sse.ts";

let repos: OpenDatabase;
let world: ReturnType<typeof buildTestApp>;
let browser: ReturnType<typeof testBrowser>;
let sarah: Lead;
let tom: Lead;

const runJobs = async () => {
  const r = startTaskRunner(
    { tasks: repos.tasks, log: pino({ level: "silent" }), now: world.clock.now },
    world.messagingTasks,
    { autoStart: false },
  );
  await r.runDue();
  await r.stop();
};
const whatsapp = async (waId: string, id: string, body: string, minutesAgo = 0) => {
  const { body: raw, headers } = signedDelivery(
    textMessage({ waId, name: "Someone" }, id, body, new Date(world.clock.now().getTime() - minutesAgo * 60_000)),
    TEST_WHATSAPP_APP_SECRET,
  );
  expect(
    (await world.app.request(`${ORIGIN}/api/whatsapp/webhook`, { method: "POST", headers, body: raw })).status,
  ).toBe(200);
};
const sms = async (from: string, sid: string, body: string) => {
  const params = { MessageSid: sid, From: from, To: "+442079460000", Body: body, NumMedia: "0" };
  const response = await signedTwilioPost(world.app, "/api/twilio/sms", params);
  expect(response.status).toBe(200);
};

beforeAll(async () => {
  repos = await freshPglite();
  world = buildTestApp(repos);
  const staff = await aStaffUser(world.deps);
  browser = testBrowser(world.app);
  await browser.logIn(staff.email, staff.password);
  sarah = await repos.leads.create(aLead({ phone: "+447700900111" as E164 }));
  tom = await repos.leads.create(aLead({ name: "Tom Baker", phone: "+447700900222" as E164, segment: "landlord" }));
  await whatsapp("447700900111", "wamid.S1", "The tap is dripping", 30);
  await whatsapp("447700900111", "wamid.S2", "Any news?", 20);
  await sms("+447700900222", "SM00000000000000000000000000000001", "Can you quote for a fence?");
  await runJobs();
}, 30_000);
afterAll(async () => repos?.close());

describe("the inbox", () => {
  test("needs a login", async () => {
    expect((await world.app.request(`${ORIGIN}/inbox`, { redirect: "manual" })).status).toBe(303);
  });

  test("lists conversations across both channels, newest first, with unread counts", async () => {
    const { response, html } = await browser.page("/inbox");
    expect(response.status).toBe(200);
    expect(html.indexOf("Tom Baker")).toBeLessThan(html.indexOf("Sarah Jones"));
    expect(html).toContain("3 unread");
    expect(html).toMatch(/Sarah Jones<\/strong><\/a> <span class="badge urgent">2 unread/);
    expect(html).toContain("Any news?");
    expect(html).toContain('sse-connect="/live?topic=inbox"');
    expect(html).toContain('href="/inbox"');
  });

  test("filters by channel and searches names and message text; htmx gets the list alone", async () => {
    const sms = await browser.page("/inbox?channel=sms");
    expect(sms.html).toContain("Tom Baker");
    expect(sms.html).not.toContain("Sarah Jones");
    const search = await browser.request("/inbox?q=dripping", { headers: { "HX-Request": "true" } });
    const fragment = await search.text();
    expect(fragment).toContain("Sarah Jones");
    expect(fragment).not.toContain("Tom Baker");
    expect(fragment).not.toContain("<html");
    expect(search.headers.get("Vary")).toContain("HX-Request");
    expect((await browser.page("/inbox?q=07700%20900222")).html).toContain("Tom Baker");
  });

  test("opening a conversation shows the thread and the reply box, and marks it read", async () => {
    const { html } = await browser.page(`/inbox/${sarah.id}`);
    expect(html).toContain("The tap is dripping");
    expect(html).toContain("Any news?");
    expect(html).toContain(`hx-post="/leads/${sarah.id}/messages"`);
    expect(html).toContain(`sse-connect="/live?topic=lead:${sarah.id}"`);
    expect((await browser.page("/inbox")).html).toContain("1 unread");
  });

  test("a timeline link to a message leads to its conversation", async () => {
    const message = await repos.messages.byProviderId("whatsapp", "wamid.S1");
    const response = await browser.request(`/inbox/${message!.id}`);
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe(`/inbox/${sarah.id}#msg-${message!.id}`);
    expect((await browser.request(`/inbox/00000000-0000-0000-0000-000000000000`)).status).toBe(404);
  });

  test("updates live: a new message is announced on /inbox/events and on the conversation's stream", async () => {
    const inbox = await browser.request("/inbox/events");
    expect(inbox.headers.get("Content-Type")).toContain("text/event-stream");
    const thread = await browser.request(`/inbox/${tom.id}/events`);
    const readingInbox = readSse(inbox, (seen) => seen.some((m) => m.event === "message"));
    const readingThread = readSse(thread, (seen) => seen.some((m) => m.event === "message"));
    await Bun.sleep(20);
    await sms("+447700900222", "SM00000000000000000000000000000002", "Hello again");
    const [a, b] = await Promise.all([readingInbox, readingThread]);
    expect(JSON.parse(a.find((m) => m.event === "message")!.data)).toMatchObject({ leadId: tom.id, change: "added" });
    expect(JSON.parse(b.find((m) => m.event === "message")!.data)).toMatchObject({ leadId: tom.id });
    const fragment = await browser.request(`/inbox/${tom.id}/thread`, { headers: { "HX-Request": "true" } });
    expect(await fragment.text()).toContain("Hello again");
  });

  test("the lead page carries the latest messages and the reply box; the timeline lists messages", async () => {
    const page = await browser.page(`/leads/${sarah.id}`);
    expect(page.html).toContain(`hx-get="/leads/${sarah.id}/conversation"`);
    expect(page.html).toContain("Any news?");
    const { html } = await browser.page(`/leads/${sarah.id}/conversation`);
    expect(html).toContain("The tap is dripping");
    expect(html).toContain('name="channel"');
    expect(html).toContain("Open the conversation");
  });

  test("a reply that breaks the rules is refused beside the box, with a reason", async () => {
    const response = await browser.post(
      `/leads/${sarah.id}/messages`,
      { _csrf: browser.csrf, channel: "sms", text: "" },
      { "HX-Request": "true" },
    );
    expect(response.status).toBe(422);
    expect(await response.text()).toContain("Write a message first.");
    const noChannel = await browser.post(
      `/leads/${sarah.id}/messages`,
      { _csrf: browser.csrf, channel: "pigeon", text: "hi" },
      { "HX-Request": "true" },
    );
    expect(noChannel.status).toBe(422);
    const forged = await browser.post(`/leads/${sarah.id}/messages`, { channel: "sms", text: "hi" });
    expect(forged.status).toBe(403);
  });

  test("Inbox is in the navigation", async () => {
    expect((await browser.page("/")).html).toContain('<a href="/inbox"');
  });
});
