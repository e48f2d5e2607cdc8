import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import { openDatabase } from "../../../src/adapters/db/open.ts";
import {
  createPostgresLiveEvents,
  INLINE_PAYLOAD_LIMIT,
  NOTIFY_CHANNEL,
  type PostgresLiveEvents,
} from "../../../src/adapters/db/postgres-live-events.ts";
import { defineChannel, type LiveEvent } from "../../../src/ports/live-events.ts";
import { startPostgres, type TestPostgres } from "../../support/test-db.ts";

type Said =
  | { type: "line"; data: { text: string } }
  | { type: "words"; data: { text: string } }
  | { type: "panel"; data: { text: string } };

// Two adapters on one database stand for two instances of Switchboard.
let server: TestPostgres;
let databaseUrl: string;
let a: PostgresLiveEvents;
let b: PostgresLiveEvents;
const dataDir = mkdtempSync(join(tmpdir(), "switchboard-unused-"));
let channelCount = 0;
const freshChannel = () => defineChannel<Said>(`call:test-${++channelCount}`, { words: "transient", panel: "latest" });

/** Collects what a subscriber gets; `until(n)` waits for the n-th event. */
function collector() {
  const got: LiveEvent<Said>[] = [];
  return {
    got,
    listener: (event: LiveEvent<Said>) => got.push(event),
    async until(count: number, ms = 5000) {
      const deadline = Date.now() + ms;
      while (got.length < count && Date.now() < deadline) await Bun.sleep(10);
      expect(got.length).toBeGreaterThanOrEqual(count);
    },
  };
}

beforeAll(async () => {
  server = await startPostgres();
  databaseUrl = await server.createDatabase("live_events");
  // Applies the migrations, as an instance's start-up does.
  const repos = await openDatabase({ databaseUrl, dataDir });
  await repos.close();
  a = createPostgresLiveEvents({ databaseUrl });
  b = createPostgresLiveEvents({ databaseUrl });
  await Promise.all([a.ready, b.ready]);
}, 60_000);
afterAll(async () => {
  await a?.close();
  await b?.close();
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
}, 30_000);

