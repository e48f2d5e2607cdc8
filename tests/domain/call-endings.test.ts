import { describe, expect, test } from "bun:test";
import { createCallEndings } from "../../src/domain/live-call/call-endings.ts";

const after = (ms: number, fail = false) =>
  new Promise<void>((resolve, reject) => setTimeout(() => (fail ? reject(new Error("filing failed")) : resolve()), ms));

describe("calls still ending, as shutdown waits for them", () => {
  test("drain waits for every pending ending, failed ones included, and for endings added while it waits", async () => {
    const endings = createCallEndings();
    let lateDone = false;
    endings.add(after(30));
    endings.add(after(10, true));
    endings.add(
      after(20).then(() => {
        // A stream closed by the shutdown itself starts its ending only now.
        endings.add(after(40).then(() => void (lateDone = true)));
      }),
    );
    expect(endings.pending).toBe(3);
    const started = Date.now();
    expect(await endings.drain(2000)).toBe(0);
    expect(lateDone).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(55);
    expect(endings.pending).toBe(0);
  });

  test("drain gives up at its timeout and says how many were left", async () => {
    const endings = createCallEndings();
    endings.add(new Promise(() => {}));
    endings.add(after(5));
    const started = Date.now();
    expect(await endings.drain(100)).toBe(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(95);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  test("with nothing pending, drain returns at once", async () => {
    const started = Date.now();
    expect(await createCallEndings().drain(10_000)).toBe(0);
    expect(Date.now() - started).toBeLessThan(50);
  });
});
