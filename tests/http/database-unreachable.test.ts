import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isDatabaseUnreachable } from "../../src/adapters/db/connection-errors.ts";
import type { OpenDatabase } from "../../src/adapters/db/database.ts";
import { openDatabase } from "../../src/adapters/db/open.ts";
import { startNeonProxy, type NeonProxy } from "../support/neon-proxy.ts";
import { startPostgres, type TestPostgres } from "../support/test-db.ts";
import { aLoggedInStaff, buildTestApp } from "../support/test-app.ts";

// A PostgreSQL restart (or fail-over) must read as "try again shortly" to the load balancer and
// the browser, not as a bug: 503 with Retry-After, and the same pages work once it is back.
let server: TestPostgres;
let proxy: NeonProxy;
const dataDir = mkdtempSync(join(tmpdir(), "switchboard-unused-"));
const opened: OpenDatabase[] = [];

beforeAll(async () => {
  server = await startPostgres();
  proxy = startNeonProxy();
}, 60_000);
afterAll(async () => {
  for (const repos of opened) await repos.close().catch(() => {});
  await proxy?.stop();
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
}, 30_000);

const drivers = [
  ["postgres.js", (url: string) => openDatabase({ databaseUrl: url, dataDir, connectTimeoutSeconds: 2 })],
  [
    "the Neon driver",
    (url: string) =>
      openDatabase({ databaseUrl: url, dataDir, neon: true, neonSettings: proxy.settings, connectTimeoutSeconds: 2 }),
  ],
] as const;

describe.each(drivers)("while PostgreSQL restarts, through %s", (name, open) => {
  test("a page answers 503 with Retry-After and a reason, JSON callers get it as JSON, and both work again after", async () => {
    const repos = await open(await server.createDatabase(`unreachable_${name.toLowerCase().replace(/\W/g, "_")}`));
    opened.push(repos);
    const world = buildTestApp(repos);
    const { browser } = await aLoggedInStaff(world);
    expect((await browser.request("/leads")).status).toBe(200);

    const seen: { page?: Response; pageText?: string; api?: Response } = {};
    await server.restart({
      whileDown: async () => {
        seen.page = await browser.request("/leads");
        seen.pageText = await seen.page.text();
        seen.api = await browser.request("/leads", { headers: { Accept: "application/json" } });
      },
    });

    expect(seen.page!.status).toBe(503);
    expect(seen.page!.headers.get("Retry-After")).toBe("5");
    expect(seen.pageText).toContain("The database cannot be reached for a moment");
    expect(seen.api!.status).toBe(503);
    expect(await seen.api!.json()).toEqual({
      error: "The database cannot be reached for a moment. Please try again in a few seconds.",
    });

    // Back up: the pool reconnects by itself (the first query may still meet a dead connection).
    let status = 0;
    for (let attempt = 0; attempt < 20 && status !== 200; attempt++) {
      status = (await browser.request("/leads")).status;
      if (status !== 200) await Bun.sleep(250);
    }
    expect(status).toBe(200);
  }, 60_000);
});

describe("isDatabaseUnreachable", () => {
  test("connection failures are; a query's own error is not", () => {
    expect(isDatabaseUnreachable(Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }))).toBe(
      true,
    );
    expect(isDatabaseUnreachable(new Error("query failed", { cause: { code: "57P01", message: "terminating" } }))).toBe(
      true,
    );
    expect(isDatabaseUnreachable(new Error("Connection terminated unexpectedly"))).toBe(true);
    expect(isDatabaseUnreachable(Object.assign(new Error("duplicate key"), { code: "23505" }))).toBe(false);
    expect(isDatabaseUnreachable(new Error("Cannot read properties of undefined"))).toBe(false);
  });
});
