/**
 * The report roll-ups (drizzle/0028_report_rollups.sql) against a fresh aggregate of the rows
 * they summarise: each query below recounts a roll-up from scratch, the way the report pages
 * read the rows before there were roll-ups. Equal after any sequence of writes means the
 * triggers kept up. Zero rows are left out on both sides (a roll-up row taken back to nothing
 * stays as zeros).
 */
import { sql } from "drizzle-orm";
import type { Database } from "../../src/adapters/db/database-handle.ts";
import { rowsOf } from "../../src/adapters/db/reports/sql-helpers.ts";
import { RECOVERY_CTES } from "../../src/adapters/db/reports/missed-recovery.ts";
import { PgDialect } from "drizzle-orm/pg-core";

const MISSED = `status in ('no-answer', 'busy', 'canceled')`;
/** The recovery rule as the report read it before the roll-up (./missed-recovery.ts's RECOVERY_CTES). */
const recovery = new PgDialect().sqlToQuery(RECOVERY_CTES);
const RECOVERY_SQL = recovery.sql.replace(/\$(\d+)/g, (_, n: string) => `'${String(recovery.params[Number(n) - 1])}'`);

const ROLLUP_VERSUS_ROWS = {
  callHours: [
    `select hour, to_char(day, 'YYYY-MM-DD') as day, weekday, hour_of_day, inbound, answered, missed, other, outbound
     from report_call_hours where (inbound, answered, missed, other, outbound) <> (0, 0, 0, 0, 0) order by hour`,
    `select h as hour, to_char(l::date, 'YYYY-MM-DD') as day, extract(isodow from l)::smallint as weekday,
       extract(hour from l)::smallint as hour_of_day, inbound, answered, missed, other, outbound
     from (
       select floor(date_part('epoch', started_at) / 3600)::int as h,
         count(*) filter (where direction = 'inbound')::int as inbound,
         count(*) filter (where direction = 'inbound' and answered_at is not null)::int as answered,
         count(*) filter (where direction = 'inbound' and answered_at is null and ${MISSED})::int as missed,
         count(*) filter (where direction = 'inbound' and answered_at is null and not ${MISSED})::int as other,
         count(*) filter (where direction = 'outbound')::int as outbound
       from calls group by 1
     ) counted, lateral (select to_timestamp(h::float8 * 3600) at time zone 'Europe/London' as l) london
     order by hour`,
  ],
  callSeconds: [
    `select measure, to_char(day, 'YYYY-MM-DD') as day, seconds, calls from report_call_seconds where calls <> 0
     order by 1, 2, 3`,
    `select measure, to_char(day, 'YYYY-MM-DD') as day, seconds, count(*)::int as calls from (
       select 'answer' as measure, (started_at at time zone 'Europe/London')::date as day,
         report_seconds_bucket(extract(epoch from answered_at - started_at)) as seconds
       from calls where direction = 'inbound' and answered_at is not null
       union all
       select 'length', (started_at at time zone 'Europe/London')::date, report_seconds_bucket(duration_seconds)
       from calls where direction = 'inbound' and answered_at is not null and duration_seconds is not null
     ) v group by 1, 2, 3 order by 1, 2, 3`,
  ],
  moneyDays: [
    `select to_char(day, 'YYYY-MM-DD') as day, quoted, accepted, paid, invoices, net, vat, total from report_money_days
     where (quoted, accepted, paid, invoices, net, vat, total) <> (0, 0, 0, 0, 0, 0, 0) order by day`,
    `select to_char(day, 'YYYY-MM-DD') as day, sum(quoted) as quoted, sum(accepted) as accepted, sum(paid) as paid,
       sum(invoices)::int as invoices, sum(net) as net, sum(vat) as vat, sum(total) as total
     from (
       select (sent_at at time zone 'Europe/London')::date as day, (totals->>'totalPence')::float8 as quoted,
         0::float8 as accepted, 0::float8 as paid, 0 as invoices, 0::float8 as net, 0::float8 as vat, 0::float8 as total
       from quotes where status <> 'superseded' and sent_at is not null
       union all
       select (accepted_at at time zone 'Europe/London')::date, 0, (totals->>'totalPence')::float8, 0, 0, 0, 0, 0
       from quotes where accepted_at is not null
       union all
       select (paid_at at time zone 'Europe/London')::date, 0, 0, amount_pence, 0, 0, 0, 0
       from payments where status = 'paid' and paid_at is not null
       union all
       select (issued_at at time zone 'Europe/London')::date, 0, 0, 0, 1, (content->>'netPence')::float8,
         (content->>'vatPence')::float8, total_pence
       from invoices
     ) events group by 1 order by 1`,
  ],
  leadMilestones: [
    `select lead_id::text, created_at::text, quote_sent_at::text, accepted_at::text, visit_at::text, paid_at::text
     from report_lead_milestones order by lead_id`,
    `select l.id::text as lead_id, l.created_at::text, quoted.sent_at::text as quote_sent_at,
       quoted.accepted_at::text as accepted_at, visited.starts_at::text as visit_at, paid.paid_at::text as paid_at
     from leads l
       left join (select i.lead_id, min(q.sent_at) as sent_at, min(q.accepted_at) as accepted_at
         from quotes q join issues i on i.id = q.issue_id where q.sent_at is not null group by i.lead_id) quoted
         on quoted.lead_id = l.id
       left join (select i.lead_id, min(a.starts_at) as starts_at
         from appointments a join issues i on i.id = a.issue_id where a.status <> 'cancelled' group by i.lead_id) visited
         on visited.lead_id = l.id
       left join (select i.lead_id, min(p.paid_at) as paid_at
         from payments p join quotes q on q.id = p.quote_id join issues i on i.id = q.issue_id
         where p.status = 'paid' group by i.lead_id) paid on paid.lead_id = l.id
     order by l.id`,
  ],
  missedRecovery: [
    `select call_id::text, started_at::text, called_back_at::text, messaged_back_at::text from report_missed_calls
     order by call_id`,
    `with missed as (
       select id, lead_id, from_number, started_at from calls
       where direction = 'inbound' and answered_at is null and ${MISSED}
     ), ${RECOVERY_SQL}
     select m.id::text as call_id, m.started_at::text, called.at::text as called_back_at, messaged.at::text as messaged_back_at
     from missed m left join called on called.id = m.id left join messaged on messaged.id = m.id order by m.id`,
  ],
} as const;

export type RollupName = keyof typeof ROLLUP_VERSUS_ROWS;

/** Each roll-up as kept and as recounted from its rows, for `expect(kept).toEqual(recounted)`. */
export async function rollupVersusRows(
  db: Database,
): Promise<Record<RollupName, { kept: unknown[]; recounted: unknown[] }>> {
  const read = async (text: string) =>
    rowsOf<Record<string, unknown>>(await db.execute(sql.raw(text))).map((row) =>
      Object.fromEntries(
        Object.entries(row).map(([key, value]) => [
          key,
          value === null || Number.isNaN(Number(value)) ? value : Number(value),
        ]),
      ),
    );
  const result = {} as Record<RollupName, { kept: unknown[]; recounted: unknown[] }>;
  for (const [name, [kept, recounted]] of Object.entries(ROLLUP_VERSUS_ROWS)) {
    result[name as RollupName] = { kept: await read(kept), recounted: await read(recounted) };
  }
  return result;
}
