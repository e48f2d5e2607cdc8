import { afterAll, beforeAll } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase } from "../../../src/adapters/db/open.ts";
import type { OpenDatabase } from "../../../src/adapters/db/database.ts";
import { freshPglite, startPostgres, type TestPostgres } from "../../support/test-db.ts";
import { reportsContract } from "./reports-contract.ts";

let server: TestPostgres;
const opened: OpenDatabase[] = [];
const dataDir = mkdtempSync(join(tmpdir(), "switchboard-reports-"));

beforeAll(async () => {
  server = await startPostgres();
}, 60_000);
afterAll(async () => {
  await Promise.all(opened.map((repos) => repos.close()));
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
}, 30_000);

const keep = (repos: OpenDatabase) => {
  opened.push(repos);
  return repos;
};

reportsContract("PGlite", async () => keep(await freshPglite()));
reportsContract("PostgreSQL", async () =>
  keep(await openDatabase({ databaseUrl: await server.createDatabase("reports_figures"), dataDir })),
);
