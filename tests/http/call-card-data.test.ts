import { afterAll, beforeAll, expect, test } from "bun:test";
import { createTwilioRecordingPauses } from "../../src/adapters/twilio/recording-pauses.ts";
import type { OpenDatabase } from "../../src/adapters/db/database.ts";
import { cardNumberHeard } from "../../src/domain/live-call/card-data.ts";
import type { E164 } from "../../src/domain/phone.ts";
import { quoteTotals, type QuoteLine } from "../../src/domain/quotes.ts";
import { cardDataDeps } from "../../src/http/card-data-deps.ts";
import { freshPglite } from "../support/test-db.ts";
import { aLead } from "../support/jobs.ts";
import { aStaffUser, buildTestApp, ORIGIN, testBrowser } from "../support/test-app.ts";
import { startTwilioRecordingsPeer, type TwilioRecordingsPeer } from "../support/twilio-recordings-peer.ts";

const credentials = { accountSid: `AC${"2".repeat(32)}`, authToken: "card-data-token" };
const LINES: QuoteLine[] = [
  { kind: "labour", description: "Fix leak", quantity: 2, unitPricePence: 5_000, vatRatePercent: 20 },
];
let repos: OpenDatabase;
let peer: TwilioRecordingsPeer;

beforeAll(async () => {
  repos = await freshPglite();
  peer = startTwilioRecordingsPeer(credentials);
});
afterAll(async () => {
  await peer.close();
  await repos.close();
});

/** A call in progress from a lead with a sent quote; its recording running at the peer. */
let phones = 0;
async function aLiveCallWithAQuote(callSid: string) {
  const lead = await repos.leads.create(
    aLead({ name: "Pat Card", phone: `+4477009001${String(++phones).padStart(2, "0")}` as E164 }),
  );
  const issue = await repos.issues.create({
    leadId: lead.id,
    title: "Leak",
    description: null,
    category: "plumbing",
    urgency: "routine",
    address: null,
    postcode: null,
    accessNotes: null,
  });
  const quote = await repos.quotes.createDraft({
    issueId: issue.id,
    lines: LINES,
    totals: quoteTotals(LINES),
    discountPence: 0,
    deposit: null,
    validUntil: null,
    terms: null,
  });
  await repos.quotes.markSent(quote.id, new Date());
  const call = await repos.calls.record({
    providerCallId: callSid,
    direction: "inbound",
    from: lead.phone as string,
    to: "+442079460000",
    leadId: lead.id,
    status: "in-progress",
    startedAt: new Date(),
  });
  peer.recording(callSid);
  return { call, quote };
}

test("with Twilio keys (a loopback peer speaking Twilio's REST API): a card number heard pauses the recording, the page offers the payment link, and 'payment talk finished' resumes it, audited", async () => {
  const world = buildTestApp(repos, {
    twilio: {
      ...credentials,
      staffNumbers: [],
      local: false,
      recordingPauses: createTwilioRecordingPauses({ ...credentials, apiBaseUrl: peer.baseUrl }),
    },
  });
  const staff = await aStaffUser(world.deps);
  const browser = testBrowser(world.app);
  await browser.logIn(staff.email, staff.password);
  const { call, quote } = await aLiveCallWithAQuote(`CA${"c".repeat(32)}`);

  const notice = await cardNumberHeard(cardDataDeps(world.deps), call.id);
  expect(notice).toMatchObject({ recording: "paused", payLink: `${ORIGIN}/q/${quote.token}` });
  expect(peer.statusOf(call.providerCallId)).toBe("paused");
  expect(peer.requests.at(-1)?.form).toEqual({ Status: "paused", PauseBehavior: "skip" });
  expect((await repos.calls.byId(call.id))?.cardDataHeardAt).toBeInstanceOf(Date);

  const { html } = await browser.page(`/calls/${call.id}`);
  expect(html).toContain("Card details were heard on this call");
  expect(html).toContain(`/q/${quote.token}`);

  const finished = await browser.request(`/calls/${call.id}/payment-talk-finished`, {
    method: "POST",
    headers: { Origin: ORIGIN, "Sec-Fetch-Site": "same-origin", "HX-Request": "true", "X-CSRF-Token": browser.csrf },
  });
  expect(finished.status).toBe(200);
  expect(await finished.text()).toContain("the recording runs again");
  expect(peer.statusOf(call.providerCallId)).toBe("in-progress");
  const audit = await repos.audit.forEntity("call", call.id);
  expect(audit.map((a) => [a.who, a.what])).toContainEqual([staff.email, "payment talk finished; recording resumed"]);
  expect(audit.map((a) => a.what)).toContainEqual(expect.stringContaining("card number heard"));
});

test("without Twilio keys: the call is flagged and staff are told honestly that no recording pause happened", async () => {
  const world = buildTestApp(repos);
  const { call } = await aLiveCallWithAQuote(`CA${"d".repeat(32)}`);
  const before = peer.requests.length;
  const notice = await cardNumberHeard(cardDataDeps(world.deps), call.id);
  expect(notice?.recording).toBe("not_paused");
  expect(peer.requests.length).toBe(before);
  expect((await repos.calls.byId(call.id))?.cardDataHeardAt).toBeInstanceOf(Date);
});

test("'payment talk finished' on a call with no card data heard is refused and changes nothing", async () => {
  const world = buildTestApp(repos);
  const staff = await aStaffUser(world.deps, "sam@handy.example");
  const browser = testBrowser(world.app);
  await browser.logIn(staff.email, staff.password);
  await browser.page("/calls");
  const call = await repos.calls.record({
    providerCallId: `CA${"e".repeat(32)}`,
    direction: "inbound",
    from: "+447700900999",
    to: "+442079460000",
    leadId: null,
    status: "in-progress",
    startedAt: new Date(),
  });
  const refused = await browser.request(`/calls/${call.id}/payment-talk-finished`, {
    method: "POST",
    headers: { Origin: ORIGIN, "Sec-Fetch-Site": "same-origin", "HX-Request": "true", "X-CSRF-Token": browser.csrf },
  });
  expect(refused.status).toBe(409);
  expect(await repos.audit.forEntity("call", call.id)).toEqual([]);
});
