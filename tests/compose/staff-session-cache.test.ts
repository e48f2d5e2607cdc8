/**
 * Login sessions kept per instance (src/compose/staff-session-cache.ts), on one real PostgreSQL
 * shared by two apps, each with its own connection pool and LISTEN/NOTIFY live events, as two
 * instances are: a session read on B is kept there, yet a logout, a role change or a disabled
 * account on A is obeyed by B as soon as B hears the staff-sessions channel, long before the
 * cache would have let the session go by itself.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq, sql } from "drizzle-orm";
import { openDatabase } from "../../src/adapters/db/open.ts";
import { createPostgresLiveEvents, type PostgresLiveEvents } from "../../src/adapters/db/postgres-live-events.ts";
import type { OpenDatabase } from "../../src/adapters/db/database.ts";
import { staffUsers } from "../../src/adapters/db/schema.ts";
import { cacheStaffSessions, SESSION_CACHE_MS } from "../../src/compose/staff-session-cache.ts";
import { createInProcessLiveEvents } from "../../src/adapters/local/in-process-live-events.ts";
import { aStaffUser, buildTestApp, testBrowser } from "../support/test-app.ts";
import { startPostgres, type TestPostgres } from "../support/test-db.ts";

let server: TestPostgres;
let databaseUrl: string;
const dataDir = mkdtempSync(join(tmpdir(), "sb-session-cache-"));
const opened: { repos: OpenDatabase; live: PostgresLiveEvents }[] = [];

/** One instance: its own pool and its own LISTEN connection on the shared database. */
async function anInstance(databaseUrl: string) {
  const repos = await openDatabase({ databaseUrl, dataDir });
  const live = createPostgresLiveEvents({ databaseUrl });
  await live.ready;
  opened.push({ repos, live });
  return { repos, ...buildTestApp(repos, { liveEvents: live }) };
}

/** How long B takes to refuse the cookie (polling every 5 ms); fails past 2 s. */
async function msUntilRefused(request: () => Promise<Response>) {
  const started = performance.now();
  while (performance.now() - started < 2_000) {
    const response = await request();
    if (response.status !== 200) return { ms: performance.now() - started, status: response.status };
    await Bun.sleep(5);
  }
  throw new Error("still answered 200 after 2 s");
}

let a: Awaited<ReturnType<typeof anInstance>>;
let b: Awaited<ReturnType<typeof anInstance>>;

