import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { OpenDatabase } from "../../src/adapters/db/database.ts";
import type { Call } from "../../src/domain/calls.ts";
import { fileCall } from "../../src/domain/extraction/call-intake.ts";
import { emptyExtraction, type Extraction } from "../../src/domain/extraction/extraction.ts";
import type { E164 } from "../../src/domain/phone.ts";
import type { Engineer } from "../../src/domain/scheduling/engineers.ts";
import { aLoggedInStaff, buildTestApp, type testBrowser } from "../support/test-app.ts";
import { freshPglite } from "../support/test-db.ts";
import { alicePipe } from "../support/engineers.ts";
import { aLead } from "../support/jobs.ts";

/**
 * Booking a visit from the live call view, through app.request on PGlite. The test clock reads
 * Friday 27 November 2026, 10:00 GMT; Alice (plumbing) lives 20 minutes from LS6 1AB.
 */
let repos: OpenDatabase;
let world: ReturnType<typeof buildTestApp>;
let browser: ReturnType<typeof testBrowser>;
let alice: Engineer;
const HTMX = { "HX-Request": "true" };
let callNumber = 0;

const slot = (engineer: Engineer, starts: string, ends: string) =>
  `${engineer.userId}|${new Date(starts).toISOString()}|${new Date(ends).toISOString()}`;

const offersIn = (html: string) =>
  [...html.matchAll(/<label class="inline choice">(.*?)<\/label>/gs)].map((m) =>
    m[1]!
      .replace(/<[^>]+>/g, "")
      .replace(/\s+/g, " ")
      .trim(),
  );

const heard = (fields: Partial<Extraction>): Extraction => ({ ...emptyExtraction("rules"), ...fields });

/** A live call from a new caller whose lead exists (the voice webhook makes it), heard saying `fields`. */
async function aLiveCall(fields: Partial<Extraction>): Promise<Call> {
  callNumber += 1;
  const phone = `+4477009${String(callNumber).padStart(5, "0")}` as E164;
  const lead = await repos.leads.create(aLead({ name: null, phone, segment: "unknown" }));
  const call = await repos.calls.record({
    providerCallId: `CA${crypto.randomUUID().replaceAll("-", "")}`,
    direction: "inbound",
    from: phone,
    to: "+442079460000",
    leadId: lead.id,
    status: "in-progress",
    startedAt: world.deps.now(),
  });
  return (await repos.calls.update(call.id, { extracted: heard(fields) }))!;
}

const panel = (call: Call, shown?: string) =>
  browser.page(`/calls/${call.id}/slots${shown === undefined ? "" : `?shown=${encodeURIComponent(shown)}`}`);
const shownIn = (html: string) => /name="shown" value="([^"]*)"/.exec(html)?.[1]?.replaceAll("&quot;", '"');

const fileTheCall = async (call: Call) =>
  fileCall(
    {
      calls: repos.calls,
      leads: repos.leads,
      issues: repos.issues,
      extractor: { name: "rules" },
      auditTrail: repos.audit,
      now: world.deps.now,
    },
    (await repos.calls.update(call.id, { status: "completed" }))!,
  );

beforeAll(async () => {
  repos = await freshPglite();
  world = buildTestApp(repos);
  ({ browser } = await aLoggedInStaff(world, "sam@handy.example"));
  alice = await repos.engineers.create(alicePipe());
}, 30_000);
afterAll(async () => repos?.close());

