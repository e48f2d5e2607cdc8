import { raw } from "hono/html";
import { formatPence } from "../domain/money.ts";
import { PRESET_LABELS, RANGE_PRESETS, type ReportRange } from "../domain/reports/date-range.ts";
import type { ReportChart } from "../domain/reports/charts.ts";
import type { ColumnKind, ReportTable } from "../domain/reports/tables.ts";
import { Layout, type PageContext } from "./layout.tsx";

export const REPORT_PAGES = {
  calls: {
    title: "Calls",
    blurb:
      "Volume by day and hour, answered and missed, time to answer, call length, missed calls won back, emergencies.",
  },
  jobs: {
    title: "Jobs and pipeline",
    blurb:
      "New leads by segment and channel, from first contact to quote, visit and payment, quotes awaiting an answer, visits per engineer.",
  },
  money: {
    title: "Money",
    blurb: "Quoted, accepted and paid by week and month, deposits and balances owed, VAT invoiced per VAT quarter.",
  },
} as const;
export type ReportPageName = keyof typeof REPORT_PAGES;

/** The range as query parameters, so links (other pages, CSV downloads) keep it. */
export const rangeQuery = (range: ReportRange) =>
  range.preset === "custom" ? `?range=custom&from=${range.firstDay}&to=${range.lastDay}` : `?range=${range.preset}`;

/** A GET form: works without script, and the address can be bookmarked or shared. */
function RangePicker(props: { range: ReportRange; action: string }) {
  const { range } = props;
  return (
    <form class="toolbar range-picker" method="get" action={props.action}>
      <label>
        Period{" "}
        <select name="range">
          {RANGE_PRESETS.map((preset) => (
            <option value={preset} selected={preset === range.preset}>
              {PRESET_LABELS[preset]}
            </option>
          ))}
        </select>
      </label>
      <label>
        From <input type="date" name="from" value={range.firstDay} />
      </label>
      <label>
        to <input type="date" name="to" value={range.lastDay} />
      </label>
      <button type="submit">Show</button>
      <span class="muted small">Dates are used when the period is Custom. London time.</span>
    </form>
  );
}

export function ReportsIndexPage(props: { ctx: PageContext; range: ReportRange }) {
  const query = rangeQuery(props.range);
  return (
    <Layout ctx={props.ctx} title="Reports">
      <h1>Reports</h1>
      <RangePicker range={props.range} action="/reports" />
      <p class="muted">{props.range.label}</p>
      <div class="grid reports-index">
        {(Object.keys(REPORT_PAGES) as ReportPageName[]).map((page) => (
          <section class="card">
            <h2>
              <a href={`/reports/${page}${query}`}>{REPORT_PAGES[page].title}</a>
            </h2>
            <p>{REPORT_PAGES[page].blurb}</p>
          </section>
        ))}
      </div>
    </Layout>
  );
}

const numberWords = new Intl.NumberFormat("en-GB", { maximumFractionDigits: 1 });

function cellText(value: string | number | null, kind: ColumnKind): string {
  if (value === null) return "–";
  if (typeof value === "string") return value;
  if (kind === "pence") return formatPence(value);
  if (kind === "percent") return `${numberWords.format(value)} %`;
  return numberWords.format(value);
}

/** Tables longer than this (a quarter or a year by day) fold behind a summary: the CSV has them whole. */
const FOLD_ROWS = 31;

function FigureTable(props: { table: ReportTable; csvHref: string }) {
  const { table } = props;
  const rows = <TableBody table={table} csvHref={props.csvHref} />;
  return (
    <div class="table-wrap report-table" id={`table-${table.id}`}>
      {table.rows.length > FOLD_ROWS ? (
        <details>
          <summary>
            {table.caption}: {table.rows.length} rows (<a href={props.csvHref}>CSV</a>)
          </summary>
          {rows}
        </details>
      ) : (
        rows
      )}
    </div>
  );
}

function TableBody(props: { table: ReportTable; csvHref: string }) {
  const { table } = props;
  return (
    <>
      <table>
        <caption>
          {table.caption} <a href={props.csvHref}>CSV</a>
        </caption>
        <thead>
          <tr>
            {table.columns.map((c) => (
              <th scope="col" class={c.kind === "text" ? undefined : "num"}>
                {c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {table.rows.length === 0 ? (
            <tr>
              <td colspan={table.columns.length} class="muted">
                Nothing in this range.
              </td>
            </tr>
          ) : (
            table.rows.map((row) => (
              <tr>
                {row.map((value, i) => {
                  const kind = table.columns[i]?.kind ?? "text";
                  return i === 0 ? (
                    <th scope="row">{cellText(value, kind)}</th>
                  ) : (
                    <td class={kind === "text" ? undefined : "num"}>{cellText(value, kind)}</td>
                  );
                })}
              </tr>
            ))
          )}
        </tbody>
      </table>
    </>
  );
}

export interface DrawnChart {
  chart: ReportChart;
  /** The SVG from the chart adapter (no script, scales to the width). */
  svg: string;
}

/**
 * One report page: the range picker, each chart above a sentence saying what it shows and a
 * link to its figures, then every table (the text alternative) with its CSV, then what the app
 * cannot tell.
 */
export function ReportPage(props: {
  ctx: PageContext;
  page: ReportPageName;
  range: ReportRange;
  charts: DrawnChart[];
  tables: ReportTable[];
  notes: string[];
}) {
  const { page, range } = props;
  const query = rangeQuery(range);
  return (
    <Layout ctx={props.ctx} title={`${REPORT_PAGES[page].title} report`}>
      <p class="small">
        <a href={`/reports${query}`}>Reports</a> ·{" "}
        {(Object.keys(REPORT_PAGES) as ReportPageName[]).map((other, i) => (
          <>
            {i > 0 ? " · " : ""}
            <a href={`/reports/${other}${query}`} aria-current={other === page ? "page" : undefined}>
              {REPORT_PAGES[other].title}
            </a>
          </>
        ))}
      </p>
      <h1>{REPORT_PAGES[page].title}</h1>
      <RangePicker range={range} action={`/reports/${page}`} />
      <p class="muted">
        {range.label}. Figures may be up to a minute old (a change to calls, leads, jobs, quotes or payments shows at
        once).
      </p>
      <div class="grid two report-charts">
        {props.charts.map(({ chart, svg }) => (
          <figure class="card chart-figure">
            <h2>{chart.title}</h2>
            {raw(svg)}
            <figcaption>
              {chart.summary} <a href={`#table-${chart.table}`}>Figures</a>
            </figcaption>
          </figure>
        ))}
      </div>
      <section class="card">
        <h2>Figures</h2>
        {props.tables.map((table) => (
          <FigureTable table={table} csvHref={`/reports/${page}/${table.id}.csv${query}`} />
        ))}
      </section>
      {props.notes.length > 0 ? (
        <section class="card report-notes">
          <h2>What these figures cannot show</h2>
          <ul>
            {props.notes.map((note) => (
              <li>{note}</li>
            ))}
          </ul>
        </section>
      ) : null}
    </Layout>
  );
}
