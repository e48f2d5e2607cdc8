import { sql } from "drizzle-orm";
import type { JobsReport } from "../../../domain/reports/figures.ts";
import type { ReportRange } from "../../../domain/reports/date-range.ts";
import type { Database } from "../database-handle.ts";
import { num, select, spreadColumns, spreadOf, within } from "./sql-helpers.ts";

/** A quote waiting on the customer: sent (perhaps seen), neither accepted nor declined. */
const AWAITING = sql.raw(`status in ('sent', 'viewed')`);

const AGE_BANDS = [
  { band: "up to 7 days", key: "age_7" },
  { band: "8–14 days", key: "age_14" },
  { band: "15–30 days", key: "age_30" },
  { band: "over 30 days", key: "age_more" },
] as const;

const hoursSince = (later: string) => sql.raw(`extract(epoch from ${later} - created_at) / 3600`);

/**
 * The jobs and pipeline page: leads first in touch in the range followed to quote, visit and
 * payment (from each lead's milestones, kept by the writes: drizzle/0029_report_lead_milestones.sql).
 */
export async function jobsReport(db: Database, range: ReportRange, now: Date): Promise<JobsReport> {
  const leadsInRange = within(sql`created_at`, range);
  const nowText = now.toISOString();
  const [bySegment, byChannel, [pipeline], [ages], byEngineer, [firstVisit]] = await Promise.all([
    select<{ segment: string; leads: number }>(
      db,
      sql`select segment, count(*)::int as leads from leads where ${leadsInRange} group by 1 order by 2 desc, 1`,
    ),
    select<{ channel: string; leads: number }>(
      db,
      sql`select source as channel, count(*)::int as leads from leads where ${leadsInRange} group by 1 order by 2 desc, 1`,
    ),
    select<Record<string, unknown>>(
      db,
      sql`
      select count(*)::int as leads, count(quote_sent_at)::int as quoted, count(accepted_at)::int as accepted,
        count(paid_at)::int as paid,
        ${spreadColumns("quote", hoursSince("quote_sent_at"))},
        ${spreadColumns("visit", hoursSince("visit_at"))},
        ${spreadColumns("payment", hoursSince("paid_at"))}
      from report_lead_milestones where ${leadsInRange}`,
    ),
    select<Record<string, unknown>>(
      db,
      sql`
      with waiting as (
        select extract(epoch from ${nowText}::timestamptz - sent_at) / 86400 as days,
          (totals->>'totalPence')::float8 as pence
        from quotes where ${AWAITING} and sent_at is not null
      )
      select
        count(*) filter (where days <= 7)::int as age_7, coalesce(sum(pence) filter (where days <= 7), 0) as age_7_p,
        count(*) filter (where days > 7 and days <= 14)::int as age_14, coalesce(sum(pence) filter (where days > 7 and days <= 14), 0) as age_14_p,
        count(*) filter (where days > 14 and days <= 30)::int as age_30, coalesce(sum(pence) filter (where days > 14 and days <= 30), 0) as age_30_p,
        count(*) filter (where days > 30)::int as age_more, coalesce(sum(pence) filter (where days > 30), 0) as age_more_p
      from waiting`,
    ),
    select<{ engineer: string; visits: number; done: number; no_access: number; open: number }>(
      db,
      sql`
      select coalesce(u.name, u.email) as engineer, count(*)::int as visits,
        count(*) filter (where a.status = 'done')::int as done,
        count(*) filter (where a.status = 'no_access')::int as no_access,
        count(*) filter (where a.status not in ('done', 'no_access'))::int as open
      from appointments a join staff_users u on u.id = a.engineer_id
      where a.status <> 'cancelled' and ${within(sql`a.starts_at`, range)}
      group by 1 order by 2 desc, 1`,
    ),
    // A job's first visit (cancelled ones aside) in the range and finished: fixed first time when
    // it was done and no other visit followed it for the same job.
    select<Record<string, unknown>>(
      db,
      sql`
      with visits as (
        select status, starts_at,
          row_number() over (partition by issue_id order by starts_at, id) as nth,
          count(*) over (partition by issue_id) as of_job
        from appointments
        where status <> 'cancelled'
          and issue_id in (select issue_id from appointments where ${within(sql`starts_at`, range)})
      )
      select count(*)::int as jobs,
        count(*) filter (where status = 'done' and of_job = 1)::int as fixed,
        count(*) filter (where status = 'no_access')::int as no_access,
        count(*) filter (where status = 'done' and of_job > 1)::int as returned
      from visits
      where nth = 1 and status in ('done', 'no_access') and ${within(sql`starts_at`, range)}`,
    ),
  ]);
  const p = pipeline ?? {};
  const a = ages ?? {};
  const f = firstVisit ?? {};
  return {
    bySegment: bySegment.map((r) => ({ segment: r.segment, leads: num(r.leads) })),
    byChannel: byChannel.map((r) => ({ channel: r.channel, leads: num(r.leads) })),
    funnel: { leads: num(p.leads), quoted: num(p.quoted), accepted: num(p.accepted), paid: num(p.paid) },
    hoursToQuote: spreadOf(p, "quote"),
    hoursToVisit: spreadOf(p, "visit"),
    hoursToPayment: spreadOf(p, "payment"),
    quotesOutstanding: AGE_BANDS.map(({ band, key }) => ({ band, quotes: num(a[key]), pence: num(a[`${key}_p`]) })),
    visitsByEngineer: byEngineer.map((r) => ({
      engineer: r.engineer,
      visits: num(r.visits),
      done: num(r.done),
      noAccess: num(r.no_access),
      open: num(r.open),
    })),
    firstVisit: { jobs: num(f.jobs), fixed: num(f.fixed), noAccess: num(f.no_access), returned: num(f.returned) },
  };
}
