import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import postgres from "postgres";
import { openDatabase } from "../../src/adapters/db/open.ts";
import { chooseLiveEvents, directNeonUrl } from "../../src/compose/live-events.ts";
import { cacheSettings } from "../../src/compose/settings-cache.ts";
import { SETTINGS_CHANNEL } from "../../src/domain/settings-channel.ts";
import { until } from "../support/instances.ts";
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

describe("company settings held per instance", () => {
  test("a change on one instance reaches the other's copy at once; reads in between do not touch the database", async () => {
    const config = configOf({ DATABASE_URL: databaseUrl });
    const one = await chooseLiveEvents(config, await openDatabase({ databaseUrl, dataDir }), quiet);
    const two = await chooseLiveEvents(config, await openDatabase({ databaseUrl, dataDir }), quiet);
    try {
      let reads = 0;
      const countedGet = two.repos.settings.get.bind(two.repos.settings);
      two.repos.settings.get = (key) => (reads++, countedGet(key));
      let clock = 0;
      cacheSettings({ repos: one.repos, liveEvents: one.liveEvents!, now: () => clock });
      cacheSettings({ repos: two.repos, liveEvents: two.liveEvents!, now: () => clock });

      const announced: string[] = [];
      two.liveEvents!.subscribe(SETTINGS_CHANNEL, null, (event) => announced.push(event.data.key));
      await one.repos.settings.set("cache_test", { advice: "first" }, null);
      await until("the change announced to instance two", 5000, () => announced.length === 1);
      expect(await two.repos.settings.get("cache_test")).toEqual({ advice: "first" });
      expect(await two.repos.settings.get("cache_test")).toEqual({ advice: "first" });
      expect(reads).toBe(1);

      await one.repos.settings.set("cache_test", { advice: "second" }, null);
      const deadline = Date.now() + 5000;
      let seen: unknown = null;
      while (Date.now() < deadline) {
        seen = await two.repos.settings.get("cache_test");
        if ((seen as { advice: string }).advice === "second") break;
        await Bun.sleep(10);
      }
      expect(seen).toEqual({ advice: "second" });

      // A change whose announcement never came (written by a handle that announces nothing, as
      // while a LISTEN connection is down) is picked up once the copy is a minute old.
      const silent = await openDatabase({ databaseUrl, dataDir });
      try {
        await silent.settings.set("cache_test", { advice: "third" }, null);
      } finally {
        await silent.close();
      }
      await Bun.sleep(200);
      expect(await two.repos.settings.get("cache_test")).toEqual({ advice: "second" });
      clock += 61_000;
      expect(await two.repos.settings.get("cache_test")).toEqual({ advice: "third" });
    } finally {
      await one.repos.close();
      await two.repos.close();
    }
  });
});
