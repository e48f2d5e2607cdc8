import type { Spread } from "./figures.ts";

/** How many times one value was seen: a histogram bucket as the database keeps it. */
export interface ValueCount {
  value: number;
  count: number;
}

/**
 * The median and 90th percentile of values given as counts (a histogram read from a roll-up),
 * the same as PostgreSQL's percentile_cont over the values written out one by one: the
 * fractional position p·(n−1) in the sorted values, interpolated between its two neighbours;
 * rounded to whole units as the report shows them. Counts may come in any order; values counted
 * zero times (a roll-up row taken back to nothing) are ignored.
 * @example spreadOfCounts([{ value: 20, count: 1 }, { value: 40, count: 1 }]) // { count: 2, median: 30, p90: 38 }
 */
export function spreadOfCounts(counts: readonly ValueCount[]): Spread {
  const sorted = counts.filter((c) => c.count > 0).sort((a, b) => a.value - b.value);
  const n = sorted.reduce((sum, c) => sum + c.count, 0);
  if (n === 0) return { count: 0, median: null, p90: null };
  // The value at 0-based position i of the sorted values written out.
  const at = (i: number): number => {
    let seen = 0;
    for (const c of sorted) {
      seen += c.count;
      if (i < seen) return c.value;
    }
    return sorted.at(-1)!.value;
  };
  const percentile = (p: number): number => {
    const position = p * (n - 1);
    const below = Math.floor(position);
    const low = at(below);
    return Math.round(low + (position - below) * (at(Math.ceil(position)) - low));
  };
  return { count: n, median: percentile(0.5), p90: percentile(0.9) };
}
