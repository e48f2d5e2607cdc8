import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import pino from "pino";
import { startTaskRunner } from "../../src/adapters/local/task-runner.ts";
import type { OpenDatabase } from "../../src/adapters/db/database.ts";
import type { E164 } from "../../src/domain/phone.ts";
import { quoteTotals } from "../../src/domain/quotes.ts";
import { freshPglite } from "../support/test-db.ts";
import { startMessagingPeersApp } from "../support/messaging-peers-app.ts";
import { aStaffUser, buildTestApp, ORIGIN, signedTwilioPost, testBrowser } from "../support/test-app.ts";
import { TEST_WHATSAPP_APP_SECRET } from "../support/messaging-world.ts";
import { signedDelivery, textMessage, type MetaPeer } from "../support/meta-peer.ts";
import { type TwilioPeer } from "../support/twilio-api-peer.ts";
import { textOf } from "../e2e/helpers.ts";

const ACCOUNT = "AC00000000000000000000000000000002";
/** Ofcom's drama range for London: a landline that rings nobody. */
const LANDLINE = "+442079460555" as E164;
const LANDLINE_SHOWN = "020 7946 0555";

let repos: OpenDatabase;
let meta: MetaPeer;
let twilioPeer: TwilioPeer;
/** SMS and WhatsApp on their vendors (loopback peers): quote links go through the messaging outbox. */
let live: ReturnType<typeof buildTestApp>;
/** The embedded default: quote links stay in the app's outbox. */
let embedded: ReturnType<typeof buildTestApp>;
let browser: ReturnType<typeof testBrowser>;
let embeddedBrowser: ReturnType<typeof testBrowser>;

const aLead = (phone: string | null, name: string | null) =>
  repos.leads.create({
    name,
    organisation: null,
    phone: phone as E164 | null,
    email: null,
    address: null,
    postcode: null,
    segment: "tenant",
    source: "manual",
    notes: null,
  });

beforeAll(async () => {
  repos = await freshPglite();
  ({ meta, twilioPeer, world: live } = await startMessagingPeersApp(repos, ACCOUNT));
  embedded = buildTestApp(repos);
  const staff = await aStaffUser(live.deps);
  browser = testBrowser(live.app);
  await browser.logIn(staff.email, staff.password);
  embeddedBrowser = testBrowser(embedded.app);
  await embeddedBrowser.logIn(staff.email, staff.password);
}, 30_000);
afterAll(async () => {
  await Promise.all([meta?.close(), twilioPeer?.close()]);
  await repos?.close();
});

const runMessagingJobs = async () => {
  const runner = startTaskRunner(
    { tasks: repos.tasks, log: pino({ level: "silent" }), now: live.clock.now },
    live.messagingTasks,
    { autoStart: false },
  );
  await runner.runDue();
  await runner.stop();
};

/** A draft quote with one line for a new job of the lead, sent from its page by `who`. */
async function sendQuoteTo(leadId: string, who: ReturnType<typeof testBrowser>) {
  const issue = await repos.issues.create({
    leadId,
    title: "Dripping tap",
    description: null,
    category: "plumbing",
    urgency: "routine",
    address: null,
    postcode: null,
    accessNotes: null,
  });
  const quote = await repos.quotes.createDraft({
    issueId: issue.id,
    lines: [],
    totals: quoteTotals([]),
    discountPence: 0,
    deposit: null,
    validUntil: null,
    terms: null,
  });
  await who.page(`/quotes/${quote.id}`);
  const response = await who.post(`/quotes/${quote.id}/send`, {
    _csrf: who.csrf,
    discount: "",
    depositKind: "none",
    depositValue: "",
    validUntil: "2026-12-31",
    terms: "",
    "line-0-kind": "labour",
    "line-0-description": "Replace washer",
    "line-0-quantity": "1",
    "line-0-unitPrice": "60",
    "line-0-vatRate": "20",
  });
  expect(response.status).toBe(303);
  return quote.id;
}

