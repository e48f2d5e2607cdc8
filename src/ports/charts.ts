/**
 * A chart as plain data: what to draw, not how. The adapter (src/adapters/charts/) turns it into
 * an SVG that scales to its container (viewBox, width 100 %) and carries `alt` as its label.
 */
export type ChartSpec =
  | {
      kind: "bar";
      categories: string[];
      series: { name: string; values: number[] }[];
      /** Stack the series in one bar per category instead of side by side. */
      stacked?: boolean;
      /** Pounds: axis and labels in £ (values already in pounds). */
      money?: boolean;
      /** Bars along the y axis, for long category names. */
      horizontal?: boolean;
    }
  | {
      kind: "heatmap";
      /** Columns, left to right (hours). */
      x: string[];
      /** Rows, top to bottom (weekdays). */
      y: string[];
      /** [x index, y index, value]; cells not given are zero. */
      cells: [number, number, number][];
    };

/** Renders charts on the server, without a browser. */
export interface Charts {
  /** An `<svg>` element as a string; `alt` becomes its accessible name. */
  svg(spec: ChartSpec, alt: string): Promise<string>;
}
