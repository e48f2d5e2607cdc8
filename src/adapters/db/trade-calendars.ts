import { and, asc, eq, isNull, sql } from "drizzle-orm";
import type { TradeCategory } from "../../domain/issues.ts";
import type { E164 } from "../../domain/phone.ts";
import { type AppointmentStatus, MAX_VISIT_MINUTES } from "../../domain/scheduling/appointments.ts";
import type { TradeCalendars } from "../../ports/scheduling.ts";
import type { Database } from "./database-handle.ts";
import { epochMs, UNNAMED } from "./query-helpers.ts";
import { appointments, engineers, issues, staffUsers } from "./schema.ts";

/** A visit as the statement packs it: id, start and end (ms since the epoch), status, site postcode. */
type PackedVisit = [string, number, number, AppointmentStatus, string | null];

/**
 * The slot finder's read: one row per active engineer with the trade, their visits in the window
 * packed into one JSON array each. A fortnight for ten engineers is about a thousand visits: as
 * rows, the driver parsed each one's timestamps and uuids (about 12 ms); as JSON with times in
 * milliseconds, one JSON.parse per engineer. The visits are found through
 * appointments_engineer_idx (engineer, start), bounded below by the longest visit, as
 * `overlapping` does in the appointments repository. Each visit's site is looked up by the job's
 * key: joined instead, PostgreSQL hashed every job once per engineer (EXPLAIN ANALYZE, 5,720 jobs).
 * @example const tradeCalendars = tradeCalendarsReader(db); await tradeCalendars("plumbing", { from, to })
 */
export function tradeCalendarsReader(
  db: Database,
): (trade: TradeCategory, window: { from: Date; to: Date }) => Promise<TradeCalendars> {
  const visits = sql<PackedVisit[] | null>`(
    select json_agg(json_build_array(
      ${appointments.id},
      ${epochMs(appointments.startsAt)},
      ${epochMs(appointments.endsAt)},
      ${appointments.status},
      (select ${issues.postcode} from ${issues} where ${issues.id} = ${appointments.issueId})
    ) order by ${appointments.startsAt})
    from ${appointments}
    where ${appointments.engineerId} = ${engineers.userId}
      and ${appointments.status} <> 'cancelled'
      and ${appointments.startsAt} < ${sql.placeholder("to")}
      and ${appointments.startsAt} >= ${sql.placeholder("earliest")}
      and ${appointments.endsAt} > ${sql.placeholder("from")}
  )`;
  // Built once: drizzle's building is a good part of a small read's CPU.
  const read = db
    .select({
      userId: engineers.userId,
      name: staffUsers.name,
      email: staffUsers.email,
      trades: engineers.trades,
      homePostcode: engineers.homePostcode,
      hours: engineers.hours,
      phone: engineers.phone,
      visits,
    })
    .from(engineers)
    .innerJoin(staffUsers, eq(staffUsers.id, engineers.userId))
    .where(
      and(
        eq(staffUsers.role, "engineer"),
        isNull(staffUsers.disabledAt),
        sql`${sql.placeholder("trade")} = any(${engineers.trades})`,
      ),
    )
    .orderBy(asc(staffUsers.name), asc(staffUsers.email))
    .prepare(UNNAMED);

  return async (trade, { from, to }) => {
    const rows = await read.execute({
      trade,
      to: to.toISOString(),
      earliest: new Date(from.getTime() - MAX_VISIT_MINUTES * 60_000).toISOString(),
      from: from.toISOString(),
    });
    const calendars: TradeCalendars = { engineers: [], visits: [] };
    for (const { visits: packed, phone, ...engineer } of rows) {
      calendars.engineers.push({ ...engineer, phone: phone as E164 | null });
      for (const [id, startsAt, endsAt, status, postcode] of packed ?? [])
        calendars.visits.push({
          id,
          engineerId: engineer.userId,
          startsAt: new Date(Number(startsAt)),
          endsAt: new Date(Number(endsAt)),
          status,
          postcode,
        });
    }
    return calendars;
  };
}
