/**
 * Several Switchboard instances as real processes (`bun src/main.ts`) on one real PostgreSQL,
 * each with its own DATA_DIR, for tests that kill one with SIGKILL and watch another take over.
 * The test reads the shared database through repositories of its own.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import type { OpenDatabase } from "../../src/adapters/db/database.ts";
import { openDatabase } from "../../src/adapters/db/open.ts";
import { startServer, type RunningServer } from "./browser.ts";
import { startPostgres, type TestPostgres } from "./postgres.ts";

export interface Instances {
  databaseUrl: string;
  /** Starts an instance on the shared database, in a data folder of its own; `env` adds configuration. */
  start(env?: Record<string, string>): Promise<RunningServer & { dataDir: string }>;
  /** The test's own view of the shared database (opened once the first instance has migrated it). */
  repos(): Promise<OpenDatabase>;
  /** Kills what is still running, closes the database and removes the folders. */
  close(): Promise<void>;
}

/** @example const world = await startInstances("lease_takeover"); const a = await world.start({ CALL_LEASE_SECONDS: "3" }); */
export async function startInstances(database: string): Promise<Instances> {
  const pg: TestPostgres = await startPostgres();
  const databaseUrl = await pg.createDatabase(database);
  const dirs: string[] = [];
  const servers: RunningServer[] = [];
  let opened: OpenDatabase | null = null;
  return {
    databaseUrl,
    async start(env = {}) {
      const dataDir = mkdtempSync(join(tmpdir(), `sb-instance-${dirs.length}-`));
      dirs.push(dataDir);
      const server = await startServer({ DATABASE_URL: databaseUrl, DATA_DIR: dataDir, ...env }, 60_000);
      servers.push(server);
      return Object.assign(server, { dataDir });
    },
    async repos() {
      opened ??= await openDatabase({ databaseUrl, dataDir: dirs[0]!, logger: pino({ level: "silent" }) });
      return opened;
    },
    async close() {
      for (const server of servers) if (server.exitCode() === null) server.kill("SIGKILL");
      await Promise.all(servers.map((server) => server.exited));
      await opened?.close();
      await pg.stop();
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Polls `probe` every 100 ms until it gives something truthy, which it returns; throws naming `what` after `timeoutMs`. */
export async function until<T>(
  what: string,
  timeoutMs: number,
  probe: () => Promise<T | null | undefined | false> | T | null | undefined | false,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(100);
  }
}
