import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import pino from "pino";
import type { OpenDatabase } from "../../src/adapters/db/database.ts";
import { startTaskRunner } from "../../src/adapters/local/task-runner.ts";
import type { Engineer } from "../../src/domain/scheduling/engineers.ts";
import { moveVisit } from "../../src/domain/scheduling/move-visit.ts";
import { SCHEDULE_CHANNEL, type ScheduleEvent } from "../../src/domain/scheduling/schedule-channel.ts";
import { VISIT_NOTICE_TASK } from "../../src/domain/scheduling/visit-notices.ts";
import type { E164 } from "../../src/domain/phone.ts";
import type { QuoteLine } from "../../src/domain/quotes.ts";
import { aLoggedInStaff, type aStaffUser, buildTestApp, ORIGIN, type testBrowser } from "../support/test-app.ts";
import { freshPglite } from "../support/test-db.ts";
import { alicePipe } from "../support/engineers.ts";
import { aDraftQuote, aLeadWithJob, LEEDS_JOB } from "../support/jobs.ts";

/**
 * Customer confirmations, end to end on PGlite: booking from the issue page queues the booked
 * message (with the /a/ link) and the day-before reminder as durable tasks; the tasks go through
 * the messaging outbox once each however often they run; the customer's page confirms or asks
 * for another time; en route and cancel send their own words. The test clock reads Friday
 * 27 November 2026, 10:00 GMT.
 */
let repos: OpenDatabase;
let world: ReturnType<typeof buildTestApp>;
let browser: ReturnType<typeof testBrowser>;
let alice: Engineer;
let staff: Awaited<ReturnType<typeof aStaffUser>>;
let slotDay = 0;

/** A free weekday slot for Alice, a fresh one for each test (Mon 30 Nov onwards, 10:00–12:00). */
function nextSlot() {
  const days = [
    "2026-11-30",
    "2026-12-01",
    "2026-12-02",
    "2026-12-03",
    "2026-12-04",
    "2026-12-07",
    "2026-12-08",
    "2026-12-09",
    "2026-12-10",
    "2026-12-11",
    "2026-12-14",
    "2026-12-15",
  ];
  const day = days[slotDay++]!;
  const startsAt = new Date(`${day}T10:00:00Z`);
  const endsAt = new Date(`${day}T12:00:00Z`);
  return { startsAt, endsAt, value: `${alice.userId}|${startsAt.toISOString()}|${endsAt.toISOString()}` };
}

let phones = 100;
const aJob = (name = "Sarah Jones", phone = `+4477009${String(phones++).padStart(5, "0")}`) =>
  aLeadWithJob(repos, {
    lead: { name, phone: phone as E164, address: LEEDS_JOB.address, postcode: LEEDS_JOB.postcode, source: "manual" },
    issue: { ...LEEDS_JOB, accessNotes: "Key under the mat" },
  });

/** Runs the due visit notices, as of the test clock or of `at`. */
const runNotices = async (at?: Date) => {
  const runner = startTaskRunner(
    { tasks: repos.tasks, log: pino({ level: "silent" }), now: at ? () => at : world.clock.now },
    world.schedulingTasks,
    { autoStart: false },
  );
  await runner.runDue();
  await runner.stop();
};

const notices = async (leadId: string) =>
  (await repos.messages.forLead(leadId))
    .filter((m) => m.purpose === "notification")
    .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
const noticeSaying = async (leadId: string, words: string) =>
  (await notices(leadId)).find((m) => m.body?.includes(words))?.body ?? null;

const tokenIn = (body: string | null) => /\/a\/([A-Za-z0-9_-]{22})\b/.exec(body ?? "")?.[1] ?? null;

/** Books through the issue page, runs the due notices, and returns the visit and its link's token. */
async function bookedJob(name?: string) {
  const job = await aJob(name);
  const slot = nextSlot();
  await browser.page(`/issues/${job.issue.id}`);
  const response = await browser.post(`/issues/${job.issue.id}/visits`, { _csrf: browser.csrf, slot: slot.value });
  expect(response.status).toBe(303);
  const [visit] = await repos.appointments.forIssue(job.issue.id);
  expect(visit).toBeDefined();
  await runNotices();
  const [booked] = await notices(job.lead.id);
  return { ...job, slot, visit: visit!, token: tokenIn(booked?.body ?? null)!, booked: booked! };
}

/** The customer's phone: no session, a same-origin form post. */
const customer = (path: string, fields: Record<string, string> = {}) =>
  world.app.request(`${ORIGIN}${path}`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: ORIGIN, "Sec-Fetch-Site": "same-origin" },
    body: new URLSearchParams(fields).toString(),
    redirect: "manual",
  });
