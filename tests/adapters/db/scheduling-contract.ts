import { describe, expect, test as bunTest } from "bun:test";
import type { OpenDatabase } from "../../../src/adapters/db/database.ts";
import { DuplicateEmailError } from "../../../src/adapters/db/staff-repository.ts";
import { reject } from "../../../src/domain/result.ts";
import { bookVisit, type BookingDeps } from "../../../src/domain/scheduling/book-visit.ts";
import { DEFAULT_WORKING_WEEK } from "../../../src/domain/scheduling/engineers.ts";
import { findFreeSlots } from "../../../src/domain/scheduling/find-slots.ts";
import { nextFreeSlots } from "../../../src/domain/scheduling/free-slots.ts";
import type { TradeCategory } from "../../../src/domain/issues.ts";
import { moveVisit } from "../../../src/domain/scheduling/move-visit.ts";
import type { NewEngineer } from "../../../src/ports/scheduling.ts";
import { sql } from "drizzle-orm";
import { createInProcessLiveEvents } from "../../../src/adapters/local/in-process-live-events.ts";
import { createMessenger } from "../../../src/domain/messaging/outbox.ts";
import type { E164 } from "../../../src/domain/phone.ts";
import { VISIT_NOTICE_TASK } from "../../../src/domain/scheduling/visit-notices.ts";
import { aLeadWithJob } from "../../support/jobs.ts";

const test = (name: string, body: () => Promise<void>) => bunTest(name, body, 20_000);

export const anEngineerAccount = (fields: Partial<NewEngineer> = {}): NewEngineer => ({
  email: "alice@handy.example",
  name: "Alice Pipe",
  passwordHash: "$argon2id$v=19$hash",
  trades: ["plumbing", "heating"],
  homePostcode: "LS6 2QR",
  hours: DEFAULT_WORKING_WEEK,
  ...fields,
});

/** Monday 7 December 2026, 07:00 GMT: before the working day. */
const NOW = new Date("2026-12-07T07:00:00Z");
const at = (iso: string) => new Date(iso);

/**
 * Engineers and appointments on a repository set; runs inside repositoryContract, which empties
 * the database before each test.
 */
