import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { OpenDatabase } from "../../src/adapters/db/database.ts";
import type { Issue } from "../../src/domain/issues.ts";
import type { Engineer } from "../../src/domain/scheduling/engineers.ts";
import { DEFAULT_WORKING_WEEK } from "../../src/domain/scheduling/engineers.ts";
import { SCHEDULE_CHANNEL, type ScheduleEvent } from "../../src/domain/scheduling/schedule-channel.ts";
import type { AppDeps } from "../../src/compose/app-deps.ts";
import { quoteTotals } from "../../src/domain/quotes.ts";
import { aStaffUser, buildTestApp, testBrowser } from "../support/test-app.ts";
import { freshPglite } from "../support/test-db.ts";

/**
 * The dispatch board at /schedule through app.request. The test clock reads Friday 27 November
 * 2026, 10:00 GMT; the visits go into the week of Monday 30 November (GMT, so London = UTC).
 */
let repos: OpenDatabase;
let deps: AppDeps;
let browser: ReturnType<typeof testBrowser>;
let alice: Engineer;
let bob: Engineer;
const HTMX = { "HX-Request": "true" };
const NEXT_WEEK = "/schedule?view=week&date=2026-11-30";
const heard: ScheduleEvent["data"][] = [];

async function aJob(fields: Partial<Issue> = {}) {
  const lead = await repos.leads.create({
    name: "Sarah Jones",
    organisation: null,
    phone: null,
    email: null,
    address: null,
    postcode: null,
    segment: "tenant",
    source: "manual",
    notes: null,
  });
  return repos.issues.create({
    leadId: lead.id,
    title: "Dripping tap",
    description: null,
    category: "plumbing",
    urgency: "routine",
    address: "2 Headingley Lane, Leeds",
    postcode: "LS6 1AB",
    accessNotes: null,
    ...fields,
  });
}

const placement = (engineer: Engineer, date: string, start: string, end: string) => ({
  engineerId: engineer.userId,
  date,
  start,
  end,
  view: "week",
  date_shown: "2026-11-30",
});

/** Books through the board's form, as htmx sends it. */
async function book(job: Issue, where: ReturnType<typeof placement>) {
  return browser.post("/schedule/visits", { _csrf: browser.csrf, issueId: job.id, ...where }, HTMX);
}

async function bookedVisit(job: Issue, start = "10:00", end = "12:00", date = "2026-11-30") {
  expect((await book(job, placement(alice, date, start, end))).status).toBe(200);
  return (await repos.appointments.forIssue(job.id))[0]!;
}

beforeAll(async () => {
  repos = await freshPglite();
  const world = buildTestApp(repos);
  deps = world.deps;
  const staff = await aStaffUser(world.deps, "sam@handy.example");
  browser = testBrowser(world.app);
  await browser.logIn(staff.email, staff.password);
  const base = { passwordHash: "x", hours: DEFAULT_WORKING_WEEK };
  alice = await repos.engineers.create({
    ...base,
    email: "alice@e.example",
    name: "Alice Pipe",
    trades: ["plumbing"],
    homePostcode: "LS6 2QR",
  });
  bob = await repos.engineers.create({
    ...base,
    email: "bob@e.example",
    name: "Bob Boiler",
    trades: ["plumbing", "heating"],
    homePostcode: "LS6 3AA",
  });
  deps.liveEvents.subscribe(SCHEDULE_CHANNEL, null, (event) => heard.push(event.data));
  await browser.page(NEXT_WEEK);
}, 30_000);
afterAll(async () => repos?.close());

