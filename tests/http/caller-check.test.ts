/**
 * "Check caller": a caller who is not the number's lead is flagged (the call page's notice, the
 * calls list and the dashboard), and staff's three answers, each stored, audited and refused
 * with a reason on bad input. Through app.request() on real repositories (PGlite).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Call } from "../../src/domain/calls.ts";
import { emptyExtraction, type Extraction } from "../../src/domain/extraction/extraction.ts";
import { holdFiling } from "../../src/domain/live-call/caller-check.ts";
import type { E164 } from "../../src/domain/phone.ts";
import type { Repositories } from "../../src/ports/database.ts";
import { textOf } from "../e2e/helpers.ts";
import { freshPglite } from "../support/test-db.ts";
import { aStaffUser, buildTestApp, testBrowser } from "../support/test-app.ts";

let repos: Repositories;
let world: ReturnType<typeof buildTestApp>;
let browser: ReturnType<typeof testBrowser>;

beforeAll(async () => {
  repos = await freshPglite();
  world = buildTestApp(repos);
  const staff = await aStaffUser(world.deps);
  browser = testBrowser(world.app);
  await browser.logIn(staff.email, staff.password);
}, 30_000);
afterAll(async () => repos?.close());

let n = 0;
/** As htmx posts from our page: the CSRF token rides in a header (hx-headers on the body). */
const htmx = () => ({ "HX-Request": "true", "X-CSRF-Token": browser.csrf });

/** Priya Shah of Shah Lettings holds the number; the call is live, answered. */
async function priyasNumberRings() {
  const number = `+4477009${String(++n).padStart(5, "0")}` as E164;
  const lead = await repos.leads.create({
    name: "Priya Shah",
    organisation: "Shah Lettings",
    phone: number,
    email: null,
    address: "Flat 3, 41 Cathedral Road, Cardiff",
    postcode: "CF11 9HB",
    segment: "letting_agent",
    source: "phone",
    notes: null,
  });
  const call = await repos.calls.record({
    providerCallId: `CA${"0".repeat(28)}${String(n).padStart(4, "0")}`,
    direction: "inbound",
    from: number,
    to: "+442079460000",
    leadId: lead.id,
    status: "in-progress",
    startedAt: new Date("2026-11-27T10:00:00Z"),
  });
  return { lead, call };
}

const davidsJob = (): Extraction => ({
  ...emptyExtraction("rules"),
  name: "David Patel",
  address: "45 Park Lane, Croydon",
  postcode: "CR0 1YY",
  summary: "Bathroom extractor fan stopped working",
  title: "Replace bathroom extractor fan",
  category: "electrical",
  urgency: "routine",
  segment: "landlord",
});

/** The caller gives another name (typed by staff into the details panel): the call is flagged. */
async function davidCallsOnPriyasNumber() {
  const { lead, call } = await priyasNumberRings();
  await repos.calls.update(call.id, { extracted: davidsJob() });
  const corrected = await browser.post(`/calls/${call.id}/details`, { field: "name", value: "David Patel" }, htmx());
  expect(corrected.status).toBe(200);
  return { lead, call: (await repos.calls.byId(call.id))! };
}

/** The call ends before staff choose: its filing waits, as the live intake leaves it. */
async function endWaiting(call: Call) {
  const ended = (await repos.calls.update(call.id, { status: "completed", endedAt: new Date() }))!;
  expect(await holdFiling(repos.calls, ended, "Bathroom extractor fan stopped working")).toBe(true);
  return (await repos.calls.byId(call.id))!;
}

const choose = (callId: string, fields: Record<string, string>) =>
  browser.post(`/calls/${callId}/caller`, fields, htmx());

const auditOf = (entity: "call" | "lead", id: string) => repos.audit.forEntity(entity, id);

describe("a caller who is not the number's lead", () => {
  test("is flagged at once: the call page says who is who, the calls list and dashboard say check caller", async () => {
    const { lead, call } = await davidCallsOnPriyasNumber();
    expect(call.callerCheck).toMatchObject({ state: "pending", reason: "name", leadId: lead.id });

    const { html } = await browser.page(`/calls/${call.id}`);
    expect(textOf(html)).toContain("Caller says David Patel; this number belongs to Priya Shah, Shah Lettings");
    for (const answer of ["Same customer", "Another contact at this number", "A different customer"])
      expect(html).toContain(answer);

    const list = await browser.page("/calls");
    expect(list.html).toContain('class="badge check-caller"');
    expect((await repos.calls.awaitingCallerCheck(100)).map((c) => c.id)).toContain(call.id);
    const dashboard = await browser.page("/");
    expect(dashboard.html).toContain('id="callers-to-check"');
    expect(textOf(dashboard.html)).toContain("check caller");
  });

  test("is not flagged when the name given is the lead's own, in any form", async () => {
    const { call } = await priyasNumberRings();
    await repos.calls.update(call.id, { extracted: davidsJob() });
    await browser.post(`/calls/${call.id}/details`, { field: "name", value: "priya" }, htmx());
    expect((await repos.calls.byId(call.id))!.callerCheck).toBeNull();
  });

  test("a correction back to the lead's name clears the flag while the call is live", async () => {
    const { call } = await davidCallsOnPriyasNumber();
    await browser.post(`/calls/${call.id}/details`, { field: "name", value: "Priya Shah" }, htmx());
    expect((await repos.calls.byId(call.id))!.callerCheck).toBeNull();
  });
});

