import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import pino from "pino";
import { startTaskRunner } from "../../src/adapters/local/task-runner.ts";
import type { OpenDatabase } from "../../src/adapters/db/database.ts";
import type { Lead } from "../../src/domain/leads.ts";
import type { E164 } from "../../src/domain/phone.ts";
import { freshPglite } from "../support/test-db.ts";
import { startMessagingPeersApp } from "../support/messaging-peers-app.ts";
import {
  aStaffUser,
  buildTestApp,
  ORIGIN,
  signedTwilioPost,
  TEST_TWILIO_TOKEN,
  testBrowser,
} from "../support/test-app.ts";
import { TEST_SMS_FROM, TEST_WHATSAPP_APP_SECRET } from "../support/messaging-world.ts";
import { signedDelivery, statusUpdate, textMessage, type MetaPeer } from "../support/meta-peer.ts";
import { type TwilioPeer } from "../support/twilio-api-peer.ts";

const ACCOUNT = "AC00000000000000000000000000000001";
let repos: OpenDatabase;
let meta: MetaPeer;
let twilioPeer: TwilioPeer;
/** WhatsApp and SMS on their vendors (loopback peers). */
let live: ReturnType<typeof buildTestApp>;
/** The embedded default: no keys. */
let embedded: ReturnType<typeof buildTestApp>;
let browser: ReturnType<typeof testBrowser>;
let embeddedBrowser: ReturnType<typeof testBrowser>;
let staff: Awaited<ReturnType<typeof aStaffUser>>;

const aLead = (phone: string, name = "Sarah Jones") =>
  repos.leads.create({
    name,
    organisation: null,
    phone: phone as E164,
    email: null,
    address: null,
    postcode: null,
    segment: "tenant",
    source: "whatsapp",
    notes: null,
  });

beforeAll(async () => {
  repos = await freshPglite();
  ({ meta, twilioPeer, world: live } = await startMessagingPeersApp(repos, ACCOUNT));
  embedded = buildTestApp(repos);
  staff = await aStaffUser(live.deps);
  browser = testBrowser(live.app);
  await browser.logIn(staff.email, staff.password);
  embeddedBrowser = testBrowser(embedded.app);
  await embeddedBrowser.logIn(staff.email, staff.password);
}, 30_000);
afterAll(async () => {
  await Promise.all([meta?.close(), twilioPeer?.close()]);
  await repos?.close();
});

const runner = (world: ReturnType<typeof buildTestApp>) =>
  startTaskRunner({ tasks: repos.tasks, log: pino({ level: "silent" }), now: world.clock.now }, world.messagingTasks, {
    autoStart: false,
  });
const runJobs = async (world = live) => {
  const r = runner(world);
  await r.runDue();
  await r.stop();
};
const deliver = (payload: unknown) => {
  const { body, headers } = signedDelivery(payload, TEST_WHATSAPP_APP_SECRET);
  return live.app.request(`${ORIGIN}/api/whatsapp/webhook`, { method: "POST", headers, body });
};
const signedTwilio = (path: string, params: Record<string, string>, token = TEST_TWILIO_TOKEN) =>
  signedTwilioPost(live.app, path, params, token);

