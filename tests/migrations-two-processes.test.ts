/**
 * Two instances started together on one fresh PostgreSQL: both come up, and each migration is
 * applied once — the advisory lock in src/adapters/db/migrations.ts makes the second wait for the
 * first, across processes (tests/adapters/db/postgres.test.ts races connections in one process).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import { MIGRATIONS_FOLDER } from "../src/adapters/db/migrations.ts";
import { startServer, type RunningServer } from "./support/browser.ts";
import { startPostgres, type TestPostgres } from "./support/postgres.ts";

const journal = JSON.parse(readFileSync(join(MIGRATIONS_FOLDER, "meta", "_journal.json"), "utf8")) as {
  entries: unknown[];
};
const dirs = [mkdtempSync(join(tmpdir(), "sb-migrate-a-")), mkdtempSync(join(tmpdir(), "sb-migrate-b-"))];
let pg: TestPostgres;
const servers: RunningServer[] = [];

beforeAll(async () => {
  pg = await startPostgres();
}, 60_000);
afterAll(async () => {
  await Promise.all(servers.map((server) => server.stop()));
  await pg?.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
}, 30_000);

describe("two processes migrating one fresh database at once", () => {
  test("both start, and every migration is applied exactly once", async () => {
    const databaseUrl = await pg.createDatabase("two_processes");
    const started = await Promise.allSettled(
      dirs.map((dir) => startServer({ DATABASE_URL: databaseUrl, DATA_DIR: dir }, 60_000)),
    );
    for (const result of started) if (result.status === "fulfilled") servers.push(result.value);
    expect(started.map((result) => result.status)).toEqual(["fulfilled", "fulfilled"]);
    for (const server of servers) expect((await fetch(`${server.url}/ready`)).status).toBe(200);

    const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
    try {
      const rows = await sql<{ hash: string }[]>`select hash from drizzle.__drizzle_migrations`;
      expect(rows.length).toBe(journal.entries.length);
      expect(new Set(rows.map((row) => row.hash)).size).toBe(rows.length);
    } finally {
      await sql.end();
    }
  }, 120_000);
});
