import { describe, expect, test } from "bun:test";
import { limitPasswordWork } from "../../../src/adapters/local/limited-passwords.ts";

describe("password work, a few at a time", () => {
  test("at most `atOnce` run together; every call still completes, in the order it came", async () => {
    let running = 0;
    let mostAtOnce = 0;
    const finished: string[] = [];
    const slow = async (label: string) => {
      running++;
      mostAtOnce = Math.max(mostAtOnce, running);
      await Bun.sleep(10);
      running--;
      finished.push(label);
      return label;
    };
    const limited = limitPasswordWork({ hash: slow, verify: async (p) => (await slow(p)) === p }, 4);
    const labels = Array.from({ length: 12 }, (_, i) => `p${i}`);
    const results = await Promise.all(labels.map((p, i) => (i % 2 ? limited.verify(p, "") : limited.hash(p))));
    expect(mostAtOnce).toBe(4);
    expect(results).toEqual(labels.map((p, i) => (i % 2 ? true : p)));
    expect(finished).toEqual(labels);
  });

  test("a failing check frees its place", async () => {
    const limited = limitPasswordWork(
      { hash: async () => Promise.reject(new Error("broken")), verify: async () => true },
      1,
    );
    await expect(limited.hash("x")).rejects.toThrow("broken");
    expect(await limited.verify("x", "y")).toBe(true);
  });
});
