import { sql } from "drizzle-orm";
import { vatQuartersBetween, type ReportRange, type VatStagger } from "../../../domain/reports/date-range.ts";
import { monthsBetween, weeksBetween } from "../../../domain/reports/periods.ts";
import type { MoneyPeriod, MoneyReport } from "../../../domain/reports/figures.ts";
import type { Database } from "../database-handle.ts";
import { num, onDays, select } from "./sql-helpers.ts";

type PeriodRow = { week: string | null; month: string | null; quoted: number; accepted: number; paid: number };

/** The money page: quoted, accepted and paid by week and month, what is owed now, VAT by quarter. */
export async function moneyReport(
  db: Database,
  range: ReportRange,
  now: Date,
  stagger: VatStagger,
): Promise<MoneyReport> {
  const shift = sql.raw(`interval '${stagger - 1} months'`);
  const days = onDays(range);
  const [periods, [owed], quarters] = await Promise.all([
    // The day roll-up (drizzle/0028_report_rollups.sql), grouped two ways at once.
    select<PeriodRow>(
      db,
      sql`
      select to_char(date_trunc('week', day), 'YYYY-MM-DD') as week, null as month,
        sum(quoted) as quoted, sum(accepted) as accepted, sum(paid) as paid
      from report_money_days where ${days} group by 1
      union all
      select null, to_char(date_trunc('month', day), 'YYYY-MM-DD'), sum(quoted), sum(accepted), sum(paid)
      from report_money_days where ${days} group by 2`,
    ),
    select<Record<string, unknown>>(
      db,
      sql`
      with owed as (
        select q.status, (q.totals->>'totalPence')::float8 as total, (q.totals->>'depositPence')::float8 as deposit,
          coalesce((select sum(p.amount_pence) from payments p where p.quote_id = q.id and p.status = 'paid'), 0)::float8 as paid
        from quotes q where q.status in ('accepted', 'deposit_paid')
      )
      select
        count(*) filter (where status = 'accepted' and deposit > 0)::int as deposits,
        coalesce(sum(deposit - paid) filter (where status = 'accepted' and deposit > 0), 0) as deposits_p,
        count(*) filter (where status = 'deposit_paid')::int as balances,
        coalesce(sum(total - paid) filter (where status = 'deposit_paid'), 0) as balances_p,
        count(*) filter (where status = 'accepted' and not deposit > 0)::int as unpaid,
        coalesce(sum(total - paid) filter (where status = 'accepted' and not deposit > 0), 0) as unpaid_p
      from owed`,
    ),
    select<{ quarter: string; invoices: number; net: number; vat: number; total: number }>(
      db,
      sql`
      select to_char(date_trunc('quarter', day - ${shift}) + ${shift}, 'YYYY-MM-DD') as quarter,
        sum(invoices)::int as invoices, sum(net) as net, sum(vat) as vat, sum(total) as total
      from report_money_days where ${days} group by 1`,
    ),
  ]);
  const o = owed ?? {};
  const fill = (starts: string[], key: "week" | "month"): MoneyPeriod[] => {
    const found = new Map(periods.filter((p) => p[key] !== null).map((p) => [p[key]!, p]));
    return starts.map((start) => {
      const p = found.get(start);
      return { start, quotedPence: num(p?.quoted), acceptedPence: num(p?.accepted), paidPence: num(p?.paid) };
    });
  };
  const byQuarter = new Map(quarters.map((q) => [q.quarter, q]));
  return {
    byWeek: fill(weeksBetween(range.firstDay, range.lastDay), "week"),
    byMonth: fill(monthsBetween(range.firstDay, range.lastDay), "month"),
    outstanding: {
      deposits: { quotes: num(o.deposits), pence: num(o.deposits_p) },
      balances: { quotes: num(o.balances), pence: num(o.balances_p) },
      unpaidAccepted: { quotes: num(o.unpaid), pence: num(o.unpaid_p) },
    },
    vatByQuarter: vatQuartersBetween(range.firstDay, range.lastDay, stagger).map((quarter) => {
      const q = byQuarter.get(quarter);
      return {
        quarter,
        invoices: num(q?.invoices),
        netPence: num(q?.net),
        vatPence: num(q?.vat),
        totalPence: num(q?.total),
      };
    }),
  };
}