describe("staff's three answers", () => {
  test("same customer: the call stays with the lead, nothing of the caller's name reaches it, the waiting job is filed", async () => {
    const { lead, call } = await davidCallsOnPriyasNumber();
    const waiting = await endWaiting(call);
    expect(waiting.issueId).toBeNull();

    const response = await choose(call.id, { choice: "same" });
    expect(response.status).toBe(200);
    expect(textOf(await response.text())).toContain("Caller checked: Same customer: Priya Shah.");

    const after = (await repos.calls.byId(call.id))!;
    expect(after.leadId).toBe(lead.id);
    expect(after.callerCheck).toMatchObject({ state: "resolved", choice: "same", leadId: lead.id });
    const issue = await repos.issues.byId(after.issueId!);
    expect(issue).toMatchObject({ leadId: lead.id, sourceCallId: call.id, postcode: "CR0 1YY" });
    expect((await repos.leads.byId(lead.id))!.name).toBe("Priya Shah");
    expect((await auditOf("call", call.id)).map((e) => e.what)).toContain(
      "confirmed the caller is the customer on file",
    );
    expect((await repos.calls.awaitingCallerCheck(100)).map((c) => c.id)).not.toContain(call.id);
  });

  test("another contact: kept on the lead and shown on its page, the job under the lead, and the name matches next time", async () => {
    const { lead, call } = await davidCallsOnPriyasNumber();
    await endWaiting(call);
    const response = await choose(call.id, { choice: "contact", name: "David Patel", role: "landlord" });
    expect(response.status).toBe(200);
    expect(textOf(await response.text())).toContain("David Patel added as a contact of Priya Shah");

    const contacts = await repos.leadContacts.forLead(lead.id);
    expect(contacts).toMatchObject([{ name: "David Patel", role: "landlord", leadId: lead.id }]);
    const after = (await repos.calls.byId(call.id))!;
    expect(after.callerCheck).toMatchObject({ state: "resolved", choice: "contact", leadId: lead.id });
    expect((await repos.issues.byId(after.issueId!))!.leadId).toBe(lead.id);
    expect((await repos.leads.byId(lead.id))!.name).toBe("Priya Shah");
    const leadPage = await browser.page(`/leads/${lead.id}`);
    expect(textOf(leadPage.html)).toContain("Contacts at this number David Patel · landlord");
    expect((await auditOf("call", call.id)).map((e) => e.what)).toContain(
      "filed the caller as another contact at this number",
    );
    expect((await auditOf("lead", lead.id)).map((e) => e.what)).toContain("added a contact from a call");

    // David calls again from the number: a contact of the lead is a match.
    const again = await repos.calls.record({
      providerCallId: `CA${"9".repeat(28)}${String(++n).padStart(4, "0")}`,
      direction: "inbound",
      from: lead.phone!,
      to: "+442079460000",
      leadId: lead.id,
      status: "in-progress",
      startedAt: new Date(),
    });
    await repos.calls.update(again.id, { extracted: davidsJob() });
    await browser.post(`/calls/${again.id}/details`, { field: "name", value: "David Patel" }, htmx());
    expect((await repos.calls.byId(again.id))!.callerCheck).toBeNull();
  });

  test("a different customer: a new lead, the call and its job move to it, the number's lead is unchanged", async () => {
    const { lead, call } = await davidCallsOnPriyasNumber();
    await endWaiting(call);
    const before = (await repos.leads.byId(lead.id))!;
    const response = await choose(call.id, { choice: "different", name: "David Patel" });
    expect(response.status).toBe(200);
    expect(textOf(await response.text())).toContain("A different customer: David Patel, a new lead");

    const after = (await repos.calls.byId(call.id))!;
    expect(after.leadId).not.toBe(lead.id);
    const david = (await repos.leads.byId(after.leadId!))!;
    expect(david).toMatchObject({ name: "David Patel", phone: null, postcode: "CR0 1YY", segment: "landlord" });
    expect(david.notes).toContain("Priya Shah");
    expect((await repos.issues.byId(after.issueId!))!.leadId).toBe(david.id);
    expect(await repos.issues.forLead(lead.id)).toHaveLength(0);
    expect(await repos.leads.byId(lead.id)).toEqual(before);
    expect((await auditOf("call", call.id)).map((e) => e.what)).toContain(
      "moved the call to a new lead: a different customer",
    );
    expect((await auditOf("lead", david.id)).map((e) => e.what)).toContain("created from a call");
  });

  test("chosen while the call is live: nothing is filed yet, and the job the call opened later moves with a different customer", async () => {
    const { lead, call } = await davidCallsOnPriyasNumber();
    const issue = await repos.issues.create({
      leadId: lead.id,
      sourceCallId: call.id,
      title: "Replace bathroom extractor fan",
      description: null,
      category: "electrical",
      urgency: "routine",
      address: null,
      postcode: "CR0 1YY",
      accessNotes: null,
    });
    await repos.calls.update(call.id, { issueId: issue.id });
    const response = await choose(call.id, { choice: "different", name: "David Patel" });
    expect(response.status).toBe(200);
    const after = (await repos.calls.byId(call.id))!;
    expect(after.issueId).toBe(issue.id);
    expect((await repos.issues.byId(issue.id))!.leadId).toBe(after.leadId!);
  });
});

