import { sql } from "drizzle-orm";
import { UNANSWERED } from "../../../domain/messaging/missed-calls.ts";
import { RECOVERY_DAYS } from "../../../domain/reports/figures.ts";

/** A missed call: inbound, never answered, ended as no answer, busy or hung up while ringing. */
export const MISSED = sql.raw(`status in (${UNANSWERED.map((s) => `'${s}'`).join(", ")})`);

/**
 * How a missed call is recovered, the one home of that rule in SQL (the calls report and the
 * wall board both use it): two CTEs, `called` and `messaged` (id, at), over a CTE the caller
 * names `missed` (id, lead_id, from_number, started_at). Called back: an outbound call to the
 * caller's number; messaged back: a message staff sent to the caller's lead (the automatic
 * missed-call reply is not staff getting back to them); either within RECOVERY_DAYS. Joined as
 * sets (the planner may hash them) rather than two look-ups per missed call.
 */
export const RECOVERY_CTES = sql`
  called as (
    select m.id, min(o.started_at) as at from missed m
      join calls o on o.direction = 'outbound' and o.to_number = m.from_number
        and o.started_at > m.started_at and o.started_at < m.started_at + ${`${RECOVERY_DAYS} days`}::interval
    group by m.id
  ), messaged as (
    select m.id, min(x.occurred_at) as at from missed m
      join messages x on x.lead_id = m.lead_id and x.direction = 'outbound' and x.sent_by is not null
        and x.occurred_at > m.started_at and x.occurred_at < m.started_at + ${`${RECOVERY_DAYS} days`}::interval
    group by m.id
  )`;