beforeAll(async () => {
  server = await startPostgres();
  databaseUrl = await server.createDatabase("session_cache");
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

/** Logs in on A and hands the same cookie to a browser on B, as a load balancer would. */
async function loggedInOnBoth(email: string) {
  const staff = await aStaffUser(a.deps, email);
  const onA = testBrowser(a.app);
  await onA.logIn(staff.email, staff.password);
  const onB = testBrowser(b.app);
  const asB = (path: string) => onB.request(path, { headers: { Cookie: onA.cookie } });
  expect((await asB("/")).status).toBe(200); // B has read the session, and keeps it
  return { staff, onA, asB };
}

describe("login sessions kept per instance", () => {
  test("B keeps a session it has read: a row deleted behind the app's back still works there until the cache lapses", async () => {
    const { staff, asB } = await loggedInOnBoth("kept@handy.example");
    // Straight in the table: no repository method, so no event. Only the cache can still answer.
    await b.repos.db.execute(sql`delete from staff_sessions where user_id = ${staff.user.id}`);
    expect((await asB("/")).status).toBe(200);
    await Bun.sleep(SESSION_CACHE_MS + 100);
    expect((await asB("/")).status).toBe(303);
  }, 20_000);

  test("a logout on A is refused on B at once, not after the cache lapses", async () => {
    const { onA, asB } = await loggedInOnBoth("leaves@handy.example");
    const loggedOut = await onA.post("/logout", { _csrf: onA.csrf });
    expect(loggedOut.status).toBe(303);
    const refused = await msUntilRefused(() => asB("/"));
    expect(refused.status).toBe(303); // to /login
    expect(refused.ms).toBeLessThan(SESSION_CACHE_MS / 10);
    console.log(`logout on A refused on B after ${refused.ms.toFixed(1)} ms`);
  });

  test("an account disabled on A is refused on B at once", async () => {
    const admin = await aStaffUser(a.deps, "boss@handy.example");
    const adminBrowser = testBrowser(a.app);
    await adminBrowser.logIn(admin.email, admin.password);
    const { staff, asB } = await loggedInOnBoth("goes@handy.example");
    await adminBrowser.page("/settings/users");
    const disabled = await adminBrowser.post(`/settings/users/${staff.user.id}/disable`, { _csrf: adminBrowser.csrf });
    expect(disabled.status).toBe(303);
    const refused = await msUntilRefused(() => asB("/"));
    expect(refused.ms).toBeLessThan(SESSION_CACHE_MS / 10);
  });

  test("a role changed on A is obeyed on B at once (an admin page refused to a demoted admin)", async () => {
    const admin = await aStaffUser(a.deps, "chief@handy.example");
    const adminBrowser = testBrowser(a.app);
    await adminBrowser.logIn(admin.email, admin.password);
    const { staff, asB } = await loggedInOnBoth("demoted@handy.example");
    expect((await asB("/settings/users")).status).toBe(200);
    await adminBrowser.page("/settings/users");
    const changed = await adminBrowser.post(`/settings/users/${staff.user.id}/role`, {
      _csrf: adminBrowser.csrf,
      role: "staff",
    });
    expect(changed.status).toBe(303);
    const refused = await msUntilRefused(() => asB("/settings/users"));
    expect(refused.status).toBe(403);
    expect(refused.ms).toBeLessThan(SESSION_CACHE_MS / 10);
    expect((await asB("/")).status).toBe(200); // still logged in, as staff
    const [row] = await b.repos.db.select().from(staffUsers).where(eq(staffUsers.id, staff.user.id));
    expect(row!.role).toBe("staff");
  });
});

describe("the cache on its own", () => {
  test("answers from memory within its time, reads again after it, and keeps no read that a logout overtook", async () => {
    // Repositories no app has wrapped (buildTestApp wraps its own in place).
    const repos = await openDatabase({ databaseUrl, dataDir });
    opened.push({ repos, live: createPostgresLiveEvents({ databaseUrl }) });
    const staff = await aStaffUser(a.deps, "clock@handy.example");
    let now = 0;
    let reads = 0;
    const counted = {
      staffSessions: {
        ...repos.staffSessions,
        withUser: async (id: string) => {
          reads++;
          return repos.staffSessions.withUser(id);
        },
      },
      staffUsers: repos.staffUsers,
    };
    const stop = cacheStaffSessions({ repos: counted, liveEvents: createInProcessLiveEvents(), clock: () => now });
    const session = {
      id: crypto.randomUUID(),
      userId: staff.user.id,
      csrfToken: "t",
      createdAt: new Date(),
      lastSeenAt: new Date(),
      expiresAt: new Date(Date.now() + 3_600_000),
    };
    await counted.staffSessions.create(session);
    expect((await counted.staffSessions.withUser(session.id))?.user.email).toBe(staff.email);
    expect((await counted.staffSessions.withUser(session.id))?.user.email).toBe(staff.email);
    expect(reads).toBe(1);
    now += SESSION_CACHE_MS;
    await counted.staffSessions.withUser(session.id);
    expect(reads).toBe(2);
    // Past half its time it is still answered from memory, and read again behind the answer.
    now += SESSION_CACHE_MS / 2;
    expect((await counted.staffSessions.withUser(session.id))?.user.email).toBe(staff.email);
    await Bun.sleep(50);
    expect(reads).toBe(3);
    // 1.25 of its time after the read before, it is still kept (by the refresh): the row removed
    // behind the cache's back is not seen yet.
    await repos.db.execute(sql`delete from staff_sessions where user_id = ${staff.user.id}`);
    now += SESSION_CACHE_MS * 0.75;
    expect((await counted.staffSessions.withUser(session.id))?.user.email).toBe(staff.email);
    await Bun.sleep(50); // and read again behind that answer, which finds it gone
    expect(await counted.staffSessions.withUser(session.id)).toBeNull();
    await counted.staffSessions.create(session);

    // A logout lands while a read is on its way: that read's answer is not kept.
    now += SESSION_CACHE_MS;
    const racing = counted.staffSessions.withUser(session.id);
    await counted.staffSessions.delete(session.id);
    await racing;
    expect(await counted.staffSessions.withUser(session.id)).toBeNull();
    stop();
  });
});
