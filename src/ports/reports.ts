import type { ReportRange, VatStagger } from "../domain/reports/date-range.ts";
import type { CallsReport, JobsReport, MoneyReport } from "../domain/reports/figures.ts";

/**
 * The report pages' figures, computed in the database with aggregate queries (never by reading
 * rows into the app). Each call reads one page's figures for a London date range; "as of now"
 * figures (quotes outstanding, balances due) are read at `now`.
 */
export interface Reports {
  calls(range: ReportRange): Promise<CallsReport>;
  jobs(range: ReportRange, now: Date): Promise<JobsReport>;
  money(range: ReportRange, now: Date, stagger: VatStagger): Promise<MoneyReport>;
}
