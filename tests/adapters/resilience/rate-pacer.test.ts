import { expect, test } from "bun:test";
import { createRatePacer } from "../../../src/adapters/resilience/rate-pacer.ts";

test("a burst is paced to the rate, in order, and nothing is dropped", async () => {
  const pacer = createRatePacer({ perSecond: 20, burst: 1 });
  const started = performance.now();
  const times: number[] = [];
  const order: number[] = [];
  await Promise.all(
    Array.from({ length: 30 }, (_, i) =>
      pacer.take().then(() => {
        times.push(performance.now() - started);
        order.push(i);
      }),
    ),
  );
  expect(order).toEqual(Array.from({ length: 30 }, (_, i) => i));
  // 30 at 20 a second: the first at once, the last about 1.45 s later.
  expect(times.at(-1)!).toBeGreaterThan(1_350);
  // Never more than the rate: in any one-second window at most 20 (+ the burst of 1).
  for (const t of times) expect(times.filter((u) => u >= t && u < t + 1_000).length).toBeLessThanOrEqual(21);
  expect(pacer.waiting()).toBe(0);
});

test("after a quiet spell the burst goes at once", async () => {
  const pacer = createRatePacer({ perSecond: 5, burst: 3 });
  const started = performance.now();
  await Promise.all([pacer.take(), pacer.take(), pacer.take()]);
  expect(performance.now() - started).toBeLessThan(50);
  await pacer.take();
  expect(performance.now() - started).toBeGreaterThan(150);
});