export function schedulingContract(current: () => OpenDatabase): void {
  const aJob = async (postcode = "LS6 1AB") =>
    (
      await aLeadWithJob(current(), {
        issue: { title: "Leaking tap", address: "1 Headingley Lane, Leeds", postcode },
      })
    ).issue;
  const deps = (): BookingDeps => ({ ...current(), now: () => NOW });

  describe("engineers", () => {
    test("an engineer is a staff account with the engineer role and a profile, read back whole", async () => {
      const repos = current();
      const alice = await repos.engineers.create(anEngineerAccount({ email: " Alice@Handy.example " }));
      expect(alice).toMatchObject({
        name: "Alice Pipe",
        email: "alice@handy.example",
        trades: ["plumbing", "heating"],
        homePostcode: "LS6 2QR",
      });
      expect(alice.hours).toEqual(DEFAULT_WORKING_WEEK);
      expect(await repos.engineers.byId(alice.userId)).toEqual(alice);
      expect((await repos.staffUsers.byId(alice.userId))!.role).toBe("engineer");
      expect(await repos.engineers.byId("not-a-uuid")).toBeNull();
    });

    test("a taken email creates neither the account nor the profile", async () => {
      const repos = current();
      await repos.staffUsers.create({ email: "alice@handy.example", name: null, role: "staff", passwordHash: "x" });
      await expect(repos.engineers.create(anEngineerAccount())).rejects.toBeInstanceOf(DuplicateEmailError);
      expect(await repos.engineers.active()).toEqual([]);
      expect(await repos.staffUsers.count()).toBe(1);
    });

    test("disabled engineers are not active", async () => {
      const repos = current();
      const alice = await repos.engineers.create(anEngineerAccount());
      const bob = await repos.engineers.create(anEngineerAccount({ email: "bob@handy.example", name: "Bob Boiler" }));
      expect((await repos.engineers.active()).map((e) => e.name)).toEqual(["Alice Pipe", "Bob Boiler"]);
      await repos.staffUsers.change(bob.userId, () => ({ ok: true, value: { disabledAt: NOW } }));
      expect((await repos.engineers.active()).map((e) => e.userId)).toEqual([alice.userId]);
    });
  });

  describe("appointments", () => {
    test("a booking is stored with its audit entry, and reads back by job and as a visit with the site", async () => {
      const repos = current();
      const alice = await repos.engineers.create(anEngineerAccount());
      const job = await aJob();
      const booked = await bookVisit(
        deps(),
        {
          issueId: job.id,
          engineerId: alice.userId,
          startsAt: at("2026-12-07T09:00:00Z"),
          endsAt: at("2026-12-07T11:00:00Z"),
        },
        { who: "sam@handy.example" },
      );
      expect(booked.ok).toBe(true);
      if (!booked.ok) return;
      expect(booked.value).toMatchObject({ status: "booked", version: 1, engineerId: alice.userId, issueId: job.id });
      const [view] = await repos.appointments.forIssue(job.id);
      expect(view).toMatchObject({ id: booked.value.id, engineerName: "Alice Pipe" });
      expect(view!.startsAt.toISOString()).toBe("2026-12-07T09:00:00.000Z");
      const visits = await repos.appointments.visits({
        from: at("2026-12-07T00:00:00Z"),
        to: at("2026-12-08T00:00:00Z"),
      });
      expect(visits).toEqual([
        {
          id: booked.value.id,
          engineerId: alice.userId,
          startsAt: at("2026-12-07T09:00:00Z"),
          endsAt: at("2026-12-07T11:00:00Z"),
          status: "booked",
          postcode: "LS6 1AB",
        },
      ]);
      expect(
        await repos.appointments.visits({ from: at("2026-12-07T11:00:00Z"), to: at("2026-12-08T00:00:00Z") }),
      ).toEqual([]);
      const [entry] = await repos.audit.forEntity("appointment", booked.value.id);
      expect(entry).toMatchObject({ who: "sam@handy.example", what: "visit booked" });
      expect((await repos.issues.byId(job.id))!.status).toBe("scheduled");
      const [issueEntry] = await repos.audit.forEntity("issue", job.id);
      expect(issueEntry).toMatchObject({ what: "status open → scheduled" });
    });

    test("a refusal writes nothing, and decide is shown the engineer's calendar as it stands", async () => {
      const repos = current();
      const alice = await repos.engineers.create(anEngineerAccount());
      const job = await aJob();
      const visit = {
        issueId: job.id,
        engineerId: alice.userId,
        startsAt: at("2026-12-07T09:00:00Z"),
        endsAt: at("2026-12-07T10:00:00Z"),
      };
      const first = await repos.appointments.book(visit, () => ({ ok: true, value: null }), { who: "sam" });
      let seen: unknown[] = [];
      const refused = await repos.appointments.book(
        { ...visit, startsAt: at("2026-12-07T13:00:00Z"), endsAt: at("2026-12-07T14:00:00Z") },
        (calendar) => {
          seen = calendar.map((v) => v.id);
          return reject("double_booked", "no");
        },
        { who: "sam" },
      );
      expect(refused).toEqual({ ok: false, reason: "double_booked", message: "no" });
      expect(seen).toEqual([first.ok && first.value.id]);
      expect(await repos.appointments.forIssue(job.id)).toHaveLength(1);
      expect((await repos.audit.search({ text: "visit booked" }, { limit: 10, offset: 0 })).entries).toHaveLength(1);
    });

    test("staff booking the same slot at once: one visit, a reason for each of the others, no error", async () => {
      const repos = current();
      const alice = await repos.engineers.create(anEngineerAccount());
      const jobs = [];
      for (let i = 0; i < 6; i++) jobs.push(await aJob("LS6 1AB"));
      const slot = {
        engineerId: alice.userId,
        startsAt: at("2026-12-08T10:00:00Z"),
        endsAt: at("2026-12-08T12:00:00Z"),
      };
      // Six at once rather than two, so that without the lock some would interleave on any driver.
      const outcomes = await Promise.all(
        jobs.map((job, i) => bookVisit(deps(), { ...slot, issueId: job.id }, { who: `staff${i}@handy.example` })),
      );
      expect(outcomes.filter((o) => o.ok)).toHaveLength(1);
      const losers = outcomes.filter((o) => !o.ok);
      expect(losers).toHaveLength(5);
      for (const loser of losers) {
        expect(loser).toMatchObject({ ok: false, reason: "double_booked" });
        expect(!loser.ok && loser.message).toContain("Alice Pipe already has a visit 10:00–12:00");
      }
      const visits = await repos.appointments.visits({
        from: at("2026-12-08T00:00:00Z"),
        to: at("2026-12-09T00:00:00Z"),
      });
      expect(visits).toHaveLength(1);
    });

    test("rescheduling: moves onto one slot at once give one move and double_booked for the rest; one visit moved twice from one version, once", async () => {
      const repos = current();
      const alice = await repos.engineers.create(anEngineerAccount());
      const bob = await repos.engineers.create(anEngineerAccount({ email: "bob@handy.example", name: "Bob Boiler" }));
      const visits = [];
      for (let i = 0; i < 4; i++) {
        const booked = await bookVisit(
          deps(),
          {
            issueId: (await aJob()).id,
            engineerId: bob.userId,
            startsAt: at(`2026-12-${String(i + 7).padStart(2, "0")}T10:00:00Z`),
            endsAt: at(`2026-12-${String(i + 7).padStart(2, "0")}T11:00:00Z`),
          },
          { who: "sam@handy.example" },
        );
        if (!booked.ok) throw new Error(booked.message);
        visits.push(booked.value);
      }
      const slot = {
        engineerId: alice.userId,
        startsAt: at("2026-12-11T13:00:00Z"),
        endsAt: at("2026-12-11T14:00:00Z"),
      };
      const moves = await Promise.all(
        visits.map((v, i) =>
          moveVisit(deps(), { ...slot, appointmentId: v.id, version: v.version }, { who: `staff${i}@handy.example` }),
        ),
      );
      expect(moves.filter((m) => m.ok)).toHaveLength(1);
      for (const lost of moves.filter((m) => !m.ok)) expect(lost).toMatchObject({ reason: "double_booked" });
      const onAlice = await repos.appointments.visits({
        from: NOW,
        to: at("2026-12-12T00:00:00Z"),
        engineerIds: [alice.userId],
      });
      expect(onAlice).toHaveLength(1);

      // Two screens drawn at one version move the same visit to two places at once: one wins.
      const target = visits.find((v) => v.id !== onAlice[0]!.id)!;
      const twice = await Promise.all(
        ["14:00", "15:00"].map((hour) =>
          moveVisit(
            deps(),
            {
              appointmentId: target.id,
              version: target.version,
              engineerId: bob.userId,
              startsAt: at(`2026-12-14T${hour}:00Z`),
              endsAt: at(`2026-12-14T${hour.replace(":00", ":30")}:00Z`),
            },
            { who: "sam@handy.example" },
          ),
        ),
      );
      expect(twice.filter((m) => m.ok)).toHaveLength(1);
      expect(twice.find((m) => !m.ok)).toMatchObject({ reason: "stale" });
      expect((await repos.appointments.byId(target.id))!.version).toBe(target.version + 1);
      const audit = await repos.audit.forEntity("appointment", target.id);
      expect(audit.filter((e) => e.what === "visit moved")).toHaveLength(1);
    });

    test("the board's reads: visits with their jobs in a window; the queue of jobs without a visit coming, most urgent and oldest first", async () => {
      const repos = current();
      const alice = await repos.engineers.create(anEngineerAccount());
      const routine = await aJob();
      const emergency = await repos.issues.update((await aJob()).id, { urgency: "emergency" });
      const urgent = await repos.issues.update((await aJob()).id, { urgency: "urgent" });
      const visited = await aJob();
      const booked = await bookVisit(
        deps(),
        {
          issueId: visited.id,
          engineerId: alice.userId,
          startsAt: at("2026-12-08T10:00:00Z"),
          endsAt: at("2026-12-08T11:00:00Z"),
        },
        { who: "sam@handy.example" },
      );
      if (!booked.ok) throw new Error(booked.message);
      expect((await repos.appointments.unscheduled(10)).map((i) => i.id)).toEqual([
        emergency!.id,
        urgent!.id,
        routine.id,
      ]);
      const board = await repos.appointments.onBoard({
        from: at("2026-12-08T00:00:00Z"),
        to: at("2026-12-09T00:00:00Z"),
      });
      expect(board).toEqual([
        {
          id: booked.value.id,
          engineerId: alice.userId,
          startsAt: at("2026-12-08T10:00:00Z"),
          endsAt: at("2026-12-08T11:00:00Z"),
          status: "booked",
          version: 1,
          issueTitle: "Leaking tap",
          postcode: "LS6 1AB",
          urgency: "routine",
        },
      ]);
      expect(
        await repos.appointments.onBoard({ from: at("2026-12-09T00:00:00Z"), to: at("2026-12-10T00:00:00Z") }),
      ).toEqual([]);
      // Cancelled: off the board, and the job waits again.
      await repos.appointments.setStatus(booked.value.id, "cancelled", { who: "sam@handy.example" });
      expect(
        await repos.appointments.onBoard({ from: at("2026-12-08T00:00:00Z"), to: at("2026-12-09T00:00:00Z") }),
      ).toEqual([]);
      expect((await repos.appointments.unscheduled(10)).map((i) => i.id)).toContain(visited.id);
    });

    test("bookings against rules, unknown engineers and jobs are refused with the reason", async () => {
      const repos = current();
      const alice = await repos.engineers.create(anEngineerAccount({ trades: ["electrical"] }));
      const job = await aJob();
      const request = {
        issueId: job.id,
        engineerId: alice.userId,
        startsAt: at("2026-12-07T09:00:00Z"),
        endsAt: at("2026-12-07T11:00:00Z"),
      };
      const who = { who: "sam" };
      expect(await bookVisit(deps(), request, who)).toMatchObject({ ok: false, reason: "missing_trade" });
      expect(await bookVisit(deps(), { ...request, engineerId: crypto.randomUUID() }, who)).toMatchObject({
        reason: "unknown_engineer",
      });
      expect(await bookVisit(deps(), { ...request, issueId: crypto.randomUUID() }, who)).toMatchObject({
        reason: "not_found",
      });
      expect(
        await repos.appointments.book({ ...request, engineerId: "nope" }, () => ({ ok: true, value: 1 }), who),
      ).toMatchObject({
        reason: "not_found",
      });
      expect(await repos.appointments.forIssue(job.id)).toEqual([]);
      expect((await repos.issues.byId(job.id))!.status).toBe("open");
    });

    test("free slots read from storage: past the first days when those are full, never another trade's engineer", async () => {
      const repos = current();
      const alice = await repos.engineers.create(anEngineerAccount());
      await repos.engineers.create(
        anEngineerAccount({
          email: "eve@handy.example",
          name: "Eve Spark",
          trades: ["electrical"],
          homePostcode: "LS6 1AB",
        }),
      );
      const job = await aJob();
      // Monday 7 to Thursday 10 December, Alice's whole day is taken.
      for (const date of ["2026-12-07", "2026-12-08", "2026-12-09", "2026-12-10"]) {
        const full = await repos.appointments.book(
          {
            issueId: job.id,
            engineerId: alice.userId,
            startsAt: at(`${date}T08:00:00Z`),
            endsAt: at(`${date}T17:00:00Z`),
          },
          () => ({ ok: true, value: null }),
          { who: "sam" },
        );
        expect(full.ok).toBe(true);
      }
      const slots = await findFreeSlots(repos, { trade: "plumbing", postcode: "LS6 1AB", from: NOW, count: 2 });
      expect(slots.map((s) => `${s.engineerName} ${s.startsAt.toISOString()}`)).toEqual([
        "Alice Pipe 2026-12-11T08:30:00.000Z",
        "Alice Pipe 2026-12-14T08:30:00.000Z",
      ]);
      expect(await findFreeSlots(repos, { trade: "roofing", postcode: "LS6 1AB", from: NOW, count: 2 })).toEqual([]);
    });

    test("free slots split across the first look: the rest read on its own, the same offers as one read of the fortnight", async () => {
      const repos = current();
      const alice = await repos.engineers.create(anEngineerAccount());
      const job = await aJob();
      // Monday 7 to Wednesday 9 December full; Thursday 10 holds the first look's only slot.
      for (const date of ["2026-12-07", "2026-12-08", "2026-12-09"]) {
        const full = await repos.appointments.book(
          {
            issueId: job.id,
            engineerId: alice.userId,
            startsAt: at(`${date}T08:00:00Z`),
            endsAt: at(`${date}T17:00:00Z`),
          },
          () => ({ ok: true, value: null }),
          { who: "sam" },
        );
        expect(full.ok).toBe(true);
      }
      const windows: string[] = [];
      const watched = {
        tradeCalendars: (trade: TradeCategory, window: { from: Date; to: Date }) => {
          windows.push(`${window.from.toISOString()} ${window.to.toISOString()}`);
          return repos.appointments.tradeCalendars(trade, window);
        },
      };
      const request = { trade: "plumbing" as const, postcode: "LS6 1AB", from: NOW, count: 3 };
      const slots = await findFreeSlots({ appointments: watched }, request);
      expect(slots.map((s) => `${s.engineerName} ${s.startsAt.toISOString()}`)).toEqual([
        "Alice Pipe 2026-12-10T08:30:00.000Z",
        "Alice Pipe 2026-12-11T08:30:00.000Z",
        "Alice Pipe 2026-12-14T08:30:00.000Z",
      ]);
      // Monday 7 to Thursday 10, then Friday 11 to Sunday 20: London days, each read once.
      expect(windows).toEqual([
        "2026-12-07T00:00:00.000Z 2026-12-11T00:00:00.000Z",
        "2026-12-11T00:00:00.000Z 2026-12-21T00:00:00.000Z",
      ]);
      const whole = await repos.appointments.tradeCalendars("plumbing", {
        from: at("2026-12-06T00:00:00Z"),
        to: at("2026-12-22T00:00:00Z"),
      });
      expect(slots).toEqual(nextFreeSlots(request, whole.engineers, whole.visits));
    });

    test("a trade's calendars in one read: active engineers with the trade, by name, and their visits holding time in the window", async () => {
      const repos = current();
      const bob = await repos.engineers.create(anEngineerAccount({ email: "bob@handy.example", name: "Bob Boiler" }));
      const alice = await repos.engineers.create(anEngineerAccount());
      const gone = await repos.engineers.create(anEngineerAccount({ email: "gone@handy.example", name: "Al Gone" }));
      await repos.staffUsers.change(gone.userId, () => ({ ok: true, value: { disabledAt: NOW } }));
      const eve = await repos.engineers.create(
        anEngineerAccount({ email: "eve@handy.example", name: "Eve Spark", trades: ["electrical"] }),
      );
      const job = await aJob("LS8 2PF");
      const book = async (engineerId: string, starts: string, ends: string) => {
        const booked = await repos.appointments.book(
          { issueId: job.id, engineerId, startsAt: at(starts), endsAt: at(ends) },
          () => ({ ok: true, value: null }),
          { who: "sam" },
        );
        if (!booked.ok) throw new Error(booked.message);
        return booked.value;
      };
      const early = await book(alice.userId, "2026-12-07T08:00:00Z", "2026-12-07T09:00:00Z");
      const late = await book(alice.userId, "2026-12-07T13:00:00Z", "2026-12-07T14:00:00Z");
      const cancelled = await book(alice.userId, "2026-12-07T15:00:00Z", "2026-12-07T16:00:00Z");
      expect((await repos.appointments.setStatus(cancelled.id, "cancelled", { who: "sam" })).ok).toBe(true);
      await book(alice.userId, "2026-12-09T08:00:00Z", "2026-12-09T09:00:00Z"); // after the window
      await book(eve.userId, "2026-12-07T10:00:00Z", "2026-12-07T11:00:00Z"); // another trade
      await book(gone.userId, "2026-12-07T10:00:00Z", "2026-12-07T11:00:00Z"); // disabled meanwhile

      // From 08:30: the visit under way then counts, as visits() counts it.
      const window = { from: at("2026-12-07T08:30:00Z"), to: at("2026-12-08T00:00:00Z") };
      const read = await repos.appointments.tradeCalendars("plumbing", window);
      expect(read.engineers.map((e) => e.name)).toEqual(["Alice Pipe", "Bob Boiler"]);
      expect(read.engineers).toEqual((await repos.engineers.active()).filter((e) => e.trades.includes("plumbing")));
      expect(read.visits).toEqual([
        {
          id: early.id,
          engineerId: alice.userId,
          startsAt: early.startsAt,
          endsAt: early.endsAt,
          status: "booked",
          postcode: "LS8 2PF",
        },
        {
          id: late.id,
          engineerId: alice.userId,
          startsAt: late.startsAt,
          endsAt: late.endsAt,
          status: "booked",
          postcode: "LS8 2PF",
        },
      ]);
      expect(read.visits).toEqual(
        await repos.appointments.visits({ ...window, engineerIds: [alice.userId, bob.userId] }),
      );
      expect(await repos.appointments.tradeCalendars("roofing", window)).toEqual({ engineers: [], visits: [] });
    });

    test("status moves only as the table allows, with a version check and an audit entry each", async () => {
      const repos = current();
      const alice = await repos.engineers.create(anEngineerAccount());
      const job = await aJob();
      const booked = await repos.appointments.book(
        {
          issueId: job.id,
          engineerId: alice.userId,
          startsAt: at("2026-12-07T09:00:00Z"),
          endsAt: at("2026-12-07T10:00:00Z"),
        },
        () => ({ ok: true, value: null }),
        { who: "sam" },
      );
      if (!booked.ok) throw new Error(booked.message);
      const id = booked.value.id;
      const done = await repos.appointments.setStatus(id, "done", { who: "sam" });
      expect(done).toMatchObject({ ok: false, reason: "illegal_transition" });
      const confirmed = await repos.appointments.setStatus(id, "confirmed", { who: "customer" }, 1);
      expect(confirmed).toMatchObject({ ok: true, value: { status: "confirmed", version: 2 } });
      const stale = await repos.appointments.setStatus(id, "cancelled", { who: "ann" }, 1);
      expect(stale).toMatchObject({ ok: false, reason: "stale" });
      expect(stale.ok || stale.message).toContain("it is now confirmed");
      expect(await repos.appointments.setStatus(crypto.randomUUID(), "confirmed", { who: "sam" })).toMatchObject({
        reason: "not_found",
      });
      const cancelled = await repos.appointments.setStatus(id, "cancelled", { who: "ann" }, 2);
      expect(cancelled).toMatchObject({ ok: true, value: { status: "cancelled", version: 3 } });
      const trail = (await repos.audit.forEntity("appointment", id)).map((e) => `${e.who}: ${e.what}`);
      expect(trail.sort()).toEqual(
        ["ann: visit confirmed → cancelled", "customer: visit booked → confirmed", "sam: visit booked"].sort(),
      );
      // A cancelled visit frees the time.
      expect(
        await repos.appointments.visits({ from: at("2026-12-07T00:00:00Z"), to: at("2026-12-08T00:00:00Z") }),
      ).toEqual([]);
    });

    test("a booking keeps its link's hash, not the token, and writes its notices; the link opens that visit only", async () => {
      const repos = current();
      const alice = await repos.engineers.create(anEngineerAccount());
      const job = await aJob();
      const startsAt = at("2026-12-09T10:00:00Z");
      const booked = await repos.appointments.book(
        { issueId: job.id, engineerId: alice.userId, startsAt, endsAt: at("2026-12-09T11:00:00Z") },
        () => ({ ok: true, value: null }),
        { who: "sam", at: NOW },
      );
      if (!booked.ok) throw new Error(booked.message);
      const notice = await repos.tasks.byKey(VISIT_NOTICE_TASK, `${booked.value.id}:booked:${startsAt.toISOString()}`);
      const reminder = await repos.tasks.byKey(
        VISIT_NOTICE_TASK,
        `${booked.value.id}:reminder:${startsAt.toISOString()}`,
      );
      expect(notice?.nextAttemptAt).toEqual(NOW);
      expect(reminder?.nextAttemptAt).toEqual(at("2026-12-08T18:00:00Z"));
      const token = (notice!.payload as { link: string }).link.replace("/a/", "");
      expect(token).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect((await repos.appointments.byToken(token))?.id).toBe(booked.value.id);
      expect(await repos.appointments.byToken(`${token.slice(0, 21)}${token.endsWith("A") ? "B" : "A"}`)).toBeNull();
      // Nothing stored with the visit gives the token away.
      const rows = await repos.db.execute(sql`select * from appointments`);
      expect(JSON.stringify(rows)).not.toContain(token);

      const asked = await repos.appointments.requestAnotherTime(
        booked.value.id,
        { who: "customer", at: NOW },
        "after 3",
      );
      expect(asked).toMatchObject({ ok: true, value: { changeRequestedAt: NOW, version: 2 } });
      const again = await repos.appointments.requestAnotherTime(booked.value.id, { who: "customer" }, null);
      expect(again).toMatchObject({ ok: true, value: { version: 2 } });
      expect((await repos.audit.forEntity("issue", job.id)).map((e) => e.what)).toContain(
        "customer asked for another time for the visit",
      );
      await repos.appointments.setStatus(booked.value.id, "cancelled", { who: "ann", at: NOW });
      expect(await repos.appointments.requestAnotherTime(booked.value.id, { who: "customer" }, null)).toMatchObject({
        ok: false,
        reason: "visit_closed",
      });
      expect(
        await repos.tasks.byKey(VISIT_NOTICE_TASK, `${booked.value.id}:cancelled:${startsAt.toISOString()}`),
      ).not.toBeNull();
    });

    test("the outbox queues a message once per idempotency key, even when three sends race", async () => {
      const repos = current();
      const lead = await repos.leads.create({
        name: "Sarah Jones",
        organisation: null,
        phone: "+447700900321" as E164,
        email: null,
        address: null,
        postcode: null,
        segment: "tenant",
        source: "phone",
        notes: null,
      });
      const messenger = createMessenger({
        messages: repos.messages,
        leads: repos.leads,
        leadAliases: repos.leadAliases,
        liveEvents: createInProcessLiveEvents(),
        now: () => NOW,
        templates: {
          language: "en_GB",
          names: { reply: "r", video_request: "v", quote: "q", quote_video: "qv", missed_call: "m" },
        },
        poke: () => {},
      });
      const send = () =>
        messenger.send({
          leadId: lead.id,
          text: "Your visit",
          purpose: "notification",
          idempotencyKey: "visit:x:booked",
        });
      const results = await Promise.all([send(), send(), send()]);
      expect(results.every((r) => r.ok)).toBe(true);
      expect(new Set(results.map((r) => (r.ok ? r.value.id : null))).size).toBe(1);
      expect((await repos.messages.forLead(lead.id)).length).toBe(1);
      expect((await repos.tasks.backlog()).find((b) => b.kind === "send-message")?.depth).toBe(1);
    });
  });
}