const openPage = (token: string) => world.app.request(`${ORIGIN}/a/${token}`);

beforeAll(async () => {
  repos = await freshPglite();
  world = buildTestApp(repos);
  ({ staff, browser } = await aLoggedInStaff(world, "sam@handy.example"));
  alice = await repos.engineers.create(alicePipe());
}, 30_000);
afterAll(async () => repos?.close());

describe("the booked message and the reminder, through the outbox once each", () => {
  test("booking queues one message with the slot and a 128-bit link; replaying the task or the booking sends nothing more", async () => {
    const { lead, issue, slot, visit, booked, token } = await bookedJob();
    expect(booked.body).toContain("Hi Sarah,");
    expect(booked.body).toContain("Monday 30 November, 10:00–12:00");
    expect(booked.body).toContain(`${ORIGIN}/a/${token}`);
    expect(booked.body).not.toContain("Headingley");
    expect(booked.channel).toBe("sms");
    expect(booked.status).toBe("queued");
    expect(Buffer.from(token, "base64url").length).toBe(16);

    // The task runs again (a retry after a crash), and the same notice is handed in once more.
    await repos.tasks.enqueue({
      kind: VISIT_NOTICE_TASK,
      key: `${visit.id}:booked:${slot.startsAt.toISOString()}`,
      payload: {
        appointmentId: visit.id,
        notice: "booked",
        startsAt: slot.startsAt.toISOString(),
        link: `/a/${token}`,
      },
      runAt: world.clock.now(),
    });
    const handler = world.schedulingTasks[VISIT_NOTICE_TASK]!;
    const task = (await repos.tasks.byKey(VISIT_NOTICE_TASK, `${visit.id}:booked:${slot.startsAt.toISOString()}`))!;
    await handler(
      { appointmentId: visit.id, notice: "booked", startsAt: slot.startsAt.toISOString(), link: `/a/${token}` },
      task,
    );
    await runNotices();
    // The booking posted again (a double click) is refused: the slot is Alice's already.
    const again = await browser.post(`/issues/${issue.id}/visits`, { _csrf: browser.csrf, slot: slot.value });
    expect(again.status).toBe(409);
    await runNotices();
    expect((await notices(lead.id)).length).toBe(1);
  });

  test("the reminder goes at 18:00 London the evening before, once, however often its task runs", async () => {
    const { lead, visit, slot } = await bookedJob("Priya Shah");
    const key = `${visit.id}:reminder:${slot.startsAt.toISOString()}`;
    const reminder = (await repos.tasks.byKey(VISIT_NOTICE_TASK, key))!;
    expect(reminder.nextAttemptAt.toISOString()).toBe("2026-11-30T18:00:00.000Z");
    expect((await notices(lead.id)).length).toBe(1);

    // Not before it is due; then once, through the runner.
    await runNotices(new Date("2026-11-30T17:59:00Z"));
    expect((await notices(lead.id)).length).toBe(1);
    await runNotices(new Date("2026-11-30T18:01:00Z"));
    await runNotices(new Date("2026-11-30T18:02:00Z"));
    expect((await notices(lead.id)).length).toBe(2);
    // And again by hand, as a retry after a crash would.
    const handler = world.schedulingTasks[VISIT_NOTICE_TASK]!;
    await handler(reminder.payload as never, reminder);
    await handler(reminder.payload as never, reminder);
    expect((await notices(lead.id)).length).toBe(2);
    expect(await noticeSaying(lead.id, "Hi Priya, a reminder")).toContain(
      "Alice visits tomorrow, Tuesday 1 December, 10:00–12:00",
    );
  });
});

