import type { Reports } from "../../ports/reports.ts";
import type { Database } from "./database-handle.ts";
import { callsReport } from "./reports/calls-report.ts";
import { jobsReport } from "./reports/jobs-report.ts";
import { moneyReport } from "./reports/money-report.ts";

/**
 * The report pages' figures as aggregate SQL (src/adapters/db/reports/): every count, sum and
 * percentile is computed by PostgreSQL over the range, so a page costs a few statements however
 * many calls, quotes and visits there are. Indexes: drizzle/0022_reports_indexes.sql.
 */
export function createReportsRepository(db: Database): Reports {
  return {
    calls: (range) => callsReport(db, range),
    jobs: (range, now) => jobsReport(db, range, now),
    money: (range, now, stagger) => moneyReport(db, range, now, stagger),
  };
}