describe("refused answers change nothing", () => {
  test("an unknown choice, a missing name, a second answer, a call with nothing to check, an unknown call", async () => {
    const { lead, call } = await davidCallsOnPriyasNumber();
    const leadsBefore = (await repos.leads.search({ limit: 1000, offset: 0 })).total;

    const unknown = await choose(call.id, { choice: "maybe" });
    expect(unknown.status).toBe(422);
    expect(await unknown.text()).toContain("Choose one of: same, contact, different");

    const nameless = await choose(call.id, { choice: "contact", name: "  " });
    expect(nameless.status).toBe(422);
    expect(textOf(await nameless.text())).toContain("Give the caller's name");
    const tooLong = await choose(call.id, { choice: "different", name: "x".repeat(201) });
    expect(tooLong.status).toBe(422);

    expect((await repos.calls.byId(call.id))!.callerCheck).toMatchObject({ state: "pending" });
    expect(await repos.leadContacts.forLead(lead.id)).toHaveLength(0);
    expect((await repos.leads.search({ limit: 1000, offset: 0 })).total).toBe(leadsBefore);

    expect((await choose(call.id, { choice: "same" })).status).toBe(200);
    const second = await choose(call.id, { choice: "different", name: "David Patel" });
    expect(second.status).toBe(409);
    expect(textOf(await second.text())).toContain("Already decided: Same customer: Priya Shah");
    expect((await repos.calls.byId(call.id))!.leadId).toBe(lead.id);
    expect((await repos.leads.search({ limit: 1000, offset: 0 })).total).toBe(leadsBefore);

    const { call: matching } = await priyasNumberRings();
    const nothing = await choose(matching.id, { choice: "same" });
    expect(nothing.status).toBe(409);
    expect((await choose(crypto.randomUUID(), { choice: "same" })).status).toBe(404);
    expect((await auditOf("call", matching.id)).length).toBe(0);
  });
});

describe("a job's page", () => {
  test("lists only its own calls, not every call of the lead", async () => {
    const { lead, call: first } = await priyasNumberRings();
    const second = await repos.calls.record({
      providerCallId: `CA${"8".repeat(28)}${String(++n).padStart(4, "0")}`,
      direction: "inbound",
      from: lead.phone!,
      to: "+442079460000",
      leadId: lead.id,
      status: "completed",
      startedAt: new Date("2026-11-28T10:00:00Z"),
    });
    const other = await repos.calls.record({
      providerCallId: `CA${"7".repeat(28)}${String(++n).padStart(4, "0")}`,
      direction: "inbound",
      from: lead.phone!,
      to: "+442079460000",
      leadId: lead.id,
      status: "completed",
      startedAt: new Date("2026-11-29T10:00:00Z"),
    });
    const issue = await repos.issues.create({
      leadId: lead.id,
      sourceCallId: first.id,
      title: "Burst pipe",
      description: null,
      category: "plumbing",
      urgency: "emergency",
      address: null,
      postcode: "CF11 9HB",
      accessNotes: null,
    });
    await repos.calls.update(second.id, { issueId: issue.id });
    const { html } = await browser.page(`/issues/${issue.id}`);
    expect(html).toContain(`href="/calls/${first.id}"`);
    expect(html).toContain(`href="/calls/${second.id}"`);
    expect(html).not.toContain(`href="/calls/${other.id}"`);
  });
});
