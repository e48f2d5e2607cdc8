/**
 * The slot finder's reads kept per instance (src/compose/trade-calendars-cache.ts), on one real
 * PostgreSQL shared by two apps, each with its own pool and LISTEN/NOTIFY live events: B reuses
 * what it read, yet a visit booked on A (published on the `schedule` channel) or on B itself is
 * reflected in B's next offer at once.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase } from "../../src/adapters/db/open.ts";
import { createPostgresLiveEvents, type PostgresLiveEvents } from "../../src/adapters/db/postgres-live-events.ts";
import type { OpenDatabase } from "../../src/adapters/db/database.ts";
import { appointments } from "../../src/adapters/db/schema.ts";
import { createEngineersRepository } from "../../src/adapters/db/engineers-repository.ts";
import { createInProcessLiveEvents } from "../../src/adapters/local/in-process-live-events.ts";
import { cacheTradeCalendars, TRADE_CALENDARS_CACHE_MS } from "../../src/compose/trade-calendars-cache.ts";
import { bookVisit } from "../../src/domain/scheduling/book-visit.ts";
import { findFreeSlots } from "../../src/domain/scheduling/find-slots.ts";
import type { Slot } from "../../src/domain/scheduling/free-slots.ts";
import type { Repositories } from "../../src/ports/database.ts";
import { anEngineerAccount } from "../adapters/db/scheduling-contract.ts";
import { aLeadWithJob } from "../support/jobs.ts";
import { aStaffUser, buildTestApp, testBrowser } from "../support/test-app.ts";
import { startPostgres, type TestPostgres } from "../support/test-db.ts";

let server: TestPostgres;
const dataDir = mkdtempSync(join(tmpdir(), "sb-slots-cache-"));
const opened: { repos: OpenDatabase; live: PostgresLiveEvents }[] = [];

async function anInstance(databaseUrl: string) {
  const repos = await openDatabase({ databaseUrl, dataDir });
  const live = createPostgresLiveEvents({ databaseUrl });
  await live.ready;
  opened.push({ repos, live });
  return { repos, ...buildTestApp(repos, { liveEvents: live }) };
}

let a: Awaited<ReturnType<typeof anInstance>>;
let b: Awaited<ReturnType<typeof anInstance>>;

beforeAll(async () => {
  server = await startPostgres();
  const databaseUrl = await server.createDatabase("slots_cache");
  a = await anInstance(databaseUrl);
  b = await anInstance(databaseUrl);
}, 60_000);
afterAll(async () => {
  for (const { repos, live } of opened) {
    await live.close();
    await repos.close();
  }
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
}, 30_000);

const said = (slots: Slot[]) => slots.map((s) => `${s.engineerName} ${s.startsAt.toISOString()}`);

describe("the slot finder's reads, kept per instance", () => {
  test("B reuses its read until a visit booked on A is announced, then offers from the calendar as it stands", async () => {
    const alice = await a.deps.repos.engineers.create(anEngineerAccount());
    const { issue: first } = await aLeadWithJob(a.deps.repos, { issue: { title: "Leaking tap", postcode: "LS6 1AB" } });
    const { issue: second } = await aLeadWithJob(a.deps.repos, {
      issue: { title: "Dripping tap", postcode: "LS6 1AB" },
    });
    // The test clock stands at Friday 27 November 2026, 10:00 GMT.
    const ask = () =>
      findFreeSlots(b.deps.repos, { trade: "plumbing", postcode: "LS6 1AB", from: b.deps.now(), count: 1 });
    const offered = said(await ask());
    expect(offered).toEqual(["Alice Pipe 2026-11-27T10:00:00.000Z"]);

    // Written straight to the table, as nothing in the app writes: announced to nobody, so B's kept read still offers it.
    await b.repos.db.insert(appointments).values({
      issueId: first.id,
      engineerId: alice.userId,
      startsAt: new Date("2026-11-27T10:00:00Z"),
      endsAt: new Date("2026-11-27T12:00:00Z"),
    });
    expect(said(await ask())).toEqual(offered);

    // A visit booked through A's board is published on the schedule channel: B reads again.
    const office = await aStaffUser(a.deps, "office@handy.example");
    const browser = testBrowser(a.app);
    await browser.logIn(office.email, office.password);
    const booked = await browser.post("/schedule/visits", {
      _csrf: browser.csrf,
      issueId: second.id,
      engineerId: alice.userId,
      date: "2026-11-30",
      start: "09:00",
      end: "11:00",
    });
    expect(booked.status).toBe(303);
    const started = performance.now();
    let now = said(await ask());
    while (now[0] === offered[0] && performance.now() - started < 2_000) {
      await Bun.sleep(5);
      now = said(await ask());
    }
    expect(now).toEqual(["Alice Pipe 2026-11-27T12:30:00.000Z"]); // after the visit written behind its back, and the drive
    expect(performance.now() - started).toBeLessThan(TRADE_CALENDARS_CACHE_MS / 10);
  }, 30_000);

  test("a visit booked on B itself is reflected in B's next offer at once, without waiting for the channel", async () => {
    const offered = await findFreeSlots(b.deps.repos, {
      trade: "plumbing",
      postcode: "LS6 1AB",
      from: new Date("2026-12-01T08:00:00Z"),
      count: 1,
    });
    expect(said(offered)).toEqual(["Alice Pipe 2026-12-01T08:30:00.000Z"]);
    const { issue } = await aLeadWithJob(b.deps.repos, { issue: { title: "Boiler service", postcode: "LS6 1AB" } });
    const booked = await bookVisit(
      { ...b.deps.repos, now: b.deps.now },
      {
        issueId: issue.id,
        engineerId: offered[0]!.engineerId,
        startsAt: offered[0]!.startsAt,
        endsAt: offered[0]!.endsAt,
      },
      { who: "sam@handy.example" },
    );
    expect(booked.ok).toBe(true);
    const next = await findFreeSlots(b.deps.repos, {
      trade: "plumbing",
      postcode: "LS6 1AB",
      from: new Date("2026-12-01T08:00:00Z"),
      count: 1,
    });
    // The visit just booked (nothing published: bookVisit alone) ends at 10:30; then the drive, on the half hour.
    expect(said(next)).toEqual(["Alice Pipe 2026-12-01T11:00:00.000Z"]);
  });
});

describe("engineers added or changed on another instance", () => {
  test("an engineer added on A (as the command line adds one) is offered by B at once; one disabled on A is dropped at once", async () => {
    const from = new Date("2026-12-02T08:00:00Z"); // Wednesday, before the working day
    const ask = async () =>
      said(await findFreeSlots(b.deps.repos, { trade: "electrical", postcode: "LS6 1AB", from, count: 2 }));
    /** B's asks until `expected` (the announcement crossing PostgreSQL), then how long it took. */
    const askUntil = async (expected: string[]) => {
      const started = performance.now();
      let now = await ask();
      while (JSON.stringify(now) !== JSON.stringify(expected) && performance.now() - started < 5_000) {
        await Bun.sleep(5);
        now = await ask();
      }
      expect(now).toEqual(expected);
      return performance.now() - started;
    };
    expect(await ask()).toEqual([]);

    // Written by a repository nobody wrapped, so announced to nobody: B keeps its read without her.
    await createEngineersRepository(a.repos.db).create(
      anEngineerAccount({ email: "al@handy.example", name: "Al Quiet", trades: ["electrical"] }),
    );
    expect(await ask()).toEqual([]);

    // Added through A's composed repositories (as `npm run cli -- engineer add` is): B reads again.
    const eve = await a.deps.repos.engineers.create(
      anEngineerAccount({ email: "eve@handy.example", name: "Eve Spark", trades: ["electrical"] }),
    );
    const added = await askUntil(["Al Quiet 2026-12-02T08:30:00.000Z", "Eve Spark 2026-12-02T08:30:00.000Z"]);
    expect(added).toBeLessThan(TRADE_CALENDARS_CACHE_MS / 10);

    // Disabled on A: the account change is announced on the staff-sessions channel, and B stops offering her.
    const disabled = await a.deps.repos.staffUsers.change(eve.userId, () => ({
      ok: true,
      value: { disabledAt: from },
    }));
    expect(disabled.ok).toBe(true);
    const dropped = await askUntil(["Al Quiet 2026-12-02T08:30:00.000Z", "Al Quiet 2026-12-03T08:30:00.000Z"]);
    expect(dropped).toBeLessThan(TRADE_CALENDARS_CACHE_MS / 10);
  }, 30_000);
});

