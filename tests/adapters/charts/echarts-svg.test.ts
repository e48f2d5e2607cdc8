import { describe, expect, test } from "bun:test";
import { createEchartsSvgCharts } from "../../../src/adapters/charts/echarts-svg.ts";
import type { ChartSpec } from "../../../src/ports/charts.ts";

const year = (offset: number): ChartSpec => ({
  kind: "bar",
  stacked: true,
  categories: Array.from({ length: 365 }, (_, i) => `day ${i}`),
  series: ["Answered", "Missed", "Other"].map((name, k) => ({
    name,
    values: Array.from({ length: 365 }, (_, i) => ((i + offset) * (k + 7)) % 40),
  })),
});

describe("ECharts SVG charts", () => {
  test("a year of days is drawn as one path per series, not 1,095 bars, labelled and fluid", async () => {
    const svg = await createEchartsSvgCharts().svg(year(0), "Calls by day for a year");
    expect(svg.startsWith('<svg width="100%" class="chart" role="img" aria-label="Calls by day for a year"')).toBe(
      true,
    );
    // One element per bar made this 178 KB; ECharts' large mode draws each series as one path.
    expect(svg.length).toBeLessThan(80_000);
    expect((svg.match(/<path /g) ?? []).length).toBeLessThan(300);
  });

  test("a week keeps a bar per day; the same figures give the same SVG from the cache", async () => {
    const charts = createEchartsSvgCharts();
    const week: ChartSpec = {
      kind: "bar",
      categories: ["Mon", "Tue", "Wed"],
      series: [{ name: "Calls", values: [3, 5, 2] }],
    };
    const first = await charts.svg(week, "Calls by day");
    expect((first.match(/<path d="M[^"]*" [^>]*fill="#1d4ed8"/g) ?? []).length).toBe(3);
    expect(await charts.svg(week, "Calls by day")).toBe(first);
    expect(await charts.svg(year(1), "x")).not.toBe(await charts.svg(year(2), "x"));
  });
});