describe("booking a visit while the caller is on the line", () => {
  test("the live page holds the panel; it waits for the trade and postcode, then offers three slots, and answers 204 while they stand", async () => {
    const call = await aLiveCall({ category: "plumbing", summary: "Dripping tap" });
    const { html: page } = await browser.page(`/calls/${call.id}`);
    expect(page).toContain(`hx-get="/calls/${call.id}/slots"`);
    expect(page).toContain('hx-trigger="load, sse:details, sse:intake, sse:caller-check"');

    const waiting = await panel(call);
    expect(waiting.response.status).toBe(200);
    expect(waiting.html).toContain("once the caller has given the postcode");
    expect(offersIn(waiting.html)).toEqual([]);

    await repos.calls.update(call.id, { extracted: heard({ category: "plumbing", postcode: "LS6 1AB" }) });
    // The page still shows "needs": what it depends on changed, so it is redrawn.
    const offered = await panel(call, shownIn(waiting.html));
    expect(offered.response.status).toBe(200);
    expect(offersIn(offered.html)).toEqual([
      "Fri 27 Nov, 10:00–12:00 — Alice Pipe (about 20 min from home)",
      "Mon 30 Nov, 08:30–10:30 — Alice Pipe (about 20 min from home)",
      "Tue 1 Dec, 08:30–10:30 — Alice Pipe (about 20 min from home)",
    ]);
    // The caller talks on about the same job: nothing is redrawn under staff's hand.
    await repos.calls.update(call.id, {
      extracted: heard({ category: "plumbing", postcode: "LS6 1AB", summary: "Tap drips" }),
    });
    expect((await panel(call, shownIn(offered.html))).response.status).toBe(204);
    // A staff correction of the trade changes the offers.
    await repos.calls.correct(call.id, {
      field: "category",
      value: "heating",
      by: "sam@handy.example",
      at: new Date(),
    });
    const none = await panel(call, shownIn(offered.html));
    expect(none.response.status).toBe(200);
    expect(none.html).toContain("No engineer who does heating is free in the next two weeks.");
  });

  test("picking a slot opens the call's job, books the visit on it, audits both; filing keeps that job and fills it in", async () => {
    const call = await aLiveCall({ category: "plumbing", postcode: "LS6 1AB", summary: "Kitchen tap dripping" });
    await panel(call);
    const response = await browser.post(
      `/calls/${call.id}/slots`,
      { _csrf: browser.csrf, slot: slot(alice, "2026-11-27T10:00:00Z", "2026-11-27T12:00:00Z") },
      HTMX,
    );
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain("Booked: Fri 27 Nov, 10:00–12:00 with Alice Pipe (plumbing)");
    expect(offersIn(html)).toEqual([]);

    const booked = (await repos.calls.byId(call.id))!;
    expect(booked.issueId).not.toBeNull();
    const job = (await repos.issues.byId(booked.issueId!))!;
    expect(job).toMatchObject({
      sourceCallId: call.id,
      category: "plumbing",
      postcode: "LS6 1AB",
      status: "scheduled",
      accessNotes: null,
    });
    const [visit] = await repos.appointments.forIssue(job.id);
    expect(visit).toMatchObject({ engineerId: alice.userId, status: "booked" });
    expect((await repos.audit.forEntity("issue", job.id)).map((e) => [e.who, e.what])).toEqual(
      expect.arrayContaining([
        ["sam@handy.example", "opened from a live call to book a visit"],
        ["sam@handy.example", "status open → scheduled"],
      ]),
    );
    expect(await repos.audit.forEntity("appointment", visit!.id)).toEqual([
      expect.objectContaining({ who: "sam@handy.example", what: "visit booked" }),
    ]);

    // The caller goes on, then hangs up: the call is filed under the job it opened, not a second one.
    await repos.calls.update(call.id, {
      extracted: heard({
        category: "plumbing",
        postcode: "LS6 1AB",
        summary: "Kitchen tap dripping",
        accessNotes: "Key with the neighbour at number 4",
        urgency: "urgent",
      }),
    });
    const filed = await fileTheCall((await repos.calls.byId(call.id))!);
    expect(filed.issue?.id).toBe(job.id);
    expect(await repos.issues.forLead(job.leadId)).toHaveLength(1);
    expect(await repos.issues.byId(job.id)).toMatchObject({
      accessNotes: "Key with the neighbour at number 4",
      urgency: "urgent",
      status: "scheduled",
    });
    expect(await repos.appointments.forIssue(job.id)).toHaveLength(1);
    // The page drawn afterwards still says what was booked.
    const after = await panel(call);
    expect(after.html).toContain("Booked: Fri 27 Nov, 10:00–12:00 with Alice Pipe (plumbing)");
  });

  test("a slot taken meanwhile is refused with 409, says so, offers fresh slots, and opens no job", async () => {
    const first = await aLiveCall({ category: "plumbing", postcode: "LS6 1AB", summary: "Leak" });
    const second = await aLiveCall({ category: "plumbing", postcode: "LS6 1AB", summary: "Leak" });
    const taken = slot(alice, "2026-11-30T08:30:00Z", "2026-11-30T10:30:00Z");
    await panel(first);
    expect((await browser.post(`/calls/${first.id}/slots`, { _csrf: browser.csrf, slot: taken }, HTMX)).status).toBe(
      200,
    );
    const response = await browser.post(`/calls/${second.id}/slots`, { _csrf: browser.csrf, slot: taken }, HTMX);
    expect(response.status).toBe(409);
    const html = await response.text();
    expect(html).toContain("That slot is no longer free (Alice Pipe already has a visit 08:30–10:30 on Monday 30 Nov)");
    expect(html).toContain('role="alert"');
    const fresh = offersIn(html);
    expect(fresh).toHaveLength(3);
    expect(fresh).not.toContain("Mon 30 Nov, 08:30–10:30 — Alice Pipe (about 20 min from home)");
    const untouched = (await repos.calls.byId(second.id))!;
    expect(untouched.issueId).toBeNull();
    expect(await repos.issues.forLead(untouched.leadId!)).toEqual([]);
  });

  test.each([
    ["not a slot", 422, "Choose one of the offered slots."],
    [`${crypto.randomUUID()}|2026-12-02T09:00:00Z|2026-12-02T11:00:00Z`, 422, "There is no such engineer."],
    ["ALICE|2026-11-27T08:00:00Z|2026-11-27T09:00:00Z", 422, "has already passed"],
  ])("a tampered slot %p is refused (%p) with the reason and changes nothing", async (value, status, reason) => {
    const call = await aLiveCall({ category: "plumbing", postcode: "LS6 1AB", summary: "Leak" });
    await panel(call);
    const response = await browser.post(
      `/calls/${call.id}/slots`,
      { _csrf: browser.csrf, slot: value.replace("ALICE", alice.userId) },
      HTMX,
    );
    expect(response.status).toBe(status);
    expect(await response.text()).toContain(reason);
    const after = (await repos.calls.byId(call.id))!;
    expect(after.issueId).toBeNull();
    expect(await repos.issues.forLead(after.leadId!)).toEqual([]);
  });

  test("while staff have not said who the caller is, the visit is refused: it decides whose job it is", async () => {
    const call = await aLiveCall({ category: "plumbing", postcode: "LS6 1AB", name: "Someone Else" });
    await repos.calls.swapCallerCheck(call.id, null, {
      state: "pending",
      says: { name: "Someone Else", organisation: null, address: null, postcode: "LS6 1AB" },
      reason: "name",
      leadId: call.leadId!,
      notice: "The caller says they are Someone Else.",
      filingHeld: false,
    });
    const shown = await panel(call);
    expect(shown.html).toContain("Say who the caller is first (above): the visit goes on their job.");
    expect(offersIn(shown.html)).toEqual([]);
    const response = await browser.post(
      `/calls/${call.id}/slots`,
      { _csrf: browser.csrf, slot: slot(alice, "2026-12-03T09:00:00Z", "2026-12-03T11:00:00Z") },
      HTMX,
    );
    expect(response.status).toBe(409);
    expect(await response.text()).toContain("Say who the caller is first: the visit goes on their job.");
    expect((await repos.calls.byId(call.id))!.issueId).toBeNull();
    expect(await repos.issues.forLead(call.leadId!)).toEqual([]);
  });

  test("without a postcode, or once the call has ended unfiled, nothing is booked and the panel says why", async () => {
    const vague = await aLiveCall({ category: "plumbing" });
    await panel(vague);
    const missing = await browser.post(
      `/calls/${vague.id}/slots`,
      { _csrf: browser.csrf, slot: slot(alice, "2026-12-02T09:00:00Z", "2026-12-02T11:00:00Z") },
      HTMX,
    );
    expect(missing.status).toBe(422);
    expect(await missing.text()).toContain("The call does not say the job&#39;s postcode yet.");

    const ended = await aLiveCall({ category: "plumbing", postcode: "LS6 1AB" });
    await repos.calls.update(ended.id, { status: "completed" });
    const late = await browser.post(
      `/calls/${ended.id}/slots`,
      { _csrf: browser.csrf, slot: slot(alice, "2026-12-02T09:00:00Z", "2026-12-02T11:00:00Z") },
      HTMX,
    );
    expect(late.status).toBe(409);
    expect(await late.text()).toContain("book a visit from its job once it is filed");
    expect(await repos.appointments.visits({ from: new Date("2026-12-02"), to: new Date("2026-12-03") })).toEqual([]);
  });
});
