import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import postgres from "postgres";
import { openDatabase } from "../../src/adapters/db/open.ts";
import { chooseLiveEvents, directNeonUrl } from "../../src/compose/live-events.ts";
import { parseConfig, type Config } from "../../src/config.ts";
import { defineChannel, type LiveEvent } from "../../src/ports/live-events.ts";
import { freshPglite, startPostgres, type TestPostgres } from "../support/test-db.ts";

const quiet = pino({ level: "silent" });
const dataDir = mkdtempSync(join(tmpdir(), "switchboard-unused-"));
let server: TestPostgres;
let databaseUrl: string;

const configOf = (env: Record<string, string>): Config => {
  const parsed = parseConfig({ NODE_ENV: "test", DATA_DIR: dataDir, ...env });
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.config;
};

beforeAll(async () => {
  server = await startPostgres();
  databaseUrl = await server.createDatabase("choose_live_events");
}, 60_000);
afterAll(async () => {
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
}, 30_000);

describe("choosing live events", () => {
  test("on PGlite they stay in process (no adapter chosen here)", async () => {
    const repos = await freshPglite();
    try {
      expect((await chooseLiveEvents(configOf({}), repos, quiet)).liveEvents).toBeNull();
    } finally {
      await repos.close();
    }
  });

  test("with DATABASE_URL two instances share them, and closing the database closes the LISTEN connection", async () => {
    const config = configOf({ DATABASE_URL: databaseUrl });
    const one = await chooseLiveEvents(config, await openDatabase({ databaseUrl, dataDir }), quiet);
    const two = await chooseLiveEvents(config, await openDatabase({ databaseUrl, dataDir }), quiet);
    const channel = defineChannel<{ type: "status"; data: string }>("calls-test");
    const got: LiveEvent[] = [];
    two.liveEvents!.subscribe(channel, null, (event) => got.push(event));
    await one.liveEvents!.publish(channel, { type: "status", data: "ringing" });
    const deadline = Date.now() + 5000;
    while (got.length === 0 && Date.now() < deadline) await Bun.sleep(10);
    expect(got.map((e) => e.data)).toEqual(["ringing"]);
    await one.repos.close();
    await two.repos.close();
    const admin = postgres(databaseUrl, { max: 1, onnotice: () => {} });
    try {
      const listening = async () =>
        (
          await admin<{ n: number }[]>`
            select count(*)::int as n from pg_stat_activity where datname = current_database() and query ilike 'listen%'`
        )[0]!.n;
      const deadline = Date.now() + 5000;
      while ((await listening()) > 0 && Date.now() < deadline) await Bun.sleep(20);
      expect(await listening()).toBe(0);
    } finally {
      await admin.end({ timeout: 1 });
    }
  });

  test("a DATABASE_URL_DIRECT that cannot be reached stops start-up with one line naming it, no password", async () => {
    const config = configOf({
      DATABASE_URL: databaseUrl,
      DATABASE_URL_DIRECT: "postgres://postgres:hunter2secret@127.0.0.1:1/choose_live_events",
    });
    const repos = await openDatabase({ databaseUrl, dataDir });
    try {
      const error = await chooseLiveEvents(config, repos, quiet).then(
        () => null,
        (e: unknown) => e as Error,
      );
      expect(error?.message).toContain("DATABASE_URL_DIRECT");
      expect(error?.message).not.toContain("hunter2secret");
      expect(error?.message.split("\n")).toHaveLength(1);
    } finally {
      await repos.close();
    }
  }, 30_000);

  test("with Neon and no DATABASE_URL_DIRECT, LISTEN goes to the endpoint's direct host, not the pooler", () => {
    expect(
      directNeonUrl("postgres://u:p@ep-cool-darkness-123456-pooler.eu-west-2.aws.neon.tech/neondb?sslmode=require"),
    ).toBe("postgres://u:p@ep-cool-darkness-123456.eu-west-2.aws.neon.tech/neondb?sslmode=require");
    expect(directNeonUrl("postgres://u:p@ep-cool-darkness-123456.eu-west-2.aws.neon.tech/neondb")).toBe(
      "postgres://u:p@ep-cool-darkness-123456.eu-west-2.aws.neon.tech/neondb",
    );
    expect(directNeonUrl("postgres://u:p@db-pooler.internal:5432/app")).toBe(
      "postgres://u:p@db-pooler.internal:5432/app",
    );
  });
});