describe("the embedded default (no keys): the outbox shows what would have been sent and sends nothing", () => {
  test("a reply is queued, then marked 'not sent', saying why; no provider is called", async () => {
    const lead = await aLead("+447700900001");
    const response = await embeddedBrowser.post(
      `/leads/${lead.id}/messages`,
      { _csrf: embeddedBrowser.csrf, channel: "sms", text: "We can come on Tuesday" },
      { "HX-Request": "true" },
    );
    expect(response.status).toBe(200);
    const answer = await response.text();
    expect(answer).toContain("SMS queued, not sent (no Twilio account): it stays in the outbox.");
    const [queued] = await repos.messages.forLead(lead.id);
    // The new message comes back with the box, to be added to the thread on the page at once.
    expect(answer).toContain(`hx-swap-oob="beforeend:#thread-messages-${lead.id}"`);
    expect(answer).toContain(`id="msg-${queued!.id}"`);
    expect(answer).toContain("We can come on Tuesday");
    expect(queued).toMatchObject({
      direction: "outbound",
      channel: "sms",
      status: "queued",
      body: "We can come on Tuesday",
      address: "+447700900001",
    });
    await runJobs(embedded);
    const after = await repos.messages.byId(queued!.id);
    expect(after).toMatchObject({ status: "not_sent", providerId: null });
    expect(after!.error).toBe(
      "This shows what would have been sent. Connect Twilio (Settings → Integrations) to send texts.",
    );
    expect(twilioPeer.requests).toHaveLength(0);
    const { html } = await embeddedBrowser.page(`/inbox/${lead.id}`);
    expect(html).toContain("SMS queued, not sent (no Twilio account)");
    expect(html).toContain("No Twilio account connected: the text stays in the outbox");
    // Words a person understands: no variable names, no "sent (not sent …)".
    expect(html).not.toMatch(/TWILIO_|WHATSAPP_|no keys|sent \(not sent/);
  });
});

describe("a reply shows in its thread at once, in words a person understands", () => {
  test("from the lead page: the answer carries the message for the page's thread, and the thread keeps itself up to date", async () => {
    const lead = await aLead("+447700900011", "Priya Shah");
    const card = await embeddedBrowser.page(`/leads/${lead.id}/conversation`);
    // The thread the answer adds to, listening for status changes of this lead's messages.
    expect(card.html).toContain(`id="thread-messages-${lead.id}"`);
    expect(card.html).toContain(`sse-connect="/live?topic=lead:${lead.id}"`);
    expect(card.html).toContain(`hx-get="/leads/${lead.id}/thread"`);

    const response = await embeddedBrowser.post(
      `/leads/${lead.id}/messages`,
      { _csrf: embeddedBrowser.csrf, channel: "whatsapp", text: "The plumber is on his way" },
      { "HX-Request": "true" },
    );
    expect(response.status).toBe(200);
    const answer = await response.text();
    const [queued] = await repos.messages.forLead(lead.id);
    expect(answer).toContain(
      `<div hx-swap-oob="beforeend:#thread-messages-${lead.id}"><div class="line staff" id="msg-${queued!.id}"`,
    );
    expect(answer).toContain("Not sent: no WhatsApp account connected. It stays in the outbox.");
    expect(answer).toContain(">Queued</span>");

    await runJobs(embedded);
    const thread = await embeddedBrowser.page(`/leads/${lead.id}/thread`);
    expect(thread.html).toContain(`id="msg-${queued!.id}"`);
    expect(thread.html).toContain("Not sent: no WhatsApp account connected");
    expect(thread.html).toContain("Connect WhatsApp (Settings → Integrations) to send WhatsApp messages.");
    expect(thread.html).not.toContain("thread-empty");

    const leadPage = await embeddedBrowser.page(`/leads/${lead.id}`);
    expect(leadPage.html).toContain("WhatsApp template to the customer · Not sent: no WhatsApp account connected");
    expect(leadPage.html).not.toMatch(/WHATSAPP_|no keys|sent \(not sent/);
  });

  test("an empty thread still has the list a first reply is added to", async () => {
    const lead = await aLead("+447700900012", "Tom Reed");
    const { html } = await embeddedBrowser.page(`/leads/${lead.id}/thread`);
    expect(html).toBe(
      `<div class="transcript" id="thread-messages-${lead.id}"><p class="muted thread-empty">No messages yet.</p></div>`,
    );
  });

  test("the SMS box does not describe WhatsApp's 24-hour rule: each note belongs to its channel", async () => {
    const lead = await aLead("+447700900013", "Ann Lee");
    const { html } = await embeddedBrowser.page(`/leads/${lead.id}/conversation`);
    const notes = [...html.matchAll(/<p [^>]*data-for-channel="(\w+)"[^>]*>([^<]*)<\/p>/g)].map(([, c, t]) => [c, t]);
    const sms = notes.filter(([c]) => c === "sms").map(([, t]) => t!);
    const whatsapp = notes.filter(([c]) => c === "whatsapp").map(([, t]) => t!);
    expect(whatsapp.some((t) => t.includes("24 hours"))).toBe(true);
    expect(sms.length).toBeGreaterThan(0);
    expect(sms.some((t) => /24 hours|template|WhatsApp/.test(t))).toBe(false);
    // Any note not tagged with its channel would show under both.
    expect(html).not.toMatch(/<p class="(?:muted|notice)" style="margin:0">[^<]*24 hours/);
  });
});

describe("outbound WhatsApp through the Graph API (loopback peer in Meta's documented format)", () => {
  let lead: Lead;

  test("inside the 24-hour window a reply goes as free text; the reply box says until when", async () => {
    lead = await aLead("+447700900002");
    await deliver(textMessage({ waId: "447700900002" }, "wamid.IN1", "Is someone coming?", live.clock.now()));
    await runJobs();
    const { html } = await browser.page(`/inbox/${lead.id}`);
    expect(html).toContain("WhatsApp: free text until");
    const response = await browser.post(
      `/leads/${lead.id}/messages`,
      { _csrf: browser.csrf, channel: "whatsapp", text: "Yes, at 2pm" },
      { "HX-Request": "true" },
    );
    expect(response.status).toBe(200);
    await runJobs();
    const sent = (await repos.messages.forLead(lead.id)).at(-1)!;
    expect(sent).toMatchObject({ kind: "text", status: "accepted", body: "Yes, at 2pm" });
    expect(sent.providerId).toStartWith("wamid.PEER");
    expect(meta.requests.at(-1)!.json).toMatchObject({
      to: "+447700900002",
      type: "text",
      text: { body: "Yes, at 2pm" },
    });
  });

  test("statuses arriving out of order and repeated only ever move a message forward; a failure's reason is shown", async () => {
    const sent = (await repos.messages.forLead(lead.id)).at(-1)!;
    const who = { waId: "447700900002" };
    for (const status of ["read", "delivered", "sent", "read", "failed"])
      expect((await deliver(statusUpdate(sent.providerId!, status, who))).status).toBe(200);
    await runJobs();
    expect(await repos.messages.byId(sent.id)).toMatchObject({ status: "read", error: null });

    await browser.post(`/leads/${lead.id}/messages`, { _csrf: browser.csrf, channel: "whatsapp", text: "Second one" });
    await runJobs();
    const second = (await repos.messages.forLead(lead.id)).at(-1)!;
    await deliver(statusUpdate(second.providerId!, "sent", who));
    await deliver(
      statusUpdate(second.providerId!, "failed", who, new Date(), {
        code: 131026,
        title: "Message undeliverable",
        details: "Message Undeliverable.",
      }),
    );
    await runJobs();
    expect(await repos.messages.byId(second.id)).toMatchObject({
      status: "failed",
      error: "131026: Message Undeliverable.",
    });
    const { html } = await browser.page(`/inbox/${lead.id}`);
    expect(html).toContain("131026: Message Undeliverable.");
  });

  test("a status that arrives before its send is recorded is kept and applied once the message is known", async () => {
    const message = await live.deps.messaging.messenger.send({
      leadId: lead.id,
      channel: "whatsapp",
      text: "Early bird",
    });
    expect(message.ok).toBe(true);
    const early = "wamid.PEER_EARLY";
    await deliver(statusUpdate(early, "delivered", { waId: "447700900002" }));
    await runJobs(); // the send job runs too, but Meta gave it another id
    const delivery = (await repos.webhookDeliveries.recent(["pending"], 5))[0];
    expect(delivery).toBeDefined(); // still pending: retried
    await repos.messages.update(message.ok ? message.value.id : "", { providerId: early, status: "accepted" });
    live.clock.advanceMinutes(1);
    await runJobs();
    expect(await repos.messages.byId(message.ok ? message.value.id : "")).toMatchObject({ status: "delivered" });
  });

  test("more than 24 hours after the customer last wrote, the reply goes inside the configured template", async () => {
    live.clock.advanceMinutes(25 * 60);
    browser = testBrowser(live.app); // the session idled out meanwhile
    await browser.logIn(staff.email, staff.password);
    const { html } = await browser.page(`/inbox/${lead.id}`);
    expect(html).toContain("this goes inside the approved template “customer_reply”");
    await browser.post(`/leads/${lead.id}/messages`, {
      _csrf: browser.csrf,
      channel: "whatsapp",
      text: "Just checking in",
    });
    await runJobs();
    const sent = (await repos.messages.forLead(lead.id)).at(-1)!;
    expect(sent).toMatchObject({ kind: "template", status: "accepted", body: "Just checking in" });
    expect(meta.requests.at(-1)!.json).toMatchObject({
      type: "template",
      template: {
        name: "customer_reply",
        language: { code: "en_GB" },
        components: [{ type: "body", parameters: [{ type: "text", text: "Just checking in" }] }],
      },
    });
  });

  test("the outbox survives a restart between enqueue and send, and sends exactly once", async () => {
    const before = meta.sentIds.length;
    const queued = await live.deps.messaging.messenger.send({
      leadId: lead.id,
      channel: "whatsapp",
      text: "Sent after a restart",
    });
    expect(queued.ok && queued.value.status).toBe("queued");
    // The process stops here: nothing ran. A new runner (a restarted server) finds the job in the database.
    await runJobs();
    await runJobs();
    expect(meta.sentIds.length).toBe(before + 1);
    expect(await repos.messages.byId(queued.ok ? queued.value.id : "")).toMatchObject({ status: "accepted" });
  });

  test("Meta's 503 is retried with backoff; a send interrupted mid-flight is never sent again", async () => {
    meta.fail("send", { status: 503, code: 131000, message: "Service temporarily unavailable" });
    const queued = await live.deps.messaging.messenger.send({ leadId: lead.id, channel: "whatsapp", text: "Retried" });
    const id = queued.ok ? queued.value.id : "";
    await runJobs();
    expect(await repos.messages.byId(id)).toMatchObject({ status: "queued" });
    expect((await repos.messages.byId(id))!.error).toContain("attempt 1; retrying");
    live.clock.advanceMinutes(1);
    await runJobs();
    expect(await repos.messages.byId(id)).toMatchObject({ status: "accepted", error: null });

    const interrupted = await live.deps.messaging.messenger.send({
      leadId: lead.id,
      channel: "whatsapp",
      text: "Interrupted",
    });
    const iid = interrupted.ok ? interrupted.value.id : "";
    await repos.messages.update(iid, { status: "sending" }); // the process died after claiming it
    const sentBefore = meta.sentIds.length;
    await runJobs();
    expect(meta.sentIds.length).toBe(sentBefore);
    const after = await repos.messages.byId(iid);
    expect(after!.status).toBe("failed");
    expect(after!.error).toContain("never sent twice");
  });
});

describe("SMS through the twilio SDK (pointed at a loopback peer speaking Twilio's REST API)", () => {
  let lead: Lead;
  test("a reply by SMS is created with To, From and Body under the account's credentials", async () => {
    lead = await aLead("+447700900003", "Tom Baker");
    await browser.post(`/leads/${lead.id}/messages`, {
      _csrf: browser.csrf,
      channel: "sms",
      text: "Running 10 minutes late",
    });
    await runJobs();
    const [request] = twilioPeer.requests;
    expect(request!.path).toBe(`/2010-04-01/Accounts/${ACCOUNT}/Messages.json`);
    expect(request!.authorization).toBe(`Basic ${btoa(`${ACCOUNT}:${TEST_TWILIO_TOKEN}`)}`);
    expect(request!.form).toMatchObject({ To: "+447700900003", From: TEST_SMS_FROM, Body: "Running 10 minutes late" });
    const sent = (await repos.messages.forLead(lead.id)).at(-1)!;
    expect(sent.status).toBe("accepted");
    expect(sent.providerId).toMatch(/^SM[0-9a-f]{32}$/);
  });

  test("Twilio's status callbacks (signed) update it; an undelivered text shows Twilio's reason", async () => {
    const sent = (await repos.messages.forLead(lead.id)).at(-1)!;
    expect(
      (
        await signedTwilio("/api/twilio/sms-status", {
          MessageSid: sent.providerId!,
          MessageStatus: "delivered",
          To: "+447700900003",
        })
      ).status,
    ).toBe(204);
    expect(await repos.messages.byId(sent.id)).toMatchObject({ status: "delivered" });
    expect(
      (await signedTwilio("/api/twilio/sms-status", { MessageSid: sent.providerId!, MessageStatus: "sent" })).status,
    ).toBe(204);
    expect(await repos.messages.byId(sent.id)).toMatchObject({ status: "delivered" });
    expect(
      (
        await signedTwilio(
          "/api/twilio/sms-status",
          { MessageSid: sent.providerId!, MessageStatus: "delivered" },
          "forged",
        )
      ).status,
    ).toBe(403);

    twilioPeer.fail({ status: 400, code: 21610, message: "Attempt to send to unsubscribed recipient" });
    await browser.post(`/leads/${lead.id}/messages`, { _csrf: browser.csrf, channel: "sms", text: "Hello?" });
    await runJobs();
    const refused = (await repos.messages.forLead(lead.id)).at(-1)!;
    expect(refused.status).toBe("failed");
    expect(refused.error).toContain("code 21610");

    await browser.post(`/leads/${lead.id}/messages`, { _csrf: browser.csrf, channel: "sms", text: "Third" });
    await runJobs();
    const third = (await repos.messages.forLead(lead.id)).at(-1)!;
    await signedTwilio("/api/twilio/sms-status", {
      MessageSid: third.providerId!,
      MessageStatus: "undelivered",
      ErrorCode: "30003",
    });
    expect(await repos.messages.byId(third.id)).toMatchObject({
      status: "failed",
      error: "30003: The phone is off or out of reach",
    });
  });

  test("an inbound text (POST /api/twilio/sms, signature-checked) goes on the sender's lead, once per MessageSid, and Twilio gets empty TwiML", async () => {
    const params = {
      MessageSid: "SM0123456789abcdef0123456789abcdef",
      AccountSid: ACCOUNT,
      From: "+447700900003",
      To: TEST_SMS_FROM,
      Body: "Thanks, see you then",
      NumMedia: "0",
    };
    expect((await signedTwilio("/api/twilio/sms", params, "forged")).status).toBe(403);
    for (let i = 0; i < 3; i++) {
      const response = await signedTwilio("/api/twilio/sms", params);
      expect(response.status).toBe(200);
      expect(await response.text()).toBe('<?xml version="1.0" encoding="UTF-8"?><Response></Response>');
    }
    const inbound = (await repos.messages.forLead(lead.id)).filter((m) => m.direction === "inbound");
    expect(inbound).toHaveLength(1);
    expect(inbound[0]).toMatchObject({
      channel: "sms",
      body: "Thanks, see you then",
      status: "received",
      providerId: params.MessageSid,
    });
    await runJobs();
    expect(await repos.messages.byId(inbound[0]!.id)).toMatchObject({ status: "done" });
    expect((await signedTwilio("/api/twilio/sms", { ...params, MessageSid: "nope" })).status).toBe(400);
  });
});

describe("the Messenger port (what other flows, such as quotes, send through)", () => {
  test("picks WhatsApp for a lead who wrote on WhatsApp and SMS otherwise; refuses with a reason when there is nowhere to send", async () => {
    const whatsappLead = (await repos.leads.byPhone("+447700900002" as E164))!;
    const smsLead = await aLead("+447700900004");
    const noPhone = await repos.leads.create({
      name: "No Number",
      organisation: null,
      phone: null,
      email: null,
      address: null,
      postcode: null,
      segment: "unknown",
      source: "manual",
      notes: null,
    });
    const a = await live.deps.messaging.messenger.send({
      leadId: whatsappLead.id,
      text: "Your quote: https://example.test/q/x",
      purpose: "quote",
    });
    const b = await live.deps.messaging.messenger.send({
      leadId: smsLead.id,
      text: "Your quote: https://example.test/q/y",
      purpose: "quote",
    });
    expect(a.ok && a.value.channel).toBe("whatsapp");
    expect(b.ok && b.value).toMatchObject({ channel: "sms", purpose: "quote", status: "queued" });
    expect(await live.deps.messaging.messenger.send({ leadId: noPhone.id, text: "hi" })).toMatchObject({
      ok: false,
      reason: "no_address",
    });
    expect(await live.deps.messaging.messenger.send({ leadId: smsLead.id, text: "  " })).toMatchObject({
      ok: false,
      reason: "empty",
    });
    expect(
      await live.deps.messaging.messenger.send({ leadId: smsLead.id, channel: "sms", text: "x".repeat(1601) }),
    ).toMatchObject({ ok: false, reason: "too_long" });
  });

  test("a reply over the edge's bound is refused before the outbox: 422 with the reason in the reply box, nothing queued", async () => {
    const lead = await aLead("+447700900005", "Edge Case");
    const response = await browser.post(
      `/leads/${lead.id}/messages`,
      { _csrf: browser.csrf, channel: "sms", text: "x".repeat(20_001) },
      { "HX-Request": "true" },
    );
    expect(response.status).toBe(422);
    expect(await response.text()).toContain("Keep it to 20000 characters or fewer.");
    expect(await repos.messages.forLead(lead.id)).toEqual([]);
  });
});
