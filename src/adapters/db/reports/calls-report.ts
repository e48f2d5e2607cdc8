import { sql } from "drizzle-orm";
import type { CallsReport } from "../../../domain/reports/figures.ts";
import type { ReportRange } from "../../../domain/reports/date-range.ts";
import type { Database } from "../database-handle.ts";
import { MISSED, RECOVERY_CTES } from "./missed-recovery.ts";
import { epochHour, londonHour, num, select, spreadColumns, spreadOf, within } from "./sql-helpers.ts";

const LENGTH_BANDS = [
  { band: "under 1 min", key: "len_1" },
  { band: "1–3 min", key: "len_3" },
  { band: "3–10 min", key: "len_10" },
  { band: "10 min or more", key: "len_more" },
] as const;

/** The calls page: six statements, each one aggregate over the range's calls. */
export async function callsReport(db: Database, range: ReportRange): Promise<CallsReport> {
  const inRange = within(sql`started_at`, range);
  const inbound = sql`direction = 'inbound' and ${inRange}`;
  const [byDay, byHour, [totals], [recovery], byTrade, [emergencies]] = await Promise.all([
    select<{ day: string; answered: number; missed: number; other: number }>(
      db,
      sql`
      with days as (
        select d::date as day from generate_series(${range.firstDay}::date, ${range.lastDay}::date, interval '1 day') d
      ), hourly as (
        select ${epochHour(sql`started_at`)} as h,
          count(*) filter (where answered_at is not null)::int as answered,
          count(*) filter (where answered_at is null and ${MISSED})::int as missed,
          count(*) filter (where answered_at is null and not ${MISSED})::int as other
        from calls where ${inbound} group by 1
      ), counted as (
        select ${londonHour(sql`h`)}::date as day, sum(answered)::int as answered, sum(missed)::int as missed,
          sum(other)::int as other
        from hourly group by 1
      )
      select to_char(days.day, 'YYYY-MM-DD') as day, coalesce(answered, 0) as answered,
        coalesce(missed, 0) as missed, coalesce(other, 0) as other
      from days left join counted on counted.day = days.day order by days.day`,
    ),
    select<{ weekday: number; hour: number; calls: number }>(
      db,
      sql`
      with hourly as (select ${epochHour(sql`started_at`)} as h, count(*)::int as calls from calls where ${inbound} group by 1)
      select extract(isodow from ${londonHour(sql`h`)})::int as weekday, extract(hour from ${londonHour(sql`h`)})::int as hour,
        sum(calls)::int as calls
      from hourly group by 1, 2 order by 1, 2`,
    ),
    select<Record<string, unknown>>(
      db,
      sql`
      select count(*) filter (where direction = 'inbound')::int as inbound,
        count(*) filter (where direction = 'inbound' and answered_at is not null)::int as answered,
        count(*) filter (where direction = 'inbound' and answered_at is null and ${MISSED})::int as missed,
        count(*) filter (where direction = 'outbound')::int as outbound,
        ${spreadColumns("answer", sql`extract(epoch from answered_at - started_at)`, sql`direction = 'inbound'`)},
        ${spreadColumns("length", sql`duration_seconds`, sql`direction = 'inbound' and answered_at is not null`)},
        count(*) filter (where direction = 'inbound' and answered_at is not null and duration_seconds < 60)::int as len_1,
        count(*) filter (where direction = 'inbound' and answered_at is not null and duration_seconds >= 60 and duration_seconds < 180)::int as len_3,
        count(*) filter (where direction = 'inbound' and answered_at is not null and duration_seconds >= 180 and duration_seconds < 600)::int as len_10,
        count(*) filter (where direction = 'inbound' and answered_at is not null and duration_seconds >= 600)::int as len_more
      from calls where ${inRange}`,
    ),
    // Recovered: called or messaged back (./missed-recovery.ts).
    select<Record<string, unknown>>(
      db,
      sql`
      with missed as (
        select id, lead_id, from_number, started_at from calls
        where ${inbound} and answered_at is null and ${MISSED}
      ), ${RECOVERY_CTES}, back as (
        select m.started_at, called.at as called_at, messaged.at as messaged_at
        from missed m left join called on called.id = m.id left join messaged on messaged.id = m.id
      )
      select count(*)::int as missed, count(least(called_at, messaged_at))::int as recovered,
        count(called_at)::int as called_back, count(messaged_at)::int as messaged_back,
        ${spreadColumns("back", sql`extract(epoch from least(called_at, messaged_at) - started_at) / 60`)}
      from back`,
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
  return {
    byDay: byDay.map((d) => ({ day: d.day, answered: num(d.answered), missed: num(d.missed), other: num(d.other) })),
    byHour: byHour.map((h) => ({ weekday: num(h.weekday), hour: num(h.hour), calls: num(h.calls) })),
    totals: { inbound: num(t.inbound), answered: num(t.answered), missed: num(t.missed), outbound: num(t.outbound) },
    timeToAnswer: spreadOf(t, "answer"),
    length: spreadOf(t, "length"),
    lengthBands: LENGTH_BANDS.map(({ band, key }) => ({ band, calls: num(t[key]) })),
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
