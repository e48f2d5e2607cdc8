/**
 * `npm run bench:compare -- <tree> <tree> [<tree>…]`: is one version of Switchboard slower than
 * another? Each tree (a checkout, e.g. `git worktree add --detach ../before <commit>`) is wired by
 * its own composition root in this one process, on its own database of one real PostgreSQL, and
 * the trees answer in interleaved blocks of requests. Sequential runs on a shared 2-core machine
 * drift by more than the differences worth finding; interleaving puts every tree under the same
 * load, so the ratios hold even when the absolute figures do not.
 *
 *   npm run bench:compare -- ../before . --requests 2000 --page search    (search | empty | dashboard)
 *
 * Per tree it prints wall p50/p99 of the page through `app.request` (no sockets), the process CPU
 * per page (user + system, the app's own work: PostgreSQL runs in its own process), and the same
 * for the leads repository's search alone, so the database's share can be told from the app's.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import postgres from "postgres";
import { startPostgres } from "../tests/support/test-db.ts";

const { values: options, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    requests: { type: "string", default: "2000" },
    leads: { type: "string", default: "10000" },
    calls: { type: "string", default: "20000" },
    page: { type: "string", default: "search" },
  },
});
const roots = positionals.map((tree) => resolve(tree));
if (roots.length < 2) throw new Error("name at least two trees to compare, e.g. npm run bench:compare -- ../before .");
if (!["search", "empty", "dashboard"].includes(options.page))
  throw new Error(`--page is search, empty or dashboard, not ${options.page}`);
const requests = Number(options.requests);
const BLOCK = 50;

interface Tree {
  root: string;
  page(url: string): Promise<Response>;
  search(query: string): Promise<unknown>;
  urls: string[];
  queries: string[];
  close(): Promise<void>;
}

/** One tree's app on its own database, logged in; imported from the tree, so its code is what runs. */
async function openTree(root: string, databaseUrl: string): Promise<Tree> {
  const from = (path: string) => import(join(root, path));
  const { openDatabase } = await from("src/adapters/db/open.ts");
  const { createBunPasswords } = await from("src/adapters/local/bun-passwords.ts");
  const compose = await from("src/compose/index.ts").catch(() => from("src/compose.ts"));
  const { parseConfig } = await from("src/config.ts");
  const { addStaffUser } = await from("src/domain/staff-access.ts");
  const { createApp } = await from("src/http/app.ts");
  const { createLogger } = await from("src/logger.ts");
  const { loadData, searchQueries } = await from("bench/data.ts");
  const logger = createLogger({ level: "warn", pretty: false });
  const dataDir = mkdtempSync(join(tmpdir(), "sb-compare-"));
  const opened = await openDatabase({ databaseUrl, dataDir, logger });
  await loadData(opened.db, { leads: Number(options.leads), calls: Number(options.calls) });
  const queries: string[] = await searchQueries(opened.db);
  await opened.close();
  const parsed = parseConfig({
    DATA_DIR: dataDir,
    DATABASE_URL: databaseUrl,
    NODE_ENV: "production",
    LOG_LEVEL: "warn",
  });
  if (!parsed.ok) throw new Error(parsed.error);
  const deps = await compose.composeDeps(parsed.config, logger);
  const app = createApp(deps);
  const email = "bench@handy.example";
  const password = "bench-password-long-enough";
  await addStaffUser(
    { staffUsers: deps.repos.staffUsers, passwords: createBunPasswords() },
    { email, password, role: "admin" },
  );
  const base = "http://127.0.0.1";
  const login: Response = await app.request(`${base}/login`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: base, "Sec-Fetch-Site": "same-origin" },
    body: new URLSearchParams({ email, password }).toString(),
  });
  const cookie = login.headers.get("Set-Cookie")?.split(";")[0];
  if (!cookie) throw new Error(`${root}: login failed (${login.status})`);
  const urls =
    options.page === "dashboard"
      ? ["/"]
      : options.page === "empty"
        ? ["/leads?q=nobody-is-called-this"]
        : queries.map((q) => `/leads?q=${encodeURIComponent(q)}`);
  return {
    root,
    urls,
    queries,
    page: (url) => app.request(`${base}${url}`, { headers: { Cookie: cookie } }),
    search: (query) => deps.repos.leads.search({ query, limit: 25, offset: 0 }),
    async close() {
      await deps.repos.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

interface Figures {
  pageMs: number[];
  pageCpuUs: number;
  searchMs: number[];
  searchCpuUs: number;
  count: number;
}

async function timedBlock(tree: Tree, figures: Figures | null) {
  let cpu = process.cpuUsage();
  for (let i = 0; i < BLOCK; i++) {
    const started = performance.now();
    const response = await tree.page(tree.urls[i % tree.urls.length]!);
    await response.text();
    if (response.status !== 200)
      throw new Error(`${tree.root}: ${tree.urls[i % tree.urls.length]} answered ${response.status}`);
    figures?.pageMs.push(performance.now() - started);
  }
  let used = process.cpuUsage(cpu);
  if (figures) figures.pageCpuUs += used.user + used.system;
  cpu = process.cpuUsage();
  for (let i = 0; i < BLOCK; i++) {
    const started = performance.now();
    await tree.search(tree.queries[i % tree.queries.length]!);
    figures?.searchMs.push(performance.now() - started);
  }
  used = process.cpuUsage(cpu);
  if (figures) {
    figures.searchCpuUs += used.user + used.system;
    figures.count += BLOCK;
  }
}

const quantile = (values: number[], q: number) => [...values].sort((a, b) => a - b)[Math.floor(values.length * q)]!;

const server = await startPostgres();
const admin = postgres(server.url, { max: 1 });
const trees: Tree[] = [];
try {
  for (const [i, root] of roots.entries()) {
    process.stderr.write(`loading ${root}\n`);
    await admin.unsafe(`create database compare_${i}`);
    trees.push(await openTree(root, server.url.replace(/\/[^/]*$/, `/compare_${i}`)));
  }
  const figures: Figures[] = trees.map(() => ({ pageMs: [], pageCpuUs: 0, searchMs: [], searchCpuUs: 0, count: 0 }));
  for (const tree of trees) for (let warm = 0; warm < 6; warm++) await timedBlock(tree, null);
  // Alternate the order each round so no tree always runs right after another's garbage.
  for (let round = 0; round * BLOCK < requests; round++)
    for (let i = 0; i < trees.length; i++) {
      const which = round % 2 === 0 ? i : trees.length - 1 - i;
      await timedBlock(trees[which]!, figures[which]!);
    }
  console.log(`page: ${options.page}, ${requests} requests per tree in blocks of ${BLOCK}, interleaved`);
  console.table(
    trees.map((tree, i) => {
      const f = figures[i]!;
      return {
        tree: tree.root,
        "page p50 ms": +quantile(f.pageMs, 0.5).toFixed(2),
        "page p99 ms": +quantile(f.pageMs, 0.99).toFixed(2),
        "CPU ms per page": +(f.pageCpuUs / 1000 / f.count).toFixed(3),
        "search p50 ms": +quantile(f.searchMs, 0.5).toFixed(2),
        "CPU ms per search": +(f.searchCpuUs / 1000 / f.count).toFixed(3),
      };
    }),
  );
} finally {
  for (const tree of trees) await tree.close();
  await admin.end();
  await server.stop();
}
