import { describe, expect, test } from "bun:test";
import { createInProcessLiveEvents } from "../../../src/adapters/local/in-process-live-events.ts";
import type { LiveEvent } from "../../../src/ports/live-events.ts";

const collect = () => {
  const seen: LiveEvent[] = [];
  return { seen, listener: (event: LiveEvent) => seen.push(event), ids: () => seen.map((e) => e.id) };
};

describe("in-process live events", () => {
  test("ids rise by one per channel, and a late viewer gets exactly what it missed", async () => {
    const events = createInProcessLiveEvents();
    for (const text of ["a", "b", "c"]) await events.publish("call:1", "segment", text);
    await events.publish("call:2", "segment", "elsewhere");
    expect(events.lastId("call:1")).toBe(3);
    expect(events.lastId("call:2")).toBe(1);
    const late = collect();
    const subscription = events.subscribe("call:1", 1, late.listener);
    expect(subscription.replayed).toBe(true);
    await events.publish("call:1", "segment", "d");
    expect(late.ids()).toEqual([2, 3, 4]);
    subscription.unsubscribe();
    await events.publish("call:1", "segment", "e");
    expect(late.ids()).toEqual([2, 3, 4]);
  });

  test("transient events go to whoever is watching but are not kept for replay", async () => {
    const events = createInProcessLiveEvents();
    const watching = collect();
    events.subscribe("call:1", null, watching.listener);
    await events.publish("call:1", "segment", "My boiler is leaking.");
    await events.publish("call:1", "interim", "It's in the", { transient: true });
    await events.publish("call:1", "interim", "It's in the kitchen", { transient: true });
    await events.publish("call:1", "segment", "It's in the kitchen.");
    expect(watching.ids()).toEqual([1, 2, 3, 4]);

    const reconnected = collect();
    const subscription = events.subscribe("call:1", 0, reconnected.listener);
    expect(subscription.replayed).toBe(true); // nothing it needs was forgotten
    expect(reconnected.seen.map((e) => e.data)).toEqual(["My boiler is leaking.", "It's in the kitchen."]);
  });

  test("a viewer further behind than the events kept is told it could not be caught up", async () => {
    const events = createInProcessLiveEvents({ keep: 2 });
    for (const text of ["a", "b", "c", "d"]) await events.publish("call:1", "segment", text);
    const behind = collect();
    expect(events.subscribe("call:1", 1, behind.listener).replayed).toBe(false);
    expect(behind.seen.map((e) => e.data)).toEqual(["c", "d"]);
    const justInTime = collect();
    expect(events.subscribe("call:1", 2, justInTime.listener).replayed).toBe(true);
    expect(justInTime.seen.map((e) => e.data)).toEqual(["c", "d"]);
    // An id from before a restart (higher than any here) cannot be resumed from either.
    expect(events.subscribe("call:1", 99, collect().listener).replayed).toBe(false);
  });
});
