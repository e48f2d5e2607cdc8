import { sql } from "drizzle-orm";
import { check, index, pgTable, text, timestamp, unique, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { OPT_OUT_SOURCES, type OptOutSource } from "../../domain/assistant/call-policy.ts";

// ---- Safety and consent for the assistant's calls (issue 16, item 5) ----
// Re-exported by schema.ts, which drizzle-kit reads. The calling hours live in `settings`.

const at = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

/**
 * One row a number's automated call on a London day, written before the call is placed: the
 * unique (phone, day) is what lets only one of two instances racing for the same number through.
 */
export const automatedCallAttempts = pgTable(
  "automated_call_attempts",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    /** E.164. */
    phone: text("phone").notNull(),
    /** London date, YYYY-MM-DD. */
    day: text("day").notNull(),
    reservedAt: at("reserved_at").notNull(),
    /** Switchboard's id of the call that used it, once placed. */
    callId: text("call_id"),
  },
  (t) => [unique("automated_call_attempts_phone_day_unique").on(t.phone, t.day)],
);

/**
 * Numbers that asked the assistant never to call again. A removal by an admin keeps the row
 * (the evidence of consent), so at most one standing opt-out a number.
 */
export const automatedCallOptOuts = pgTable(
  "automated_call_opt_outs",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    /** E.164. */
    phone: text("phone").notNull(),
    source: text("source").$type<OptOutSource>().notNull(),
    /** The assistant call it was said on; text, not a foreign key, so an opt-out is never refused. */
    callId: text("call_id"),
    optedOutAt: at("opted_out_at").notNull(),
    removedAt: at("removed_at"),
    removedBy: text("removed_by"),
    removalReason: text("removal_reason"),
  },
  (t) => [
    uniqueIndex("automated_call_opt_outs_standing_unique").on(t.phone).where(sql`${t.removedAt} is null`),
    index("automated_call_opt_outs_at_idx").on(t.optedOutAt),
    check(
      "automated_call_opt_outs_source_check",
      sql.raw(`source in (${OPT_OUT_SOURCES.map((s) => `'${s}'`).join(", ")})`),
    ),
  ],
);
