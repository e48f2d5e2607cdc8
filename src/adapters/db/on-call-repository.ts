import { and, asc, eq, gt, lt, sql } from "drizzle-orm";
import { reject } from "../../domain/result.ts";
import { DEFAULT_WORKING_WEEK, type WorkingDay } from "../../domain/scheduling/engineers.ts";
import type { RotaPeriod } from "../../domain/scheduling/on-call.ts";
import type { AuditEntity } from "../../ports/audit.ts";
import type { OnCall } from "../../ports/on-call.ts";

/** The audit trail files rota changes under settings / on_call_rota (the period's id in the details). */
const ON_CALL_ROTA = "on_call_rota";
import type { Database } from "./database-handle.ts";
import { isUuid } from "./query-helpers.ts";
import { auditLog, engineers, officeHours, onCallPeriods, staffUsers } from "./schema.ts";

const toPeriod = (row: typeof onCallPeriods.$inferSelect): RotaPeriod => ({
  id: row.id,
  engineerId: row.engineerId,
  startsAt: row.startsAt,
  endsAt: row.endsAt,
});

/** Office hours (one row a weekday it opens) and the on-call rota. Every write is audited in its transaction. */
export function createOnCallRepository(db: Database): OnCall {
  return {
    async officeHours() {
      const rows = await db.select().from(officeHours);
      if (rows.length === 0) return DEFAULT_WORKING_WEEK;
      const week: (WorkingDay | null)[] = [null, null, null, null, null, null, null];
      for (const row of rows) week[row.weekday] = { start: row.opens, end: row.closes };
      return week;
    },

    async setOfficeHours(week, actor) {
      await db.transaction(async (tx) => {
        await tx.delete(officeHours);
        const open = week.flatMap((day, weekday) => (day ? [{ weekday, opens: day.start, closes: day.end }] : []));
        if (open.length > 0) await tx.insert(officeHours).values(open);
        await tx.insert(auditLog).values({
          who: actor.who,
          what: "office hours set",
          entity: "settings" satisfies AuditEntity,
          entityId: "office_hours",
          at: actor.at ?? new Date(),
          details: { week },
        });
      });
    },

    async rota({ from, to }) {
      const rows = await db
        .select({ period: onCallPeriods, name: staffUsers.name, email: staffUsers.email })
        .from(onCallPeriods)
        .innerJoin(staffUsers, eq(staffUsers.id, onCallPeriods.engineerId))
        .where(and(gt(onCallPeriods.endsAt, from), lt(onCallPeriods.startsAt, to)))
        .orderBy(asc(onCallPeriods.startsAt));
      return rows.map((row) => ({ ...toPeriod(row.period), engineerName: row.name ?? row.email }));
    },

    async addPeriod(period, decide, actor) {
      if (!isUuid(period.engineerId)) return reject("not_found", "There is no such engineer.");
      return db.transaction(async (tx) => {
        // One writer at a time: the overlap check below must see every period added before it.
        await tx.execute(sql`lock table ${onCallPeriods} in share row exclusive mode`);
        const [engineer] = await tx
          .select({ userId: engineers.userId })
          .from(engineers)
          .where(eq(engineers.userId, period.engineerId));
        if (!engineer) return reject("not_found", "There is no such engineer.");
        const overlapping = await tx
          .select()
          .from(onCallPeriods)
          .where(and(gt(onCallPeriods.endsAt, period.startsAt), lt(onCallPeriods.startsAt, period.endsAt)));
        const decision = decide(overlapping.map(toPeriod));
        if (!decision.ok) return decision;
        const [row] = await tx
          .insert(onCallPeriods)
          .values({ ...period, createdBy: actor.who })
          .returning();
        await tx.insert(auditLog).values({
          who: actor.who,
          what: "on-call period added",
          entity: "settings" satisfies AuditEntity,
          entityId: ON_CALL_ROTA,
          at: actor.at ?? new Date(),
          details: {
            periodId: row!.id,
            engineerId: period.engineerId,
            startsAt: period.startsAt.toISOString(),
            endsAt: period.endsAt.toISOString(),
          },
        });
        return { ok: true as const, value: toPeriod(row!) };
      });
    },

    async removePeriod(id, actor) {
      if (!isUuid(id)) return false;
      return db.transaction(async (tx) => {
        const [row] = await tx.delete(onCallPeriods).where(eq(onCallPeriods.id, id)).returning();
        if (!row) return false;
        await tx.insert(auditLog).values({
          who: actor.who,
          what: "on-call period removed",
          entity: "settings" satisfies AuditEntity,
          entityId: ON_CALL_ROTA,
          at: actor.at ?? new Date(),
          details: {
            periodId: id,
            engineerId: row.engineerId,
            startsAt: row.startsAt.toISOString(),
            endsAt: row.endsAt.toISOString(),
          },
        });
        return true;
      });
    },
  };
}