describe("the customer's page /a/:token", () => {
  test("shows the slot and the first name, nothing more of the customer or the job", async () => {
    const { token } = await bookedJob("Sarah Jones");
    const response = await openPage(token);
    expect(response.status).toBe(200);
    expect(response.headers.get("Cache-Control")).toBe("private, no-store");
    const html = await response.text();
    expect(html).toContain("Sarah, your visit");
    expect(html).toContain("10:00–12:00");
    expect(html).toContain("Confirm this visit");
    for (const personal of ["Jones", "Headingley", "LS6", "7700", "Key under the mat", "Dripping tap", "Alice"])
      expect(html).not.toContain(personal);
  });

  test("Confirm confirms the visit, audited as the customer, with a live event for staff pages", async () => {
    const { visit, token } = await bookedJob();
    const heard: ScheduleEvent[] = [];
    const listening = world.deps.liveEvents.subscribe(
      SCHEDULE_CHANNEL,
      world.deps.liveEvents.lastId(SCHEDULE_CHANNEL),
      (e) => heard.push(e),
    );
    const response = await customer(`/a/${token}/confirm`);
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe(`/a/${token}`);
    expect((await repos.appointments.byId(visit.id))!.status).toBe("confirmed");
    const audit = await repos.audit.forEntity("appointment", visit.id);
    expect(audit.some((e) => e.what === "visit booked → confirmed" && e.who === "customer (visit link)")).toBe(true);
    await Bun.sleep(10);
    listening.unsubscribe();
    expect(heard.map((e) => e.data)).toContainEqual(
      expect.objectContaining({ id: visit.id, issueId: visit.issueId, status: "confirmed", changeRequested: false }),
    );
    expect(await (await openPage(token)).text()).toContain("your visit is confirmed");
    // Pressed again: nothing changes, no second entry.
    expect((await customer(`/a/${token}/confirm`)).status).toBe(303);
    expect(
      (await repos.audit.forEntity("appointment", visit.id)).filter((e) => e.what.includes("→ confirmed")),
    ).toHaveLength(1);
  });

  test("Ask for another time flags the visit and notes it in the job's history", async () => {
    const { visit, issue, token } = await bookedJob();
    const response = await customer(`/a/${token}/another-time`, { note: "Afternoons are better" });
    expect(response.status).toBe(303);
    const flagged = (await repos.appointments.byId(visit.id))!;
    expect(flagged.changeRequestedAt).not.toBeNull();
    expect(flagged.status).toBe("booked");
    const history = await repos.audit.forEntity("issue", issue.id);
    const note = history.find((e) => e.what === "customer asked for another time for the visit");
    expect(note?.details).toMatchObject({ appointmentId: visit.id, note: "Afternoons are better" });
    expect(await (await openPage(token)).text()).toContain("we have your request for another time");
    // The office sees it on the job's page.
    const { html } = await browser.page(`/issues/${issue.id}`);
    expect(html).toContain("Customer asked for another time");
  });

  test("a bad or unknown token is 404 and changes nothing", async () => {
    for (const token of ["nope", "A".repeat(22), "A".repeat(23), "%00"]) {
      expect((await openPage(token)).status).toBe(404);
      expect((await customer(`/a/${token}/confirm`)).status).toBe(404);
    }
  });

  test("a cancelled visit: one cancellation message, the page says so, its buttons are gone and refused", async () => {
    const { lead, issue, visit, token } = await bookedJob();
    await browser.page(`/issues/${issue.id}`);
    const cancel = await browser.post(`/appointments/${visit.id}/status`, {
      _csrf: browser.csrf,
      status: "cancelled",
      version: String(visit.version),
    });
    expect(cancel.status).toBe(303);
    await runNotices();
    await runNotices();
    const sent = await notices(lead.id);
    expect(sent.length).toBe(2);
    const cancelled = await noticeSaying(lead.id, "has cancelled your visit for");
    expect(cancelled).toContain("Monday 7 December, 10:00–12:00");
    expect(tokenIn(cancelled)).toBeNull();
    const html = await (await openPage(token)).text();
    expect(html).toContain("This visit was cancelled");
    expect(html).not.toContain("Confirm this visit");
    const refused = await customer(`/a/${token}/confirm`);
    expect(refused.status).toBe(409);
    expect((await customer(`/a/${token}/another-time`, { note: "x" })).status).toBe(409);
    expect((await repos.appointments.byId(visit.id))!.status).toBe("cancelled");
    // Its reminder, due later, says nothing now.
    const reminder = (await repos.tasks.byKey(
      VISIT_NOTICE_TASK,
      `${visit.id}:reminder:${visit.startsAt.toISOString()}`,
    ))!;
    await world.schedulingTasks[VISIT_NOTICE_TASK]!(reminder.payload as never, reminder);
    expect((await notices(lead.id)).length).toBe(2);
  });

  test("a moved visit: one message with the new slot and a new link; the old link opens nothing", async () => {
    const { lead, visit, token } = await bookedJob();
    await customer(`/a/${token}/another-time`, { note: "Afternoons are better" });
    const asked = (await repos.appointments.byId(visit.id))!;
    expect(asked.changeRequestedAt).not.toBeNull();
    const later = nextSlot();
    const moved = await moveVisit(
      { ...repos, now: world.clock.now },
      { appointmentId: visit.id, version: asked.version, engineerId: alice.userId, ...later },
      { who: "sam@handy.example", at: world.clock.now() },
    );
    expect(moved.ok).toBe(true);
    await runNotices();
    await runNotices();
    const sent = await notices(lead.id);
    expect(sent.length).toBe(2);
    const movedNotice = await noticeSaying(lead.id, "has moved your visit to");
    const newToken = tokenIn(movedNotice);
    expect(newToken).not.toBeNull();
    expect(newToken).not.toBe(token);
    expect((await openPage(token)).status).toBe(404);
    expect((await openPage(newToken!)).status).toBe(200);
    // The move answers the customer's request; the new link can confirm the new slot.
    expect((await repos.appointments.byId(visit.id))!.changeRequestedAt).toBeNull();
    expect((await customer(`/a/${newToken}/confirm`)).status).toBe(303);
    expect((await repos.appointments.byId(visit.id))!.status).toBe("confirmed");
    // The old slot's reminder stays silent; the new slot has its own.
    const oldReminder = await repos.tasks.byKey(
      VISIT_NOTICE_TASK,
      `${visit.id}:reminder:${visit.startsAt.toISOString()}`,
    );
    if (oldReminder) await world.schedulingTasks[VISIT_NOTICE_TASK]!(oldReminder.payload as never, oldReminder);
    expect((await notices(lead.id)).length).toBe(2);
    expect(
      await repos.tasks.byKey(VISIT_NOTICE_TASK, `${visit.id}:reminder:${later.startsAt.toISOString()}`),
    ).not.toBeNull();
  });

  test("en route sends 'on the way' once; a past visit's page takes no action", async () => {
    const { lead, visit, token } = await bookedJob();
    const moved = await repos.appointments.setStatus(visit.id, "en_route", {
      who: "alice@e.example",
      at: world.clock.now(),
    });
    expect(moved.ok).toBe(true);
    // The same change replayed is refused by the table and queues nothing more.
    await repos.appointments.setStatus(visit.id, "en_route", { who: "alice@e.example", at: world.clock.now() });
    await runNotices();
    await runNotices();
    const sent = await notices(lead.id);
    expect(sent.length).toBe(2);
    expect(await noticeSaying(lead.id, "is on the way")).toContain("Alice from Handy Services is on the way");
    expect(await (await openPage(token)).text()).toContain("on the way or with you already");

    world.clock.advanceMinutes(60 * 24 * 14);
    const html = await (await openPage(token)).text();
    expect(html).toContain("This visit has passed");
    expect((await customer(`/a/${token}/confirm`)).status).toBe(409);
    world.clock.advanceMinutes(-60 * 24 * 14);
  });
});

