/**
 * Job claims are short and renewed while the job runs: two runners (two instances) on one
 * database, on PGlite and on a real PostgreSQL server, with claims shortened to 300 ms so a
 * job that runs for several claims shows the renewal holding it.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import type { OpenDatabase } from "../../../src/adapters/db/database.ts";
import { openDatabase } from "../../../src/adapters/db/open.ts";
import { startTaskRunner } from "../../../src/adapters/local/task-runner.ts";
import { INVOICE_ISSUED_TASK } from "../../../src/domain/tasks/kinds.ts";
import type { Tasks } from "../../../src/ports/tasks.ts";
import { startPostgres, type TestPostgres } from "../../support/postgres.ts";
import { freshPglite } from "../../support/test-db.ts";

const CLAIM_MS = 300;
const log = pino({ level: "silent" });
const now = () => new Date();

let pg: TestPostgres;
const dataDir = mkdtempSync(join(tmpdir(), "sb-task-claims-"));
const databases: Record<string, OpenDatabase> = {};
beforeAll(async () => {
  pg = await startPostgres();
  databases.PGlite = await freshPglite();
  databases.PostgreSQL = await openDatabase({
    databaseUrl: await pg.createDatabase("task_claims"),
    dataDir,
    logger: pino({ level: "silent" }),
  });
}, 60_000);
afterAll(async () => {
  for (const repos of Object.values(databases)) await repos.close();
  await pg?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

/** The real repository, counting its renewals (to see the heartbeat stop when the job ends). */
function countingRenewals(tasks: Tasks) {
  const counted = { renewals: 0 };
  const wrapped: Tasks = {
    ...tasks,
    renew: (...args) => {
      counted.renewals++;
      return tasks.renew(...args);
    },
  };
  return Object.assign(counted, { tasks: wrapped });
}