describe("a number staff type must be valid for its country, not merely the right length", () => {
  test('a new lead with "07700 90012" (a digit short) is refused beside the phone field, and nothing is stored', async () => {
    const response = await browser.post("/leads", { _csrf: browser.csrf, name: "Short Number", phone: "07700 90012" });
    expect(response.status).toBe(422);
    const html = await response.text();
    expect(html).toMatch(/id="field-phone"[^>]*aria-invalid="true"/);
    expect(html).toContain("&quot;07700 90012&quot; is not a valid UK number: check the digits.");
    expect(html).toContain('value="07700 90012"');
    expect(await repos.leads.byPhone("+44770090012" as E164)).toBeNull();
    expect((await repos.leads.search({ query: "Short Number", limit: 1, offset: 0 })).total).toBe(0);
  });

  test("an edit giving a lead an invalid number is refused, and the lead keeps its number", async () => {
    const lead = await aLead("+447700900611", "Keeps Number");
    const response = await browser.post(`/leads/${lead.id}`, {
      _csrf: browser.csrf,
      name: "Keeps Number",
      phone: "+61 4 1234 567",
    });
    expect(response.status).toBe(422);
    expect(await response.text()).toContain(
      "&quot;+61 4 1234 567&quot; is not a valid number in Australia: check the digits.",
    );
    expect((await repos.leads.byId(lead.id))!.phone).toBe("+447700900611" as E164);
  });

  test("a valid foreign number is stored in E.164 and shown in its international form; the edit form shows UK numbers as typed here", async () => {
    const created = await browser.post("/leads", {
      _csrf: browser.csrf,
      name: "Amélie Martin",
      phone: "06 12 34 56 78",
    });
    // Without a country code a number is read as UK: a French mobile written nationally is not one.
    expect(created.status).toBe(422);
    const saved = await browser.post("/leads", {
      _csrf: browser.csrf,
      name: "Amélie Martin",
      phone: "+33 6 12 34 56 78",
    });
    expect(saved.status).toBe(303);
    const id = saved.headers.get("Location")!.split("/").pop()!;
    expect((await repos.leads.byId(id))!.phone).toBe("+33612345678" as E164);
    expect((await browser.page(`/leads/${id}`)).html).toContain("+33 6 12 34 56 78");

    const uk = await aLead("+447700900612", "Edits Here");
    const { html } = await browser.page(`/leads/${uk.id}/edit`);
    expect(html).toContain('value="07700 900612"');
    expect(html).not.toContain("+447700900612");
  });

  test("a number a carrier reports is kept as sent, even when the metadata does not know it: the caller still gets a lead", async () => {
    const response = await signedTwilioPost(live.app, "/api/twilio/voice", {
      CallSid: "CA00000000000000000000000000000611",
      AccountSid: ACCOUNT,
      From: "+44770090012",
      To: "+442079460000",
      CallStatus: "ringing",
      Direction: "inbound",
    });
    expect(response.status).toBe(200);
    expect(await repos.leads.byPhone("+44770090012" as E164)).not.toBeNull();
  });
});

