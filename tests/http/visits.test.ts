import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { OpenDatabase } from "../../src/adapters/db/database.ts";
import type { IssueFields } from "../../src/domain/issues.ts";
import type { Engineer } from "../../src/domain/scheduling/engineers.ts";
import { aLoggedInStaff, buildTestApp, type testBrowser } from "../support/test-app.ts";
import { freshPglite } from "../support/test-db.ts";
import { alicePipe } from "../support/engineers.ts";
import { aLeadWithJob, LEEDS_JOB } from "../support/jobs.ts";

/**
 * "Book a visit" on the issue page, through app.request. The test clock reads Friday
 * 27 November 2026, 10:00 GMT; Alice lives 20 minutes from the site, Bob 45.
 */
let repos: OpenDatabase;
let browser: ReturnType<typeof testBrowser>;
let alice: Engineer;
let bob: Engineer;
const HTMX = { "HX-Request": "true" };

const slot = (engineer: Engineer, starts: string, ends: string) =>
  `${engineer.userId}|${new Date(starts).toISOString()}|${new Date(ends).toISOString()}`;

const aJob = async (fields: Partial<IssueFields> = {}) =>
  (await aLeadWithJob(repos, { lead: { source: "manual" }, issue: { ...LEEDS_JOB, ...fields } })).issue;

beforeAll(async () => {
  repos = await freshPglite();
  ({ browser } = await aLoggedInStaff(buildTestApp(repos), "sam@handy.example"));
  alice = await repos.engineers.create(alicePipe());
  bob = await repos.engineers.create(
    alicePipe({ email: "bob@e.example", name: "Bob Boiler", trades: ["plumbing", "heating"], homePostcode: "BD1 1AA" }),
  );
}, 30_000);
afterAll(async () => repos?.close());