describe("the board", () => {
  test("engineers are rows, the week's days columns, and the page listens to the schedule topic", async () => {
    const { response, html } = await browser.page(NEXT_WEEK);
    expect(response.status).toBe(200);
    expect(response.headers.get("Vary")).toContain("HX-Request");
    const days = [...html.matchAll(/<th scope="col"><a href="\/schedule\?view=day&amp;date=([\d-]+)">/g)].map(
      (m) => m[1],
    );
    expect(days).toEqual([
      "2026-11-30",
      "2026-12-01",
      "2026-12-02",
      "2026-12-03",
      "2026-12-04",
      "2026-12-05",
      "2026-12-06",
    ]);
    expect(html).toMatch(/<th scope="row">Alice Pipe/);
    expect(html).toMatch(/<th scope="row">Bob Boiler/);
    expect(html).toContain('sse-connect="/live?topic=schedule&amp;after=schedule=');
    expect(html).toContain('<a href="/schedule" aria-current="page">Schedule</a>');
  });

  test("a visit sits in its engineer's row under the day it starts; the day view shows that day only", async () => {
    const job = await aJob({ title: "Leaking radiator valve" });
    const visit = await bookedVisit(job, "13:00", "14:00");
    const { html } = await browser.page(NEXT_WEEK);
    const aliceRow = html.match(/<tr data-engineer="[^"]+"><th scope="row">Alice Pipe.*?<\/tr>/s)![0];
    expect(aliceRow).toStartWith(`<tr data-engineer="${alice.userId}">`);
    const cells = aliceRow.split("<td ").slice(1);
    expect(cells[0]).toContain("13:00–14:00");
    expect(cells[0]).toStartWith(`data-date="2026-11-30">`);
    // Movable (schedule.js lets it be dragged), with the version a drop sends; the view and date are the table's.
    expect(cells[0]).toContain(`<a href="/schedule/visits/${visit.id}" data-v="1"><b>13:00–14:00</b>`);
    expect(html).toContain('<table class="dispatch" data-view="week" data-date="2026-11-30">');
    expect(cells.slice(1).join("")).not.toContain("Leaking radiator valve");
    expect(html.match(/<th scope="row">Bob Boiler.*?<\/tr>/s)![0]).not.toContain("Leaking radiator valve");

    const day = await browser.page("/schedule?view=day&date=2026-12-01");
    expect(day.html).not.toContain("Leaking radiator valve");
    const monday = await browser.request("/schedule?view=day&date=2026-11-30", { headers: HTMX });
    const fragment = await monday.text();
    expect(fragment).toStartWith('<div class="schedule day">');
    expect(fragment).toContain("Leaking radiator valve");
  });

  test("what people typed is escaped on the board's cards, built as strings for speed", async () => {
    const job = await aJob({ title: `<img src=x onerror=alert(1)> "Tap" & 'sink'`, postcode: "LS6 1AB" });
    const visit = await bookedVisit(job, "15:00", "16:00", "2026-12-01");
    const { html } = await browser.page(NEXT_WEEK);
    const card = html.match(new RegExp(`<a href="/schedule/visits/${visit.id}".*?</a>`))![0];
    expect(card).toContain("&lt;img src=x onerror=alert(1)&gt; &quot;Tap&quot; &amp; &#39;sink&#39;");
    expect(html).not.toContain("<img src=x");
  });

  test("the board is gzipped for a browser that asks, the same page once unzipped; the live stream never is", async () => {
    const job = await aJob({ title: "Gzip me" });
    await bookedVisit(job, "09:00", "10:00", "2026-12-02");
    const plain = await browser.request(NEXT_WEEK);
    expect(plain.headers.get("Content-Encoding")).toBeNull();
    const zipped = await browser.request(NEXT_WEEK, { headers: { "Accept-Encoding": "gzip, deflate, br" } });
    expect(zipped.status).toBe(200);
    expect(zipped.headers.get("Content-Encoding")).toBe("gzip");
    expect(zipped.headers.get("Vary")).toBe("HX-Request, Accept-Encoding");
    const bytes = new Uint8Array(await zipped.arrayBuffer());
    const html = new TextDecoder().decode(Bun.gunzipSync(bytes));
    expect(html).toBe(await plain.text());
    expect(html).toContain("Gzip me");
    expect(bytes.length).toBeLessThan(html.length / 2);

    const live = await browser.request("/live?topic=schedule", { headers: { "Accept-Encoding": "gzip" } });
    expect(live.headers.get("Content-Type")).toStartWith("text/event-stream");
    expect(live.headers.get("Content-Encoding")).toBeNull();
    const reader = live.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(first).toStartWith(": connected"); // readable as it is: no gzip header
    await reader.cancel();
  });

  test("the queue: open jobs without a visit, emergencies first, then urgent, oldest first", async () => {
    const routine = await aJob({ title: "Q routine" });
    const emergency = await aJob({ title: "Q emergency old", urgency: "emergency" });
    const urgent = await aJob({ title: "Q urgent", urgency: "urgent" });
    const emergency2 = await aJob({ title: "Q emergency new", urgency: "emergency" });
    const done = await aJob({ title: "Q done" });
    await repos.issues.setStatus(done.id, "in_progress");
    await repos.issues.setStatus(done.id, "done");
    const { html } = await browser.page(NEXT_WEEK);
    const queue = html.slice(html.indexOf('id="queue-title"'));
    const order = [...queue.matchAll(/>(Q [a-z ]+)<\/a>/g)].map((m) => m[1]);
    expect(order).toEqual(["Q emergency old", "Q emergency new", "Q urgent", "Q routine"]);
    for (const job of [routine, emergency, urgent, emergency2])
      expect(queue).toContain(`href="/schedule/issues/${job.id}/book?view=week&amp;date=2026-11-30"`);
  });

  test("a bad view or date is refused with the reason", async () => {
    const view = await browser.request("/schedule?view=month");
    expect(view.status).toBe(400);
    expect(await view.text()).toContain("view: write &quot;day&quot; or &quot;week&quot;.");
    for (const bad of ["2026-02-30", "2026-13-01", "tomorrow"]) {
      const date = await browser.request(`/schedule?date=${bad}`);
      expect(date.status).toBe(400);
      expect(await date.text()).toContain("date: write it as YYYY-MM-DD");
    }
  });
});