for (const name of ["PGlite", "PostgreSQL"] as const) {
  describe(`job claims on ${name}`, () => {
    test("a job running for many claims is not claimed by another instance while its own lives, and is renewed no more once done", async () => {
      const repos = databases[name]!;
      const key = `long-${name}`;
      await repos.tasks.enqueue({ kind: INVOICE_ISSUED_TASK, key, payload: { invoiceId: "i1" }, runAt: now() });
      const runs: string[] = [];
      let release: () => void = () => {};
      const released = new Promise<void>((resolve) => (release = resolve));
      const a = countingRenewals(repos.tasks);
      const instanceA = startTaskRunner(
        { tasks: a.tasks, log, now },
        {
          [INVOICE_ISSUED_TASK]: async () => {
            runs.push("a");
            await released; // a big download: longer than several claims
          },
        },
        { autoStart: false, owner: "instance-a", claimMs: CLAIM_MS },
      );
      const instanceB = startTaskRunner(
        { tasks: repos.tasks, log, now },
        { [INVOICE_ISSUED_TASK]: async () => void runs.push("b") },
        { autoStart: false, owner: "instance-b", claimMs: CLAIM_MS },
      );
      const aDone = instanceA.runDue();
      const deadline = Date.now() + 6 * CLAIM_MS;
      while (runs.length === 0) await Bun.sleep(10);
      // B looks for due jobs all through six claims' worth of time: A's renewals keep the job A's.
      let bRan = 0;
      while (Date.now() < deadline) {
        bRan += await instanceB.runDue();
        await Bun.sleep(CLAIM_MS / 6);
      }
      expect(bRan).toBe(0);
      expect(runs).toEqual(["a"]);
      expect(a.renewals).toBeGreaterThanOrEqual(10);

      release();
      expect(await aDone).toBe(1);
      const done = (await repos.tasks.byKey(INVOICE_ISSUED_TASK, key))!;
      expect(done.doneAt).not.toBeNull();
      expect(done.attempts).toBe(1);
      const renewalsAtEnd = a.renewals;
      await Bun.sleep(3 * CLAIM_MS);
      expect(a.renewals).toBe(renewalsAtEnd);
      expect(await instanceB.runDue()).toBe(0);
      expect(runs).toEqual(["a"]);
      await Promise.all([instanceA.stop(), instanceB.stop()]);
    }, 20_000);

    test("stopping with a job still running waits its grace, then lets the claim go: another instance takes it at once, not when it would lapse", async () => {
      const repos = databases[name]!;
      const key = `shutdown-${name}`;
      await repos.tasks.enqueue({ kind: INVOICE_ISSUED_TASK, key, payload: { invoiceId: "i3" }, runAt: now() });
      let started = false;
      const instanceA = startTaskRunner(
        { tasks: repos.tasks, log, now },
        {
          [INVOICE_ISSUED_TASK]: async () => {
            started = true;
            await new Promise(() => {}); // a download that outlasts the shutdown
          },
        },
        // A claim far longer than the test: only letting go can free the job in time.
        { autoStart: false, owner: "instance-a", claimMs: 60_000 },
      );
      void instanceA.runDue();
      while (!started) await Bun.sleep(10);
      const stopping = Date.now();
      await instanceA.stop({ graceMs: 200 });
      expect(Date.now() - stopping).toBeLessThan(2_000);
      const runs: string[] = [];
      const instanceB = startTaskRunner(
        { tasks: repos.tasks, log, now },
        { [INVOICE_ISSUED_TASK]: async () => void runs.push("b") },
        { autoStart: false, owner: "instance-b", claimMs: CLAIM_MS },
      );
      expect(await instanceB.runDue()).toBe(1);
      expect(runs).toEqual(["b"]);
      expect((await repos.tasks.byKey(INVOICE_ISSUED_TASK, key))!.doneAt).not.toBeNull();
      // Letting go is the holder's alone: A cannot let go of a job C holds.
      await repos.tasks.enqueue({
        kind: INVOICE_ISSUED_TASK,
        key: `${key}-c`,
        payload: { invoiceId: "i4" },
        runAt: now(),
      });
      const [held] = await repos.tasks.claimDue(now(), 1, 60_000, "instance-c");
      expect(await repos.tasks.release([held!.id], "instance-a")).toEqual([]);
      expect(await repos.tasks.release([held!.id], "instance-c")).toEqual([held!.id]);
      await repos.tasks.complete(held!.id, now()); // not left due for the tests after this one
      await instanceB.stop();
    }, 20_000);

    test("a job whose claim is not renewed (its instance stopped beating) is taken by another once the claim lapses", async () => {
      const repos = databases[name]!;
      const key = `orphan-${name}`;
      await repos.tasks.enqueue({ kind: INVOICE_ISSUED_TASK, key, payload: { invoiceId: "i2" }, runAt: now() });
      // Instance A claims it and then does nothing more, as a process killed right after claiming would.
      const [claimed] = await repos.tasks.claimDue(now(), 10, CLAIM_MS, "instance-a");
      expect(claimed?.key).toBe(key);
      const runs: string[] = [];
      const instanceB = startTaskRunner(
        { tasks: repos.tasks, log, now },
        { [INVOICE_ISSUED_TASK]: async () => void runs.push("b") },
        { autoStart: false, owner: "instance-b", claimMs: CLAIM_MS },
      );
      expect(await instanceB.runDue()).toBe(0);
      const claimedAt = Date.now();
      while ((await instanceB.runDue()) === 0) await Bun.sleep(20);
      const waited = Date.now() - claimedAt;
      expect(runs).toEqual(["b"]);
      expect(waited).toBeGreaterThanOrEqual(CLAIM_MS - 50);
      expect(waited).toBeLessThan(CLAIM_MS + 1_000);
      expect((await repos.tasks.byKey(INVOICE_ISSUED_TASK, key))!.doneAt).not.toBeNull();
      await instanceB.stop();
    }, 20_000);
  });
}