describe("book a visit from the issue page", () => {
  test("the page offers the next free slots, nearest engineer first", async () => {
    const job = await aJob();
    const { response, html } = await browser.page(`/issues/${job.id}`);
    expect(response.status).toBe(200);
    expect(html).toContain("Book a visit");
    expect(html).toContain("No visits booked.");
    const offers = [...html.matchAll(/<label class="inline choice">(.*?)<\/label>/gs)].map((m) =>
      m[1]!
        .replace(/<[^>]+>/g, "")
        .replace(/\s+/g, " ")
        .trim(),
    );
    expect(offers).toEqual([
      "Fri 27 Nov, 10:00–12:00 — Alice Pipe (about 20 min from home)",
      "Fri 27 Nov, 10:00–12:00 — Bob Boiler (about 45 min from home)",
      "Mon 30 Nov, 08:30–10:30 — Alice Pipe (about 20 min from home)",
      "Mon 30 Nov, 09:00–11:00 — Bob Boiler (about 45 min from home)",
      "Tue 1 Dec, 08:30–10:30 — Alice Pipe (about 20 min from home)",
    ]);
  });

  test("booking a slot shows the visit, schedules the job, audits it, and the slot is no longer offered", async () => {
    const job = await aJob();
    await browser.page(`/issues/${job.id}`);
    const response = await browser.post(
      `/issues/${job.id}/visits`,
      { _csrf: browser.csrf, slot: slot(alice, "2026-11-27T10:00:00Z", "2026-11-27T12:00:00Z") },
      HTMX,
    );
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toStartWith('<section id="visits">');
    expect(html).toContain("Fri 27 Nov, 10:00–12:00 · Alice Pipe");
    expect(html).toContain("Booked: Fri 27 Nov, 10:00–12:00.");
    expect(html).toContain('<dd id="issue-status" hx-swap-oob="true">Scheduled</dd>');
    expect(html).not.toContain("Fri 27 Nov, 10:00–12:00 — Alice Pipe");
    expect((await repos.issues.byId(job.id))!.status).toBe("scheduled");
    const [visit] = await repos.appointments.forIssue(job.id);
    expect(visit).toMatchObject({ engineerId: alice.userId, status: "booked" });
    expect(await repos.audit.forEntity("appointment", visit!.id)).toEqual([
      expect.objectContaining({ who: "sam@handy.example", what: "visit booked" }),
    ]);
    // Another job's page, drawn now, offers Alice only after travel from this visit.
    const other = await aJob();
    const { html: page } = await browser.page(`/issues/${other.id}`);
    expect(page).not.toContain("Fri 27 Nov, 10:00–12:00 — Alice Pipe");
    expect(page).toContain("Fri 27 Nov, 12:30–14:30 — Alice Pipe");
  });

  test("a slot someone else took meanwhile is refused with the reason and writes nothing", async () => {
    const first = await aJob();
    const second = await aJob();
    await browser.page(`/issues/${second.id}`);
    const taken = slot(bob, "2026-11-30T09:00:00Z", "2026-11-30T11:00:00Z");
    expect((await browser.post(`/issues/${first.id}/visits`, { _csrf: browser.csrf, slot: taken }, HTMX)).status).toBe(
      200,
    );
    const response = await browser.post(`/issues/${second.id}/visits`, { _csrf: browser.csrf, slot: taken }, HTMX);
    expect(response.status).toBe(409);
    const html = await response.text();
    expect(html).toContain("Bob Boiler already has a visit 09:00–11:00 on Monday 30 Nov.");
    expect(html).toContain('role="alert"');
    expect(await repos.appointments.forIssue(second.id)).toEqual([]);
    expect((await repos.issues.byId(second.id))!.status).toBe("open");
  });

  test.each([
    ["not a slot", 422, "Choose one of the offered slots."],
    [`${crypto.randomUUID()}|2026-11-30T09:00:00Z|2026-11-30T11:00:00Z`, 422, "There is no such engineer."],
    ["ALICE|2026-11-27T08:00:00Z|2026-11-27T09:00:00Z", 422, "has already passed"],
    ["ALICE|2026-11-28T10:00:00Z|2026-11-28T12:00:00Z", 422, "Alice Pipe does not work on Saturday 28 Nov."],
    ["ALICE|2026-11-30T16:00:00Z|2026-11-30T18:00:00Z", 422, "works 08:00–17:00"],
    ["ALICE|2026-11-30T08:00:00Z|2026-11-30T09:00:00Z", 409, "Not enough time to travel from home"],
    ["ALICE|2026-11-30T12:00:00Z|2026-11-30T11:00:00Z", 422, "ends after it starts"],
  ])("a tampered or impossible slot %p is refused (%p) with the reason", async (value, status, reason) => {
    const job = await aJob();
    await browser.page(`/issues/${job.id}`);
    const response = await browser.post(
      `/issues/${job.id}/visits`,
      { _csrf: browser.csrf, slot: value.replace("ALICE", alice.userId) },
      HTMX,
    );
    expect(response.status).toBe(status);
    expect(await response.text()).toContain(reason);
    expect(await repos.appointments.forIssue(job.id)).toEqual([]);
  });

  test("an engineer without the job's trade is refused", async () => {
    const job = await aJob({ category: "heating" });
    await browser.page(`/issues/${job.id}`);
    const response = await browser.post(
      `/issues/${job.id}/visits`,
      { _csrf: browser.csrf, slot: slot(alice, "2026-11-30T10:00:00Z", "2026-11-30T12:00:00Z") },
      HTMX,
    );
    expect(response.status).toBe(422);
    expect(await response.text()).toContain("Alice Pipe does not do heating (their trades: plumbing).");
  });

  test("without htmx: a booking redirects to the page, a refusal answers the whole page with the reason", async () => {
    const job = await aJob();
    await browser.page(`/issues/${job.id}`);
    const ok = await browser.post(`/issues/${job.id}/visits`, {
      _csrf: browser.csrf,
      slot: slot(alice, "2026-12-01T10:00:00Z", "2026-12-01T12:00:00Z"),
    });
    expect(ok.status).toBe(303);
    expect(ok.headers.get("Location")).toBe(`/issues/${job.id}`);
    const refused = await browser.post(`/issues/${job.id}/visits`, {
      _csrf: browser.csrf,
      slot: slot(alice, "2026-12-01T11:00:00Z", "2026-12-01T13:00:00Z"),
    });
    expect(refused.status).toBe(409);
    const html = await refused.text();
    expect(html).toContain("<title>Dripping tap");
    expect(html).toContain("Alice Pipe already has a visit 10:00–12:00 on Tuesday 1 Dec.");
  });

  test("cancel a visit from the page, refused when the page is stale; a closed job offers no booking", async () => {
    const job = await aJob();
    await browser.page(`/issues/${job.id}`);
    await browser.post(
      `/issues/${job.id}/visits`,
      { _csrf: browser.csrf, slot: slot(bob, "2026-12-02T11:00:00Z", "2026-12-02T13:00:00Z") },
      HTMX,
    );
    const [visit] = await repos.appointments.forIssue(job.id);
    await repos.appointments.setStatus(visit!.id, "confirmed", { who: "customer" }, 1);
    const stale = await browser.post(
      `/appointments/${visit!.id}/status`,
      { _csrf: browser.csrf, status: "cancelled", version: "1" },
      HTMX,
    );
    expect(stale.status).toBe(409);
    expect(await stale.text()).toContain("Someone changed this visit meanwhile: it is now confirmed.");
    const bogus = await browser.post(
      `/appointments/${visit!.id}/status`,
      { _csrf: browser.csrf, status: "teleported", version: "2" },
      HTMX,
    );
    expect(bogus.status).toBe(422);
    const cancelled = await browser.post(
      `/appointments/${visit!.id}/status`,
      { _csrf: browser.csrf, status: "cancelled", version: "2" },
      HTMX,
    );
    expect(cancelled.status).toBe(200);
    expect(await cancelled.text()).toContain('<span class="badge cancelled">Cancelled</span>');
    expect((await repos.appointments.byId(visit!.id))!.status).toBe("cancelled");

    const done = await aJob();
    await repos.issues.setStatus(done.id, "in_progress");
    await repos.issues.setStatus(done.id, "done");
    const { html } = await browser.page(`/issues/${done.id}`);
    expect(html).toContain("No visits booked.");
    expect(html).not.toContain("Book a visit");
    const refused = await browser.post(
      `/issues/${done.id}/visits`,
      { _csrf: browser.csrf, slot: slot(alice, "2026-12-03T10:00:00Z", "2026-12-03T12:00:00Z") },
      HTMX,
    );
    expect(refused.status).toBe(409);
    expect(await refused.text()).toContain("This job is done: reopen it before booking a visit.");
  });
});
