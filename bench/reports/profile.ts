/**
 * `bun bench/reports/profile.ts`: seeds the bench year (bench/reports/seed.ts) on embedded
 * PostgreSQL and times each report statement for the year, printing EXPLAIN ANALYZE for the slow
 * ones: where a report page's time goes, statement by statement.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import postgres from "postgres";
import { openDatabase } from "../../src/adapters/db/open.ts";
import { londonDate } from "../../src/domain/london-time.ts";
import { resolveRange } from "../../src/domain/reports/date-range.ts";
import { startPostgres } from "../../tests/support/test-db.ts";
import { seedYear } from "./seed.ts";

const workDir = mkdtempSync(join(tmpdir(), "bench-reports-profile-"));
const server = await startPostgres();
try {
  const repos = await openDatabase({
    databaseUrl: server.url,
    dataDir: join(workDir, "data"),
    logger: pino({ level: "warn" }),
  });
  const client = postgres(server.url, { max: 1, onnotice: () => {} });
  await seedYear(client, (message) => console.log(`seed ${message}`));
  await client.end();
  const now = new Date();
  // `--month`: this month so far instead of the year.
  const month = process.argv.includes("--month");
  const range = resolveRange(
    month
      ? { from: `${londonDate(now).slice(0, 8)}01`, to: londonDate(now) }
      : { from: londonDate(new Date(now.getTime() - 364 * 86_400_000)), to: londonDate(now) },
    now,
  );
  if (!range.ok) throw new Error(range.message);
  // Log every statement drizzle sends with its time, through a wrapped execute.
  const db = repos.db as unknown as { execute: (q: unknown) => Promise<unknown> };
  const execute = db.execute.bind(db);
  const timings: { ms: number; sql: string; params: unknown[] }[] = [];
  db.execute = async (query) => {
    const started = performance.now();
    try {
      return await execute(query);
    } finally {
      const built = (
        repos.db as unknown as { dialect: { sqlToQuery: (q: unknown) => { sql: string; params: unknown[] } } }
      ).dialect.sqlToQuery(query);
      timings.push({ ms: performance.now() - started, ...built });
    }
  };
  for (const page of ["calls", "jobs", "money"] as const) {
    for (let round = 0; round < 3; round++) {
      timings.length = 0;
      const started = performance.now();
      if (page === "calls") await repos.reports.calls(range.value);
      if (page === "jobs") await repos.reports.jobs(range.value, now);
      if (page === "money") await repos.reports.money(range.value, now, 1);
      console.log(
        `${page} round ${round}: ${(performance.now() - started).toFixed(0)} ms; statements: ${timings.map((t) => t.ms.toFixed(0)).join(", ")}`,
      );
    }
    const explain = postgres(server.url, { max: 1, onnotice: () => {} });
    for (const t of timings.filter((t) => t.ms > 30)) {
      const plan = await explain.unsafe(`explain (analyze, buffers off) ${t.sql}`, t.params as never[]);
      console.log(
        `\n--- ${t.ms.toFixed(0)} ms: ${t.sql.replace(/\s+/g, " ").slice(0, 160)}\n${plan.map((r) => r["QUERY PLAN"]).join("\n")}`,
      );
    }
    await explain.end();
  }
  await repos.close();
} finally {
  await server.stop();
  rmSync(workDir, { recursive: true, force: true });
}
