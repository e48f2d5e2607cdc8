import { sql } from "drizzle-orm";
import { BOARD_LIST_LIMIT, type BoardFigures } from "../../../domain/board/figures.ts";
import type { CallStatus } from "../../../domain/calls.ts";
import { CLOSED_ISSUE_STATUSES } from "../../../domain/issues.ts";
import { startOfLondonDay } from "../../../domain/london-time.ts";
import { RECOVERY_DAYS } from "../../../domain/reports/figures.ts";
import type { Database } from "../database-handle.ts";
import { MISSED, RECOVERY_CTES } from "./missed-recovery.ts";
import { num, select } from "./sql-helpers.ts";

const LIVE = sql.raw(`status in ('queued', 'ringing', 'in-progress')`);
const CLOSED = sql.raw(`(${CLOSED_ISSUE_STATUSES.map((s) => `'${s}'`).join(", ")})`);
const iso = (at: Date) => sql`${at.toISOString()}::timestamptz`;

/**
 * The wall board's figures at `now`: five aggregate statements, each over the few rows it needs
 * (partial indexes calls_live_idx, issues_open_emergency_idx; appointments_starts_idx;
 * payments_paid_at_idx). A caller's number leaves the database as its last three digits only.
 */
export async function boardFigures(db: Database, now: Date): Promise<BoardFigures> {
  const dayStart = startOfLondonDay(now);
  // Noon the next day, whatever the clocks did overnight, then back to its midnight.
  const dayEnd = startOfLondonDay(new Date(dayStart.getTime() + 36 * 3600_000));
  const today = (column: string) => sql`${sql.raw(column)} >= ${iso(dayStart)} and ${sql.raw(column)} < ${iso(dayEnd)}`;
  const [live, [missed], [emergencies], engineers, [money]] = await Promise.all([
    select<{ total: number; status: CallStatus; started_at: string | Date; emergency: boolean; last3: string | null }>(
      db,
      sql`
      select count(*) over ()::int as total, status, started_at, emergency,
        nullif(right(regexp_replace(case when direction = 'inbound' then from_number else to_number end, '[^0-9]', '', 'g'), 3), '') as last3
      from calls where ${LIVE}
      order by started_at desc limit ${BOARD_LIST_LIMIT}`,
    ),
    select<{ waiting: number; oldest: string | Date | null }>(
      db,
      sql`
      with missed as (
        select id, lead_id, from_number, started_at from calls
        where direction = 'inbound' and answered_at is null and ${MISSED}
          and started_at >= ${iso(new Date(now.getTime() - RECOVERY_DAYS * 86_400_000))} and started_at <= ${iso(now)}
      ), ${RECOVERY_CTES}
      select count(*)::int as waiting, min(m.started_at) as oldest
      from missed m
        left join called on called.id = m.id
        left join messaged on messaged.id = m.id
        left join missed_calls f on f.call_id = m.id
      where called.id is null and messaged.id is null and f.resolved_at is null`,
    ),
    select<{ open: number }>(
      db,
      sql`select count(*)::int as open from issues where urgency = 'emergency' and status not in ${CLOSED}`,
    ),
    select<{
      en_route: number;
      on_site: number;
      name: string | null;
      status: string | null;
      since: string | Date | null;
    }>(
      db,
      sql`
      with under_way as (
        select engineer_id, status, updated_at from appointments
        where ${today("starts_at")} and status in ('en_route', 'on_site')
      ), counts as (
        select count(distinct engineer_id) filter (where status = 'en_route')::int as en_route,
          count(distinct engineer_id) filter (where status = 'on_site')::int as on_site
        from under_way
      )
      select counts.en_route, counts.on_site, shown.name, shown.status, shown.since
      from counts left join lateral (
        select coalesce(u.name, split_part(u.email, '@', 1)) as name, w.status, w.updated_at as since
        from under_way w join staff_users u on u.id = w.engineer_id
        order by w.status desc, w.updated_at limit ${BOARD_LIST_LIMIT}
      ) shown on true`,
    ),
    select<Record<string, unknown>>(
      db,
      sql`
      select coalesce(sum(amount_pence), 0)::float8 as paid, count(*)::int as paid_n,
        coalesce(sum(amount_pence) filter (where kind = 'deposit'), 0)::float8 as deposits,
        count(*) filter (where kind = 'deposit')::int as deposits_n
      from payments where status = 'paid' and ${today("paid_at")}`,
    ),
  ]);
  const first = engineers[0];
  return {
    liveCalls: {
      count: num(live[0]?.total),
      shown: live.map((row) => ({
        status: row.status,
        startedAt: new Date(row.started_at),
        emergency: Boolean(row.emergency),
        caller: row.last3 ? `•••${row.last3}` : null,
      })),
    },
    missedWaiting: { count: num(missed?.waiting), oldestAt: missed?.oldest ? new Date(missed.oldest) : null },
    emergenciesOpen: num(emergencies?.open),
    engineers: {
      enRoute: num(first?.en_route),
      onSite: num(first?.on_site),
      shown: engineers
        .filter((row) => row.name !== null && row.status !== null && row.since !== null)
        .map((row) => ({
          name: row.name!,
          status: row.status as "en_route" | "on_site",
          since: new Date(row.since!),
        })),
    },
    money: {
      paidPence: num(money?.paid),
      paidCount: num(money?.paid_n),
      depositsPence: num(money?.deposits),
      depositsCount: num(money?.deposits_n),
    },
  };
}
