import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { OpenDatabase } from "../../../src/adapters/db/database.ts";
import { openDatabase } from "../../../src/adapters/db/open.ts";
import { openPgliteFolder } from "../../../src/adapters/db/pglite-host.ts";
import type { E164 } from "../../../src/domain/phone.ts";
import { pgliteFolderFromTemplate } from "../../support/test-db.ts";
import { aLead, repositoryContract } from "./contract.ts";

const folders: string[] = [];
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

/** A data folder holding a migrated PGlite database, as the app leaves it. */
async function aDataDir(): Promise<string> {
  const dataDir = mkdtempSync(join(tmpdir(), "switchboard-data-"));
  folders.push(dataDir);
  await pgliteFolderFromTemplate(dataDir);
  return dataDir;
}

const readLock = (dataDir: string) =>
  JSON.parse(readFileSync(join(dataDir, "pglite.lock"), "utf8")) as { pid: number; socket: string };

/** The pid of a process that has already exited. */
function deadPid(): number {
  const child = Bun.spawnSync(["true"]);
  return child.pid;
}

// The CLI's path: a second process reaches PGlite through the owner's socket, with postgres.js.
repositoryContract("PGlite (through the owner's socket)", async () => {
  const dataDir = await aDataDir();
  const owner = await openDatabase({ dataDir });
  const client = await openDatabase({ dataDir });
  return {
    ...client,
    async close() {
      await client.close();
      await owner.close();
    },
  };
});

/** Opening a PGlite folder from disk takes seconds on a busy machine. */
const SLOW = 60_000;

describe("one process per PGlite folder", () => {
  test(
    "the first opener takes the lock, serves a socket, and releases both on close",
    async () => {
      const dataDir = await aDataDir();
      const repos = await openDatabase({ dataDir });
      try {
        const lock = readLock(dataDir);
        expect(lock.pid).toBe(process.pid);
        expect(lock.socket).toBe(join(dataDir, "pglite.sock"));
        expect(existsSync(lock.socket)).toBe(true);
      } finally {
        await repos.close();
      }
      expect(existsSync(join(dataDir, "pglite.lock"))).toBe(false);
      expect(existsSync(join(dataDir, "pglite.sock"))).toBe(false);
    },
    SLOW,
  );

  test(
    "a second opener goes through the socket, and each sees the other's writes",
    async () => {
      const dataDir = await aDataDir();
      const logs: string[] = [];
      const first = await openDatabase({ dataDir });
      const second = await openDatabase({ dataDir, logger: { info: (_o, msg) => logs.push(msg ?? "") } });
      try {
        expect(logs.join("\n")).toContain("connecting through its socket");
        const written = await first.leads.create(aLead({ name: "Written by the first" }));
        expect(await second.leads.byId(written.id)).toEqual(written);
        const back = await second.leads.create(aLead({ name: "Written by the second" }));
        expect(await first.leads.byId(back.id)).toEqual(back);
        expect((await first.leads.search({ query: "written by", limit: 10, offset: 0 })).total).toBe(2);
      } finally {
        await second.close();
        await first.close();
      }
    },
    SLOW,
  );

  test(
    "another process opening the folder meanwhile shares it safely: no duplicate leads",
    async () => {
      const dataDir = await aDataDir();
      const repos = await openDatabase({ dataDir });
      try {
        await repos.leads.create(aLead({ name: "Written by the test" }));
        const child = Bun.spawn(
          [process.execPath, join(import.meta.dir, "fixtures", "second-process.ts"), dataDir, "+44770090", "30"],
          {
            stdout: "pipe",
            stderr: "pipe",
          },
        );
        // Race the other process for the same thirty numbers.
        const mine = await Promise.all(
          Array.from({ length: 30 }, (_, i) =>
            repos.leads.findOrCreateByPhone(
              `+44770090${String(i).padStart(3, "0")}` as E164,
              aLead({ name: `Test ${i}` }),
            ),
          ),
        );
        const [exitCode, stdout, stderr] = await Promise.all([
          child.exited,
          new Response(child.stdout).text(),
          new Response(child.stderr).text(),
        ]);
        expect({ exitCode, stderr }).toEqual({ exitCode: 0, stderr: "" });
        const theirs = JSON.parse(stdout) as { logs: string[]; ids: string[]; created: number; sawTestLead: number };
        expect(theirs.logs.join("\n")).toContain("connecting through its socket");
        expect(theirs.sawTestLead).toBe(1);
        expect(theirs.ids).toEqual(mine.map((r) => r.lead.id));
        expect(theirs.created + mine.filter((r) => r.created).length).toBe(30);
        expect((await repos.leads.search({ query: "+44770090", limit: 1, offset: 0 })).total).toBe(30);
        expect(readLock(dataDir).pid).toBe(process.pid);
      } finally {
        await repos.close();
      }
    },
    SLOW,
  );

  test(
    "a lock left by a dead process is taken over",
    async () => {
      const dataDir = await aDataDir();
      const stale = {
        pid: deadPid(),
        socket: join(dataDir, "pglite.sock"),
        startedAt: "2026-01-01T00:00:00Z",
        processStart: null,
        token: "stale",
      };
      writeFileSync(join(dataDir, "pglite.lock"), JSON.stringify(stale));
      writeFileSync(join(dataDir, "pglite.sock"), ""); // a leftover socket file too
      const repos = await openDatabase({ dataDir });
      try {
        expect(readLock(dataDir).pid).toBe(process.pid);
        await repos.ping();
      } finally {
        await repos.close();
      }
    },
    SLOW,
  );

  test(
    "when the owner closes, a process that was connecting through it takes the folder over",
    async () => {
      const dataDir = await aDataDir();
      const logs: string[] = [];
      const owner = await openDatabase({ dataDir });
      const other = await openDatabase({ dataDir, logger: { info: (_o, msg) => logs.push(msg ?? "") } });
      let third: OpenDatabase | null = null;
      try {
        const lead = await owner.leads.create(aLead({ name: "Before the handover" }));
        await owner.close();
        // Like a PostgreSQL restart: a statement in flight at that instant fails; the next one reconnects.
        await Bun.sleep(50);
        expect(await other.leads.byId(lead.id)).toMatchObject({ name: "Before the handover" });
        expect(logs.join("\n")).toContain("opening it here");
        expect(readLock(dataDir).pid).toBe(process.pid);
        third = await openDatabase({ dataDir });
        await third.leads.create(aLead({ name: "After the handover" }));
        expect((await other.leads.search({ query: "handover", limit: 10, offset: 0 })).total).toBe(2);
      } finally {
        await third?.close();
        await other.close();
      }
    },
    SLOW,
  );

  test(
    "a live process that holds the lock but does not answer gets a clear error, not a hang",
    async () => {
      const dataDir = await aDataDir();
      const sleeper = Bun.spawn(["sleep", "30"]);
      try {
        writeFileSync(
          join(dataDir, "pglite.lock"),
          JSON.stringify({
            pid: sleeper.pid,
            socket: join(dataDir, "nobody.sock"),
            startedAt: "",
            processStart: null,
            token: "t",
          }),
        );
        const started = Date.now();
        const attempt = openPgliteFolder(dataDir, undefined, { ownerWaitMs: 300 });
        await expect(attempt).rejects.toThrow(
          `process ${sleeper.pid} holds ${join(dataDir, "pglite.lock")} but does not answer`,
        );
        expect(Date.now() - started).toBeLessThan(5_000);
        const message = await attempt.catch((e: Error) => e.message);
        expect(message).not.toContain("\n");
      } finally {
        sleeper.kill();
      }
    },
    SLOW,
  );
});