describe("Book a visit from an accepted or paid quote's page", () => {
  const LINES: QuoteLine[] = [
    { kind: "labour", description: "Fix leak", quantity: 2, unitPricePence: 5_000, vatRatePercent: 20 },
  ];

  test("offered once the customer accepts; booking there comes back to the quote and sends the booked message", async () => {
    const { lead, issue } = await aJob("Omar Ali");
    const quote = await repos.quotes.createDraft(aDraftQuote(issue.id, LINES));
    await repos.quotes.markSent(quote.id, world.clock.now());
    expect((await browser.page(`/quotes/${quote.id}`)).html).not.toContain("Book a visit");

    expect(await repos.quotes.advance(quote.id, ["sent"], "accepted", world.clock.now())).toBe(true);
    const { html } = await browser.page(`/quotes/${quote.id}`);
    expect(html).toContain("Book a visit");
    const offered = /name="slot" value="([^"]+)"/.exec(html)?.[1];
    expect(offered).toBeDefined();
    expect(html).toContain(`name="back" value="/quotes/${quote.id}"`);

    const response = await browser.post(`/issues/${issue.id}/visits`, {
      _csrf: browser.csrf,
      slot: offered!,
      back: `/quotes/${quote.id}`,
    });
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe(`/quotes/${quote.id}`);
    const [visit] = await repos.appointments.forIssue(issue.id);
    expect(visit?.status).toBe("booked");
    expect((await repos.issues.byId(issue.id))!.status).toBe("scheduled");
    await runNotices();
    expect(await noticeSaying(lead.id, "has booked your visit")).toContain("Hi Omar,");
    // The quote page now lists the visit.
    expect((await browser.page(`/quotes/${quote.id}`)).html).toContain('id="visit-');
  });

  test("a back address that is not a quote's page is ignored: the plain form returns to the job", async () => {
    const { issue } = await aJob("Li Wei");
    await browser.page(`/issues/${issue.id}`);
    const slot = nextSlot();
    const response = await browser.post(`/issues/${issue.id}/visits`, {
      _csrf: browser.csrf,
      slot: slot.value,
      back: "//evil.example/quotes/x",
    });
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe(`/issues/${issue.id}`);
  });
});