describe("SMS to a landline is refused with the reason", () => {
  test("the reply box does not offer SMS to a landline and says why; an SMS posted anyway is 422 with the reason, and nothing is queued or sent", async () => {
    const lead = await aLead(LANDLINE, "Office Landline");
    const { html } = await browser.page(`/inbox/${lead.id}`);
    expect(html).toContain(`SMS: This number cannot receive texts (${LANDLINE_SHOWN} is a landline).`);
    expect(html).not.toContain('<option value="sms"');

    const before = twilioPeer.requests.length;
    const response = await browser.post(
      `/leads/${lead.id}/messages`,
      { _csrf: browser.csrf, channel: "sms", text: "Your engineer is on the way" },
      { "HX-Request": "true" },
    );
    expect(response.status).toBe(422);
    expect(await response.text()).toContain("This number cannot receive texts");
    expect(await repos.messages.forLead(lead.id)).toHaveLength(0);
    await runMessagingJobs();
    expect(twilioPeer.requests.length).toBe(before);
  });

  test("a mobile is still offered SMS", async () => {
    const lead = await aLead("+447700900613", "Mobile Person");
    const { html } = await browser.page(`/inbox/${lead.id}`);
    expect(html).toContain('<option value="sms"');
    expect(html).not.toContain("cannot receive texts");
  });

  test("embedded default: a quote link for a landline stays in the outbox with 'This number cannot receive texts', on the quote page and the timeline", async () => {
    const lead = await aLead("+442079460556", "Landline Embedded");
    const quoteId = await sendQuoteTo(lead.id, embeddedBrowser);
    const [kept] = await repos.outboundMessages.forQuote(quoteId);
    expect(kept).toMatchObject({
      status: "outbox",
      channel: "sms",
      error: "This number cannot receive texts (020 7946 0556 is a landline).",
    });
    const { html } = await embeddedBrowser.page(`/quotes/${quoteId}`);
    expect(html).toContain("In the outbox — not sent");
    expect(html).toContain("This number cannot receive texts (020 7946 0556 is a landline).");
    expect(html).toContain("SMS to 020 7946 0556");
    const timeline = await repos.timeline.forLead(lead.id);
    expect(timeline.find((e) => e.title.startsWith("Quote link"))?.detail).toContain(
      "This number cannot receive texts",
    );
  });

  test("with a provider connected, a quote link for a landline without WhatsApp stays in the outbox with the reason, and no SMS goes out", async () => {
    const lead = await aLead("+442079460557", "Landline Live");
    const before = twilioPeer.requests.length;
    const quoteId = await sendQuoteTo(lead.id, browser);
    const [kept] = await repos.outboundMessages.forQuote(quoteId);
    expect(kept).toMatchObject({
      status: "outbox",
      provider: "messaging",
      error: "This number cannot receive texts (020 7946 0557 is a landline).",
    });
    expect(await repos.messages.forLead(lead.id)).toHaveLength(0);
    await runMessagingJobs();
    expect(twilioPeer.requests.length).toBe(before);
    expect((await browser.page(`/quotes/${quoteId}`)).html).toContain("This number cannot receive texts");
  });

  test("with a provider connected, a quote link for a landline that has written on WhatsApp goes by WhatsApp", async () => {
    const lead = await aLead("+442079460558", "Landline On WhatsApp");
    const { body, headers } = signedDelivery(
      textMessage({ waId: "442079460558" }, "wamid.PHONES1", "Any news on the quote?", live.clock.now()),
      TEST_WHATSAPP_APP_SECRET,
    );
    expect((await live.app.request(`${ORIGIN}/api/whatsapp/webhook`, { method: "POST", headers, body })).status).toBe(
      200,
    );
    await runMessagingJobs();
    const quoteId = await sendQuoteTo(lead.id, browser);
    const [handed] = await repos.outboundMessages.forQuote(quoteId);
    expect(handed).toMatchObject({ status: "queued", channel: "whatsapp", error: null });
    await runMessagingJobs();
    const sent = (await repos.messages.forLead(lead.id)).find((m) => m.direction === "outbound")!;
    expect(sent).toMatchObject({ channel: "whatsapp", status: "accepted", address: "+442079460558" });
    expect(meta.requests.at(-1)!.json).toMatchObject({ to: "+442079460558" });
  });
});

describe("staff pages show numbers in the national format", () => {
  test("a lead known only by its number, its quote and a call from a new number: leads, lead page, quotes, calls and dashboard write them as people here do", async () => {
    const lead = await aLead("+447700900614", null);
    await sendQuoteTo(lead.id, browser);
    const call = await signedTwilioPost(live.app, "/api/twilio/voice", {
      CallSid: "CA00000000000000000000000000000614",
      AccountSid: ACCOUNT,
      From: "+447700900615",
      To: "+442079460000",
      CallStatus: "ringing",
      Direction: "inbound",
    });
    expect(call.status).toBe(200);

    const shows = async (path: string, written: string) => {
      const text = textOf((await browser.page(path)).html);
      expect(text).toContain(written);
      // E.164 stays in links (tel:), never in what staff read.
      expect(text).not.toMatch(/\+4477009006\d\d/);
    };
    await shows("/leads?q=900614", "07700 900614");
    await shows(`/leads/${lead.id}`, "07700 900614");
    await shows("/quotes", "07700 900614");
    await shows("/calls", "07700 900615");
    await shows("/", "07700 900615");
  });
});
