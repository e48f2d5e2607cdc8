import type * as Echarts from "echarts";
import type { ChartSpec, Charts } from "../../ports/charts.ts";

/** Drawing size; the SVG keeps it as its viewBox and scales to the page's width. */
const WIDTH = 720;
const HEIGHT = 320;
/** Same spec, same SVG: keep the last few, since a chart costs 15–30 ms to draw and pages reload often. */
const CACHE_SIZE = 200;
/**
 * More bars than this per series (a year by day) are drawn as one path per series (ECharts'
 * `large` mode) instead of one element per bar: the same picture, a quarter of the SVG and a
 * third to a fifth of the drawing time (bench/RESULTS.md, 2026-12-03 roll-ups).
 */
const LARGE_BARS = 60;

const PALETTE = ["#1d4ed8", "#dc2626", "#9ca3af", "#059669", "#d97706", "#7c3aed"];
const FONT = { fontFamily: "system-ui, sans-serif", fontSize: 13 };
const pounds = (value: number) => `£${value.toLocaleString("en-GB", { maximumFractionDigits: 0 })}`;

function barOption(spec: Extract<ChartSpec, { kind: "bar" }>): Echarts.EChartsOption {
  const category = { type: "category" as const, data: spec.categories, axisLabel: { hideOverlap: true } };
  const value = { type: "value" as const, axisLabel: spec.money ? { formatter: pounds } : {}, minInterval: 1 };
  return {
    legend: spec.series.length > 1 ? { top: 0, textStyle: FONT } : undefined,
    grid: { left: spec.horizontal ? 130 : 60, right: 20, top: spec.series.length > 1 ? 36 : 16, bottom: 40 },
    xAxis: spec.horizontal ? value : category,
    yAxis: spec.horizontal ? { ...category, inverse: true } : value,
    series: spec.series.map((s) => ({
      type: "bar" as const,
      name: s.name,
      data: s.values,
      stack: spec.stacked ? "all" : undefined,
      large: spec.categories.length > LARGE_BARS,
      largeThreshold: LARGE_BARS,
    })),
  };
}

function heatmapOption(spec: Extract<ChartSpec, { kind: "heatmap" }>): Echarts.EChartsOption {
  const max = Math.max(1, ...spec.cells.map((c) => c[2]));
  return {
    grid: { left: 50, right: 20, top: 10, bottom: 70 },
    xAxis: { type: "category", data: spec.x, splitArea: { show: true } },
    yAxis: { type: "category", data: spec.y, inverse: true },
    visualMap: {
      min: 0,
      max,
      orient: "horizontal",
      left: "center",
      bottom: 0,
      calculable: false,
      inRange: { color: ["#eff6ff", "#1d4ed8"] },
      textStyle: FONT,
    },
    series: [{ type: "heatmap", data: spec.cells, label: { show: false } }],
  };
}

/**
 * Apache ECharts' server-side SVG renderer: no DOM, no browser, no animation. The `<svg>` it
 * returns is made responsive (width 100 %, height from the viewBox) and labelled for screen readers.
 * @example createEchartsSvgCharts().svg({ kind: "bar", categories: ["Mon"], series: [{ name: "Calls", values: [3] }] }, "3 calls on Monday")
 */
export function createEchartsSvgCharts(): Charts {
  const cache = new Map<string, string>();
  return {
    async svg(spec, alt) {
      const key = JSON.stringify([spec, alt]);
      const hit = cache.get(key);
      if (hit !== undefined) return hit;
      const echarts = await loadEcharts();
      const chart = echarts.init(null, null, { renderer: "svg", ssr: true, width: WIDTH, height: HEIGHT });
      try {
        chart.setOption({
          animation: false,
          color: PALETTE,
          textStyle: FONT,
          ...(spec.kind === "bar" ? barOption(spec) : heatmapOption(spec)),
        });
        const svg = labelled(chart.renderToSVGString(), alt);
        if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
        cache.set(key, svg);
        return svg;
      } finally {
        chart.dispose();
      }
    },
  };
}

// Imported on the first chart, not at start-up: ECharts takes a quarter of a second to load, and
// the command line and most processes never draw one.
let echartsModule: Promise<typeof Echarts> | null = null;
const loadEcharts = () => {
  echartsModule ??= import("echarts");
  return echartsModule;
};

const escapeAttribute = (text: string) =>
  text.replaceAll("&", "&amp;").replaceAll('"', "&quot;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");

/** Swaps the fixed size for a fluid one (the viewBox keeps the proportions) and names the image. */
function labelled(svg: string, alt: string): string {
  return svg.replace(
    /^<svg width="\d+" height="\d+"/,
    `<svg width="100%" class="chart" role="img" aria-label="${escapeAttribute(alt)}" preserveAspectRatio="xMidYMid meet"`,
  );
}
