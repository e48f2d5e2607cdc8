import { stringify } from "csv-stringify/sync";
import { Hono, type Context } from "hono";
import { callsCharts, jobsCharts, moneyCharts, type ReportChart } from "../../domain/reports/charts.ts";
import { resolveRange, type ReportRange } from "../../domain/reports/date-range.ts";
import { RECOVERY_DAYS } from "../../domain/reports/figures.ts";
import { callsTables, csvCell, jobsTables, moneyTables, type ReportTable } from "../../domain/reports/tables.ts";
import { REPORT_PAGES, ReportPage, ReportsIndexPage, type ReportPageName } from "../../views/reports.tsx";
import type { AppDeps, AppEnv } from "../deps.ts";
import { notFound, rejectionError } from "../errors.ts";
import { pageContext } from "../page-context.ts";

/** What each page cannot show because the app does not record it: said on the page, not guessed. */
const NOTES: Record<ReportPageName, string[]> = {
  calls: [
    "Calls staff make or take on their own phones are not known to the app; outbound figures count calls made through it.",
    `A missed call counts as recovered when staff called the number back or messaged the caller within ${RECOVERY_DAYS} days; the automatic missed-call reply does not count, and a caller who rang again is not counted as recovered.`,
    "Time to answer runs from when the call reached the app to when someone picked up; time spent in a phone menu before that is not recorded.",
  ],
  jobs: [
    "Whether a fault was fixed is not recorded: a first visit marked done with no other visit booked for the job counts as fixed first time.",
    "Leads merged into another keep the older lead's first contact; leads added by staff count under “Added by staff”.",
  ],
  money: [
    "Amounts include VAT. Refunds are not recorded by the app: paid is money taken.",
    "Invoices are issued when money is taken, so VAT invoiced follows payments, not work done; VAT on purchases is not known here.",
  ],
};

interface PageFigures {
  charts: ReportChart[];
  tables: ReportTable[];
}

async function figuresFor(deps: AppDeps, page: ReportPageName, range: ReportRange): Promise<PageFigures> {
  const reports = deps.reports.figures;
  switch (page) {
    case "calls": {
      const report = await reports.calls(range);
      return { charts: callsCharts(report), tables: callsTables(report) };
    }
    case "jobs": {
      const report = await reports.jobs(range, deps.now());
      return { charts: jobsCharts(report), tables: jobsTables(report) };
    }
    case "money": {
      const report = await reports.money(range, deps.now(), deps.reports.vatStagger);
      return { charts: moneyCharts(report), tables: moneyTables(report) };
    }
  }
}

const isPage = (page: string): page is ReportPageName => Object.hasOwn(REPORT_PAGES, page);

/** The range the address asks for; a bad one is a 400 with the reason, before any query runs. */
function rangeOf(c: Context<AppEnv>): ReportRange {
  const deps = c.get("deps");
  const range = resolveRange(
    { range: c.req.query("range"), from: c.req.query("from"), to: c.req.query("to") },
    deps.now(),
    deps.reports.vatStagger,
  );
  if (!range.ok) throw rejectionError(range);
  return range.value;
}

/** A table as CSV: its column labels, then its rows (pounds with two decimals, empty for none). */
export function tableCsv(table: ReportTable): string {
  return stringify([
    table.columns.map((c) => c.label),
    ...table.rows.map((row) => row.map((value, i) => csvCell(value, table.columns[i]?.kind ?? "text"))),
  ]);
}

/**
 * The report pages (staff and admins; engineers are kept to their day by engineerScope):
 * `/reports`, `/reports/calls|jobs|money`, and every table as `/reports/<page>/<table>.csv`,
 * each taking `?range=<preset>` or `?range=custom&from=YYYY-MM-DD&to=YYYY-MM-DD`.
 */
export function reportRoutes() {
  const app = new Hono<AppEnv>();

  app.get("/reports", (c) => c.html(<ReportsIndexPage ctx={pageContext(c)} range={rangeOf(c)} />));

  app.get("/reports/:page", async (c) => {
    const page = c.req.param("page");
    if (!isPage(page)) throw notFound("report");
    const range = rangeOf(c);
    const deps = c.get("deps");
    const { charts, tables } = await figuresFor(deps, page, range);
    const drawn = await Promise.all(
      charts.map(async (chart) => ({ chart, svg: await deps.reports.charts.svg(chart.spec, chart.summary) })),
    );
    return c.html(
      <ReportPage ctx={pageContext(c)} page={page} range={range} charts={drawn} tables={tables} notes={NOTES[page]} />,
    );
  });

  app.get("/reports/:page/:file", async (c) => {
    const page = c.req.param("page");
    const id = /^([a-z-]+)\.csv$/.exec(c.req.param("file"))?.[1];
    if (!isPage(page) || !id) throw notFound("report table");
    const range = rangeOf(c);
    const table = (await figuresFor(c.get("deps"), page, range)).tables.find((t) => t.id === id);
    if (!table) throw notFound("report table");
    const name = `${page}-${table.id}-${range.firstDay}-to-${range.lastDay}.csv`;
    return c.body(tableCsv(table), 200, {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${name}"`,
    });
  });

  return app;
}