describe("booking from the queue", () => {
  test("the panel offers the next free slot; booking takes the job off the queue, audits it and tells every board", async () => {
    const job = await aJob({ title: "Blocked sink", urgency: "urgent" });
    const panel = await browser.request(`/schedule/issues/${job.id}/book?view=week&date=2026-11-30`, { headers: HTMX });
    expect(panel.status).toBe(200);
    const form = await panel.text();
    expect(form).toContain('<section class="panel" id="book-panel">');
    // Friday 27 Nov, 10:00 now: Alice (nearest, free all day) can start straight away, for the default two hours.
    expect(form).toMatch(/<option value="[^"]+" selected="">Alice Pipe<\/option>/);
    expect(form).toContain('name="date" value="2026-11-27"');
    expect(form).toContain('name="start" value="10:00"');
    expect(form).toContain('name="end" value="12:00"');

    heard.length = 0;
    const response = await book(job, placement(bob, "2026-12-01", "09:00", "10:30"));
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain("Booked Blocked sink: Tue 1 Dec, 09:00–10:30 · Bob Boiler.");
    expect(html).toContain('<div id="schedule-live" hx-swap-oob="innerHTML">');
    expect(html).not.toContain(`id="queue-${job.id}"`);
    const [visit] = await repos.appointments.forIssue(job.id);
    expect(visit).toMatchObject({ engineerId: bob.userId, status: "booked" });
    expect(html).toContain(`<a href="/schedule/visits/${visit!.id}"`);
    expect((await repos.issues.byId(job.id))!.status).toBe("scheduled");
    expect(await repos.audit.forEntity("appointment", visit!.id)).toEqual([
      expect.objectContaining({ who: "sam@handy.example", what: "visit booked" }),
    ]);
    expect(heard).toEqual([expect.objectContaining({ id: visit!.id, status: "booked", engineerId: bob.userId })]);
  });

  // Placements are made when the test runs: the engineers exist only after beforeAll.
  test.each([
    [
      "outside hours",
      () => placement(alice, "2026-11-30", "16:30", "17:30"),
      422,
      "Alice Pipe works 08:00–17:00 on Monday",
    ],
    ["in the past", () => placement(alice, "2026-11-26", "10:00", "11:00"), 422, "has already passed"],
    ["a day off", () => placement(alice, "2026-12-05", "10:00", "11:00"), 422, "Alice Pipe does not work on Saturday"],
    [
      "a made-up time",
      () => placement(alice, "2026-11-30", "9 o'clock", "11:00"),
      422,
      "Give the start and end as clock times",
    ],
    [
      "an unknown engineer",
      () => ({ ...placement(alice, "2026-11-30", "10:00", "11:00"), engineerId: "nobody" }),
      422,
      "There is no such engineer.",
    ],
  ] as const)("%s is refused beside the form and writes nothing", async (_name, where, status, reason) => {
    const job = await aJob();
    heard.length = 0;
    const response = await book(job, where());
    expect(response.status).toBe(status);
    const html = await response.text();
    expect(html).toContain('<section class="panel" id="book-panel">');
    expect(html.slice(html.indexOf('role="alert"'))).toContain(reason);
    expect(await repos.appointments.forIssue(job.id)).toEqual([]);
    expect((await repos.issues.byId(job.id))!.status).toBe("open");
    expect(heard).toEqual([]);
  });

  test("a heating job offered to a plumber only is refused with the trade; an overlap with the visit in the way", async () => {
    const heating = await aJob({ title: "Boiler service", category: "heating" });
    const trade = await book(heating, placement(alice, "2026-12-02", "10:00", "11:00"));
    expect(trade.status).toBe(422);
    expect(await trade.text()).toContain("Alice Pipe does not do heating (their trades: plumbing).");

    const first = await aJob();
    await book(first, placement(alice, "2026-12-03", "10:00", "12:00"));
    const second = await aJob();
    const clash = await book(second, placement(alice, "2026-12-03", "11:00", "12:00"));
    expect(clash.status).toBe(409);
    expect(await clash.text()).toContain("Alice Pipe already has a visit 10:00–12:00 on Thursday 3 Dec.");
    expect(await repos.appointments.forIssue(second.id)).toEqual([]);
  });

  test("without htmx a booking goes back to the board and a refusal comes back as the page with the form", async () => {
    const job = await aJob({ title: "Plain form job" });
    const fields = { _csrf: browser.csrf, issueId: job.id };
    const refused = await browser.post("/schedule/visits", {
      ...fields,
      ...placement(alice, "2026-12-04", "18:00", "19:00"),
    });
    expect(refused.status).toBe(422);
    const page = await refused.text();
    expect(page).toContain("<!doctype html>");
    expect(page).toContain('<section class="panel" id="book-panel">');
    // The links a card and a queued job carry are whole pages without script.
    const bookPage = await browser.page(`/schedule/issues/${job.id}/book?view=week&date=2026-11-30`);
    expect(bookPage.response.status).toBe(200);
    expect(bookPage.html).toContain("<!doctype html>");
    expect(bookPage.html).toContain('<section class="panel" id="book-panel">');
    const ok = await browser.post("/schedule/visits", {
      ...fields,
      ...placement(alice, "2026-12-04", "14:00", "15:00"),
    });
    expect(ok.status).toBe(303);
    expect(ok.headers.get("Location")).toBe("/schedule?view=week&date=2026-11-30");
  });
});