describe("the cache on its own", () => {
  test("one read per window within its time, shared by asks at once, read again after it; a failed read is not kept", async () => {
    const repos = opened[0]!.repos;
    let clock = 0;
    let reads = 0;
    let fail = false;
    const counted = {
      appointments: {
        ...repos.appointments,
        tradeCalendars: async (...args: Parameters<Repositories["appointments"]["tradeCalendars"]>) => {
          reads++;
          if (fail) throw new Error("database unavailable");
          return repos.appointments.tradeCalendars(...args);
        },
      },
      engineers: repos.engineers,
      staffUsers: repos.staffUsers,
    };
    const stop = cacheTradeCalendars({ repos: counted, liveEvents: createInProcessLiveEvents(), clock: () => clock });
    const window = { from: new Date("2026-12-01T00:00:00Z"), to: new Date("2026-12-03T00:00:00Z") };
    const [one, two] = await Promise.all([
      counted.appointments.tradeCalendars("plumbing", window),
      counted.appointments.tradeCalendars("plumbing", window),
    ]);
    expect(one).toBe(two);
    expect(one.engineers.map((e) => e.name)).toEqual(["Alice Pipe"]);
    await counted.appointments.tradeCalendars("plumbing", window);
    expect(reads).toBe(1);
    await counted.appointments.tradeCalendars("electrical", window);
    expect(reads).toBe(2);
    clock += TRADE_CALENDARS_CACHE_MS;
    fail = true;
    await expect(counted.appointments.tradeCalendars("plumbing", window)).rejects.toThrow("database unavailable");
    fail = false;
    await counted.appointments.tradeCalendars("plumbing", window);
    expect(reads).toBe(4);
    stop();
  });
});
