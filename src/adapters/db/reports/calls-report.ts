import { sql } from "drizzle-orm";
import type { CallsReport } from "../../../domain/reports/figures.ts";
import type { ReportRange } from "../../../domain/reports/date-range.ts";
import type { Database } from "../database-handle.ts";
import { spreadOfCounts, type ValueCount } from "../../../domain/reports/spread-of-counts.ts";
import { num, onDays, select, spreadColumns, spreadOf, within } from "./sql-helpers.ts";

/** Seconds [from, to): the edges are edges of the roll-up's length buckets, so each band is exact. */
const LENGTH_BANDS = [
  { band: "under 1 min", from: Number.NEGATIVE_INFINITY, to: 60 },
  { band: "1–3 min", from: 60, to: 180 },
  { band: "3–10 min", from: 180, to: 600 },
  { band: "10 min or more", from: 600, to: Number.POSITIVE_INFINITY },
] as const;

/**
 * The calls page: counts and the answer-time and length percentiles from the roll-ups the writes
 * keep (drizzle/0028_report_rollups.sql), the rest (recovery, trade, emergencies) aggregated from
 * the range's calls.
 */
export async function callsReport(db: Database, range: ReportRange): Promise<CallsReport> {
  const inRange = within(sql`started_at`, range);
  const days = onDays(range);
  const [byDay, byHour, [totals], seconds, [recovery], byTrade, [emergencies]] = await Promise.all([
    // The roll-ups (./README.md): a range is a few rows a day, whatever the number of calls.
    select<{ day: string; answered: number; missed: number; other: number }>(
      db,
      sql`
      with days as (
        select d::date as day from generate_series(${range.firstDay}::date, ${range.lastDay}::date, interval '1 day') d
      ), counted as (
        select day, sum(answered)::int as answered, sum(missed)::int as missed, sum(other)::int as other
        from report_call_hours where ${days} group by 1
      )
      select to_char(days.day, 'YYYY-MM-DD') as day, coalesce(answered, 0) as answered,
        coalesce(missed, 0) as missed, coalesce(other, 0) as other
      from days left join counted on counted.day = days.day order by days.day`,
    ),
    select<{ weekday: number; hour: number; calls: number }>(
      db,
      sql`
      select weekday, hour_of_day as hour, sum(inbound)::int as calls
      from report_call_hours where ${days} group by 1, 2 having sum(inbound) > 0 order by 1, 2`,
    ),
    select<Record<string, unknown>>(
      db,
      sql`
      select coalesce(sum(inbound), 0)::int as inbound, coalesce(sum(answered), 0)::int as answered,
        coalesce(sum(missed), 0)::int as missed, coalesce(sum(outbound), 0)::int as outbound
      from report_call_hours where ${days}`,
    ),
    select<{ measure: string; seconds: number; calls: number }>(
      db,
      sql`
      select measure, seconds, sum(calls)::int as calls from report_call_seconds
      where measure in ('answer', 'length') and ${days} group by 1, 2 having sum(calls) > 0`,
    ),
    // Recovered: called or messaged back (the rule: ./missed-recovery.ts), as the writes keep it
    // per missed call (drizzle/0030_report_missed_recovery.sql).
    select<Record<string, unknown>>(
      db,
      sql`
      select count(*)::int as missed, count(least(called_back_at, messaged_back_at))::int as recovered,
        count(called_back_at)::int as called_back, count(messaged_back_at)::int as messaged_back,
        ${spreadColumns("back", sql`extract(epoch from least(called_back_at, messaged_back_at) - started_at) / 60`)}
      from report_missed_calls where ${inRange}`,
    ),
    select<{ trade: string; urgency: string; calls: number }>(
      db,
      sql`
      select coalesce(i.category, 'not filed') as trade, coalesce(i.urgency, 'not filed') as urgency, count(*)::int as calls
      from calls c left join issues i on i.id = c.issue_id
      where c.direction = 'inbound' and ${within(sql`c.started_at`, range)}
      group by 1, 2 order by 3 desc, 1, 2`,
    ),
    select<Record<string, unknown>>(
      db,
      sql`
      with booked as (
        select c.started_at,
          (select min(a.created_at) from appointments a
            where c.issue_id is not null and a.issue_id = c.issue_id and a.created_at >= c.started_at) as booked_at
        from calls c where c.emergency and ${within(sql`c.started_at`, range)}
      )
      select count(*)::int as calls, count(booked_at)::int as with_visit,
        ${spreadColumns("booking", sql`extract(epoch from booked_at - started_at) / 60`)}
      from booked`,
    ),
  ]);
  const t = totals ?? {};
  const r = recovery ?? {};
  const e = emergencies ?? {};
  const histogram = (measure: string): ValueCount[] =>
    seconds.filter((row) => row.measure === measure).map((row) => ({ value: num(row.seconds), count: num(row.calls) }));
  const lengths = histogram("length");
  return {
    byDay: byDay.map((d) => ({ day: d.day, answered: num(d.answered), missed: num(d.missed), other: num(d.other) })),
    byHour: byHour.map((h) => ({ weekday: num(h.weekday), hour: num(h.hour), calls: num(h.calls) })),
    totals: { inbound: num(t.inbound), answered: num(t.answered), missed: num(t.missed), outbound: num(t.outbound) },
    timeToAnswer: spreadOfCounts(histogram("answer")),
    length: spreadOfCounts(lengths),
    lengthBands: LENGTH_BANDS.map(({ band, from, to }) => ({
      band,
      calls: lengths.filter((c) => c.value >= from && c.value < to).reduce((sum, c) => sum + c.count, 0),
    })),
    recovery: {
      missed: num(r.missed),
      recovered: num(r.recovered),
      calledBack: num(r.called_back),
      messagedBack: num(r.messaged_back),
      minutes: spreadOf(r, "back"),
    },
    byTradeAndUrgency: byTrade.map((row) => ({ trade: row.trade, urgency: row.urgency, calls: num(row.calls) })),
    emergencies: { calls: num(e.calls), withVisit: num(e.with_visit), minutesToBooking: spreadOf(e, "booking") },
  };
}
