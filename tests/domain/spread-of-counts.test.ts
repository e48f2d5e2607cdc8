import { describe, expect, test } from "bun:test";
import { spreadOfCounts } from "../../src/domain/reports/spread-of-counts.ts";

describe("spreadOfCounts: percentile_cont over a histogram", () => {
  test("interpolates between neighbours as PostgreSQL does (values 20 and 40: median 30, p90 38)", () => {
    expect(
      spreadOfCounts([
        { value: 40, count: 1 },
        { value: 20, count: 1 },
      ]),
    ).toEqual({ count: 2, median: 30, p90: 38 });
  });

  test("a value counted many times is that many values", () => {
    // 1, 2, 2, 2, 10: median 2; p90 at position 3.6 → 2 + 0.6 × 8 = 6.8 → 7.
    expect(
      spreadOfCounts([
        { value: 2, count: 3 },
        { value: 1, count: 1 },
        { value: 10, count: 1 },
      ]),
    ).toEqual({
      count: 5,
      median: 2,
      p90: 7,
    });
  });

  test("buckets taken back to zero (or below) are ignored; nothing counted reads no percentiles", () => {
    expect(
      spreadOfCounts([
        { value: 5, count: 0 },
        { value: 9, count: -1 },
      ]),
    ).toEqual({ count: 0, median: null, p90: null });
    expect(
      spreadOfCounts([
        { value: 5, count: 0 },
        { value: 7, count: 1 },
      ]),
    ).toEqual({ count: 1, median: 7, p90: 7 });
  });

  test("matches a written-out percentile on random data", () => {
    const values = Array.from({ length: 101 }, (_, i) => (i * 37) % 50);
    const counts = new Map<number, number>();
    for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
    const sorted = [...values].sort((a, b) => a - b);
    const cont = (p: number) => {
      const pos = p * (sorted.length - 1);
      const lo = Math.floor(pos);
      return Math.round(sorted[lo]! + (pos - lo) * (sorted[Math.ceil(pos)]! - sorted[lo]!));
    };
    expect(spreadOfCounts([...counts].map(([value, count]) => ({ value, count })))).toEqual({
      count: 101,
      median: cont(0.5),
      p90: cont(0.9),
    });
  });
});
