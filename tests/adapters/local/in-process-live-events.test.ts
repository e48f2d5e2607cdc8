import { describe, expect, test } from "bun:test";
import { createInProcessLiveEvents } from "../../../src/adapters/local/in-process-live-events.ts";
import { defineChannel, type LiveEvent } from "../../../src/ports/live-events.ts";

type TestEvent =
  | { type: "segment"; data: string }
  | { type: "interim"; data: string }
  | { type: "details"; data: { version: number } }
  | { type: "caller"; data: { name: string } };
const retention = { interim: "transient", details: "latest", caller: "latest" } as const;
const call1 = defineChannel<TestEvent>("call:1", retention);
const call2 = defineChannel<TestEvent>("call:2", retention);

const collect = () => {
  const seen: LiveEvent[] = [];
  return { seen, listener: (event: LiveEvent) => seen.push(event), ids: () => seen.map((e) => e.id) };
};

describe("in-process live events", () => {
  test("ids rise by one per channel, and a late viewer gets exactly what it missed", async () => {
    const events = createInProcessLiveEvents();
    for (const text of ["a", "b", "c"]) await events.publish(call1, { type: "segment", data: text });
    await events.publish(call2, { type: "segment", data: "elsewhere" });
    expect(events.lastId(call1)).toBe(3);
    expect(events.lastId(call2)).toBe(1);
    const late = collect();
    const subscription = events.subscribe(call1, 1, late.listener);
    expect(subscription.replayed).toBe(true);
    await events.publish(call1, { type: "segment", data: "d" });
    expect(late.ids()).toEqual([2, 3, 4]);
    subscription.unsubscribe();
    await events.publish(call1, { type: "segment", data: "e" });
    expect(late.ids()).toEqual([2, 3, 4]);
  });

  test("transient events go to whoever is watching but are not kept for replay", async () => {
    const events = createInProcessLiveEvents();
    const watching = collect();
    events.subscribe(call1, null, watching.listener);
    await events.publish(call1, { type: "segment", data: "My boiler is leaking." });
    await events.publish(call1, { type: "interim", data: "It's in the" });
    await events.publish(call1, { type: "interim", data: "It's in the kitchen" });
    await events.publish(call1, { type: "segment", data: "It's in the kitchen." });
    expect(watching.ids()).toEqual([1, 2, 3, 4]);

    const reconnected = collect();
    const subscription = events.subscribe(call1, 0, reconnected.listener);
    expect(subscription.replayed).toBe(true); // nothing it needs was forgotten
    expect(reconnected.seen.map((e) => e.data)).toEqual(["My boiler is leaking.", "It's in the kitchen."]);
  });

  test("a `latest` event is kept for replay only until the next of its type: a long call keeps one details panel, not hundreds", async () => {
    const events = createInProcessLiveEvents({ keep: 4 });
    const watching = collect();
    events.subscribe(call1, null, watching.listener);
    await events.publish(call1, { type: "segment", data: "My boiler is leaking." });
    for (let i = 1; i <= 20; i++) await events.publish(call1, { type: "details", data: { version: i } });
    await events.publish(call1, { type: "caller", data: { name: "Sam" } });
    await events.publish(call1, { type: "segment", data: "It's in the kitchen." });
    expect(watching.ids()).toHaveLength(23); // everyone watching saw every one

    // Someone who saw nothing yet gets each line and the newest of each state, in order.
    const fresh = collect();
    expect(events.subscribe(call1, 0, fresh.listener).replayed).toBe(true);
    expect(fresh.seen.map((e) => [e.type, e.data])).toEqual([
      ["segment", "My boiler is leaking."],
      ["details", { version: 20 }],
      ["caller", { name: "Sam" }],
      ["segment", "It's in the kitchen."],
    ]);
    // Someone who saw up to details 10 gets what changed since: the newest details, the caller, the line.
    const midway = collect();
    expect(events.subscribe(call1, 11, midway.listener).replayed).toBe(true);
    expect(midway.seen.map((e) => e.id)).toEqual([21, 22, 23]);
    // Someone who has seen the newest details is not sent it again.
    const upToDate = collect();
    events.subscribe(call1, 21, upToDate.listener);
    expect(upToDate.seen.map((e) => e.type)).toEqual(["caller", "segment"]);
  });

  test("a viewer further behind than the events kept is told it could not be caught up", async () => {
    const events = createInProcessLiveEvents({ keep: 2 });
    for (const text of ["a", "b", "c", "d"]) await events.publish(call1, { type: "segment", data: text });
    const behind = collect();
    expect(events.subscribe(call1, 1, behind.listener).replayed).toBe(false);
    expect(behind.seen.map((e) => e.data)).toEqual(["c", "d"]);
    const justInTime = collect();
    expect(events.subscribe(call1, 2, justInTime.listener).replayed).toBe(true);
    expect(justInTime.seen.map((e) => e.data)).toEqual(["c", "d"]);
    // An id from before a restart (higher than any here) cannot be resumed from either.
    expect(events.subscribe(call1, 99, collect().listener).replayed).toBe(false);
  });
});