describe("moving, reassigning and cancelling", () => {
  test("a move to another day and a reassignment, each audited with where it was and where it went", async () => {
    const job = await aJob({ title: "Move me" });
    const visit = await bookedVisit(job, "08:30", "09:30");
    heard.length = 0;
    const moved = await browser.post(
      `/schedule/visits/${visit.id}/move`,
      { _csrf: browser.csrf, version: String(visit.version), ...placement(alice, "2026-12-02", "14:00", "15:00") },
      HTMX,
    );
    expect(moved.status).toBe(200);
    expect(await moved.text()).toContain("Moved: Wed 2 Dec, 14:00–15:00 · Alice Pipe.");
    const reassigned = await browser.post(
      `/schedule/visits/${visit.id}/move`,
      { _csrf: browser.csrf, version: String(visit.version + 1), ...placement(bob, "2026-12-02", "14:00", "15:00") },
      HTMX,
    );
    expect(reassigned.status).toBe(200);
    const now = (await repos.appointments.byId(visit.id))!;
    expect(now).toMatchObject({ engineerId: bob.userId, version: visit.version + 2 });
    expect(now.startsAt.toISOString()).toBe("2026-12-02T14:00:00.000Z");
    const audit = await repos.audit.forEntity("appointment", visit.id);
    expect(audit.map((entry) => entry.what).sort()).toEqual(["visit booked", "visit moved", "visit reassigned"]);
    const reassignment = audit.find((entry) => entry.what === "visit reassigned")!;
    expect(reassignment.details).toMatchObject({
      from: { engineerId: alice.userId, startsAt: "2026-12-02T14:00:00.000Z" },
      to: { engineerId: bob.userId, startsAt: "2026-12-02T14:00:00.000Z" },
    });
    expect(heard).toEqual([
      expect.objectContaining({ id: visit.id, engineerId: alice.userId, version: visit.version + 1 }),
      expect.objectContaining({ id: visit.id, engineerId: bob.userId, version: visit.version + 2 }),
    ]);
  });

  test("a stale board is told so and shown the visit as it stands now; nothing is overwritten", async () => {
    const job = await aJob({ title: "Contested visit" });
    const visit = await bookedVisit(job, "15:00", "16:00");
    // Someone else moves it first, from a board drawn at the same version.
    const theirs = await browser.post(
      `/schedule/visits/${visit.id}/move`,
      { _csrf: browser.csrf, version: String(visit.version), ...placement(alice, "2026-12-01", "11:00", "12:00") },
      HTMX,
    );
    expect(theirs.status).toBe(200);
    heard.length = 0;
    const mine = await browser.post(
      `/schedule/visits/${visit.id}/move`,
      { _csrf: browser.csrf, version: String(visit.version), ...placement(bob, "2026-12-04", "09:00", "10:00") },
      HTMX,
    );
    expect(mine.status).toBe(409);
    const html = await mine.text();
    expect(html).toContain("Someone changed this visit meanwhile");
    expect(html).toContain("Tue 1 Dec, 11:00–12:00 · Alice Pipe");
    expect(html).toContain(`name="version" value="${visit.version + 1}"`);
    expect(html).toContain('name="start" value="11:00"');
    expect(html).toContain('<div id="schedule-live" hx-swap-oob="innerHTML">');
    const stored = (await repos.appointments.byId(visit.id))!;
    expect(stored).toMatchObject({ engineerId: alice.userId, version: visit.version + 1 });
    expect(stored.startsAt.toISOString()).toBe("2026-12-01T11:00:00.000Z");

    const cancel = await browser.post(
      `/schedule/visits/${visit.id}/cancel`,
      { _csrf: browser.csrf, version: String(visit.version), view: "week", date_shown: "2026-11-30" },
      HTMX,
    );
    expect(cancel.status).toBe(409);
    expect((await repos.appointments.byId(visit.id))!.status).toBe("booked");
    expect(heard).toEqual([]);
  });

  test("a move that breaks a rule keeps the visit where it was and says why beside the form", async () => {
    const job = await aJob({ title: "Stay put" });
    const visit = await bookedVisit(job, "10:00", "11:00");
    const response = await browser.post(
      `/schedule/visits/${visit.id}/move`,
      { _csrf: browser.csrf, version: String(visit.version), ...placement(alice, "2026-11-30", "16:00", "18:00") },
      HTMX,
    );
    expect(response.status).toBe(422);
    const html = await response.text();
    expect(html).toContain("Alice Pipe works 08:00–17:00 on Monday");
    expect(html).toContain('name="end" value="18:00"');
    expect((await repos.appointments.byId(visit.id))!.version).toBe(visit.version);
  });

  test("cancelling frees the slot and puts the job back on the queue", async () => {
    const job = await aJob({ title: "Cancel me" });
    const visit = await bookedVisit(job, "15:00", "15:30", "2026-12-03");
    const panel = await browser.request(`/schedule/visits/${visit.id}?view=week&date=2026-11-30`, { headers: HTMX });
    expect(await panel.text()).toContain("Cancel visit");
    heard.length = 0;
    const response = await browser.post(
      `/schedule/visits/${visit.id}/cancel`,
      { _csrf: browser.csrf, version: String(visit.version), view: "week", date_shown: "2026-11-30" },
      HTMX,
    );
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain("Cancelled: Thu 3 Dec, 15:00–15:30.");
    expect(html).not.toContain(`<a href="/schedule/visits/${visit.id}"`);
    expect(html).toContain(`id="queue-${job.id}"`);
    expect((await repos.appointments.byId(visit.id))!.status).toBe("cancelled");
    expect(heard).toEqual([expect.objectContaining({ id: visit.id, status: "cancelled" })]);
  });

  const cancel = (visit: { id: string; version: number }) =>
    browser.post(
      `/schedule/visits/${visit.id}/cancel`,
      { _csrf: browser.csrf, version: String(visit.version), view: "week", date_shown: "2026-11-30" },
      HTMX,
    );
  const issueTrail = async (id: string) => (await repos.audit.forEntity("issue", id)).map((entry) => entry.what);

  test("cancelling a job's only visit takes it back from scheduled to open, audited", async () => {
    const job = await aJob({ title: "Only visit" });
    const visit = await bookedVisit(job, "13:00", "14:00", "2026-12-07");
    expect((await repos.issues.byId(job.id))!.status).toBe("scheduled");
    expect((await cancel(visit)).status).toBe(200);
    expect((await repos.issues.byId(job.id))!.status).toBe("open");
    expect(await issueTrail(job.id)).toContain("status scheduled → open");
  });

  test("a quoted job whose only visit is cancelled goes back to quoted; one of two visits cancelled leaves it scheduled", async () => {
    const job = await aJob({ title: "Quoted, two visits" });
    const lines = [
      { kind: "labour" as const, description: "Tap", quantity: 1, unitPricePence: 5_000, vatRatePercent: 20 },
    ];
    const draft = await repos.quotes.createDraft({
      issueId: job.id,
      lines,
      discountPence: 0,
      deposit: null,
      validUntil: null,
      terms: null,
      totals: quoteTotals(lines),
    });
    expect(await repos.quotes.markSent(draft.id, new Date("2026-11-27T09:00:00Z"))).toBe(true);
    await repos.issues.setStatus(job.id, "quoted");
    const first = await bookedVisit(job, "10:00", "11:00", "2026-12-08");
    expect((await book(job, placement(bob, "2026-12-09", "10:00", "11:00"))).status).toBe(200);
    const second = (await repos.appointments.forIssue(job.id)).find((v) => v.id !== first.id)!;
    expect((await repos.issues.byId(job.id))!.status).toBe("scheduled");

    expect((await cancel(first)).status).toBe(200);
    expect((await repos.issues.byId(job.id))!.status).toBe("scheduled");
    expect(await issueTrail(job.id)).not.toContain("status scheduled → quoted");

    expect((await cancel(second)).status).toBe(200);
    expect((await repos.issues.byId(job.id))!.status).toBe("quoted");
    const entry = (await repos.audit.forEntity("issue", job.id)).find((e) => e.what === "status scheduled → quoted")!;
    expect(entry).toMatchObject({ who: "sam@handy.example" });
    expect(entry.details).toMatchObject({ appointmentId: second.id });
  });

  test("/live accepts the schedule topic", async () => {
    const controller = new AbortController();
    const response = await browser.request("/live?topic=schedule", { signal: controller.signal });
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toContain("text/event-stream");
    controller.abort();
  });
});