describe("PostgreSQL live events across instances", () => {
  test("an event published on A reaches a subscriber on B once and A's own subscriber once", async () => {
    const channel = freshChannel();
    const onA = collector();
    const onB = collector();
    a.subscribe(channel, null, onA.listener);
    b.subscribe(channel, null, onB.listener);
    const published = await a.publish(channel, { type: "line", data: { text: "my boiler is leaking" } });
    await onA.until(1);
    await onB.until(1);
    await Bun.sleep(200); // time for an echo or a second copy to show up
    expect(onA.got).toEqual([published]);
    expect(onB.got).toEqual([published]);
    expect(b.lastId(channel)).toBe(published.id);
  });

  test("ids rise by one per channel whichever instance publishes", async () => {
    const channel = freshChannel();
    const first = await a.publish(channel, { type: "line", data: { text: "one" } });
    const second = await b.publish(channel, { type: "line", data: { text: "two" } });
    const third = await a.publish(channel, { type: "words", data: { text: "thr" } });
    expect([first.id, second.id, third.id]).toEqual([1, 2, 3]);
  });

  test("events published without waiting keep the order they were published in", async () => {
    const channel = freshChannel();
    const onB = collector();
    b.subscribe(channel, null, onB.listener);
    const texts = Array.from({ length: 30 }, (_, n) => `line ${n}`);
    const published = await Promise.all(texts.map((text) => a.publish(channel, { type: "line", data: { text } })));
    expect(published.map((e) => e.id)).toEqual(texts.map((_, n) => n + 1));
    await onB.until(texts.length);
    expect(onB.got.map((e) => e.data.text)).toEqual(texts);
  });

  test("a payload over NOTIFY's 8000-byte limit arrives intact, by reference", async () => {
    const channel = freshChannel();
    const onB = collector();
    b.subscribe(channel, null, onB.listener);
    const text = "é".repeat(INLINE_PAYLOAD_LIMIT); // two bytes each in UTF-8
    // Watches the wire: what NOTIFY carried must be a reference, not the payload.
    const watcher = postgres(databaseUrl, { max: 1, onnotice: () => {} });
    const payloads: string[] = [];
    await watcher.listen(NOTIFY_CHANNEL, (payload) => payloads.push(payload));
    try {
      const published = await a.publish(channel, { type: "line", data: { text } });
      await onB.until(1);
      expect(onB.got[0]!.data.text).toBe(text);
      expect(onB.got[0]!.id).toBe(published.id);
      const deadline = Date.now() + 2000;
      while (payloads.length === 0 && Date.now() < deadline) await Bun.sleep(10);
      expect(JSON.parse(payloads[0]!)).toEqual({ c: channel.name, i: published.id, r: 1 });
    } finally {
      await watcher.end({ timeout: 1 });
    }
  });

  test("a large transient event also arrives, and is not replayed later", async () => {
    const channel = freshChannel();
    const onB = collector();
    b.subscribe(channel, null, onB.listener);
    await a.publish(channel, { type: "words", data: { text: "x".repeat(9000) } });
    await onB.until(1);
    expect(onB.got[0]!.data.text).toHaveLength(9000);
    const replay = collector();
    b.subscribe(channel, 0, replay.listener);
    await Bun.sleep(200);
    expect(replay.got).toEqual([]);
  });

  test("a viewer reconnecting to B with an id from A gets exactly what it missed, then live events", async () => {
    const channel = freshChannel();
    const seenOnA = await a.publish(channel, { type: "line", data: { text: "first" } });
    await a.publish(channel, { type: "words", data: { text: "sec" } }); // transient: not replayed
    const missed = await a.publish(channel, { type: "line", data: { text: "second" } });
    const onB = collector();
    const subscription = b.subscribe(channel, seenOnA.id, onB.listener);
    expect(subscription.replayed).toBe(true);
    await onB.until(1);
    const later = await a.publish(channel, { type: "line", data: { text: "third" } });
    await onB.until(2);
    await Bun.sleep(100);
    expect(onB.got.map((e) => [e.id, e.data.text])).toEqual([
      [missed.id, "second"],
      [later.id, "third"],
    ]);
  });

  test("of a `latest` type a reconnecting viewer gets only the newest, whichever instance published it", async () => {
    const channel = freshChannel();
    await a.publish(channel, { type: "panel", data: { text: "boiler" } });
    await b.publish(channel, { type: "panel", data: { text: "boiler, leaking" } });
    const line = await a.publish(channel, { type: "line", data: { text: "it's dripping" } });
    const newest = await b.publish(channel, { type: "panel", data: { text: "boiler, leaking, urgent" } });
    const replay = collector();
    b.subscribe(channel, 0, replay.listener);
    await replay.until(2);
    await Bun.sleep(100);
    expect(replay.got.map((e) => e.id)).toEqual([line.id, newest.id]);
  });

  test("an instance started later knows a channel's last id, so a page it renders resumes correctly", async () => {
    const channel = freshChannel();
    const published = await a.publish(channel, { type: "line", data: { text: "before C started" } });
    const c = createPostgresLiveEvents({ databaseUrl });
    try {
      await c.ready;
      expect(c.lastId(channel)).toBe(published.id);
    } finally {
      await c.close();
    }
  });

  test("when B's LISTEN connection is killed it listens again; what was stored in the gap is replayed", async () => {
    const channel = freshChannel();
    const onB = collector();
    b.subscribe(channel, null, onB.listener);
    await a.publish(channel, { type: "line", data: { text: "before" } });
    await onB.until(1);

    const admin = postgres(databaseUrl, { max: 1, onnotice: () => {} });
    try {
      const listeners = await admin<{ pid: number }[]>`
        select pid from pg_stat_activity where datname = current_database() and query ilike 'listen%'`;
      expect(listeners.length).toBe(2); // A's and B's
      // Both dropped: a gap for B whichever of the two it is.
      for (const { pid } of listeners) await admin`select pg_terminate_backend(${pid})`;
      // Published while nobody listens: stored, so replayed when B is back.
      const inGap = await a.publish(channel, { type: "line", data: { text: "during the gap" } });
      await onB.until(2, 15_000);
      expect(onB.got[1]!.id).toBe(inGap.id);

      const deadline = Date.now() + 15_000;
      let back = 0;
      while (back < 2 && Date.now() < deadline) {
        await Bun.sleep(100);
        const [row] = await admin<{ back: number }[]>`
          select count(*)::int as back from pg_stat_activity where datname = current_database() and query ilike 'listen%'`;
        back = row!.back;
      }
      expect(back).toBe(2);
      const after = await a.publish(channel, { type: "line", data: { text: "after" } });
      await onB.until(3);
      await Bun.sleep(100);
      expect(onB.got.map((e) => e.id)).toEqual([1, inGap.id, after.id]);
    } finally {
      await admin.end({ timeout: 1 });
    }
  }, 40_000);
});
