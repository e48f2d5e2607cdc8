import { and, asc, eq, gt, gte, inArray, lt, ne, type SQL } from "drizzle-orm";
import { ok, reject } from "../../domain/result.ts";
import {
  type Appointment,
  APPOINTMENT_STATUS_LABELS,
  changeAppointmentStatus,
  type Visit,
} from "../../domain/scheduling/appointments.ts";
import type { Appointments, AppointmentView } from "../../ports/scheduling.ts";
import type { Database } from "./database-handle.ts";
import { isUuid } from "./query-helpers.ts";
import { appointments, auditLog, engineers, issues, staffUsers } from "./schema.ts";

type Row = typeof appointments.$inferSelect;

const toAppointment = (row: Row): Appointment => ({
  id: row.id,
  issueId: row.issueId,
  engineerId: row.engineerId,
  startsAt: row.startsAt,
  endsAt: row.endsAt,
  status: row.status,
  version: row.version,
  createdAt: row.createdAt,
  updatedAt: row.updatedAt,
});

/** A calendar's reach around a visit: travel is reckoned within one London day, so a day each side is plenty. */
const DAY_MS = 86_400_000;

/**
 * Appointments. Every write runs in a transaction with its audit entry; bookings lock the
 * engineer's profile row first, so bookings for one engineer happen one after another and each
 * sees the calendar the one before it left.
 */
export function createAppointmentsRepository(db: Database): Appointments {
  const visitsWhere = (where: SQL | undefined, on: Pick<Database, "select"> = db): Promise<Visit[]> =>
    on
      .select({
        id: appointments.id,
        engineerId: appointments.engineerId,
        startsAt: appointments.startsAt,
        endsAt: appointments.endsAt,
        status: appointments.status,
        postcode: issues.postcode,
      })
      .from(appointments)
      .innerJoin(issues, eq(issues.id, appointments.issueId))
      .where(and(ne(appointments.status, "cancelled"), where))
      .orderBy(asc(appointments.startsAt));

  const views = (where: SQL) =>
    db
      .select({ appointment: appointments, engineerName: staffUsers.name, engineerEmail: staffUsers.email })
      .from(appointments)
      .innerJoin(staffUsers, eq(staffUsers.id, appointments.engineerId))
      .where(where)
      .orderBy(asc(appointments.startsAt))
      .then((rows) =>
        rows.map(
          (row): AppointmentView => ({
            ...toAppointment(row.appointment),
            engineerName: row.engineerName ?? row.engineerEmail,
          }),
        ),
      );

  return {
    async book(visit, decide, actor) {
      if (!isUuid(visit.engineerId)) return reject("not_found", "There is no such engineer.");
      if (!isUuid(visit.issueId)) return reject("not_found", "There is no such job.");
      return db.transaction(async (tx) => {
        const [engineer] = await tx
          .select({ userId: engineers.userId })
          .from(engineers)
          .where(eq(engineers.userId, visit.engineerId))
          .for("update");
        if (!engineer) return reject("not_found", "There is no such engineer.");
        const [issue] = await tx.select({ id: issues.id }).from(issues).where(eq(issues.id, visit.issueId));
        if (!issue) return reject("not_found", "There is no such job.");
        const calendar = await visitsWhere(
          and(
            eq(appointments.engineerId, visit.engineerId),
            lt(appointments.startsAt, new Date(visit.endsAt.getTime() + DAY_MS)),
            gt(appointments.endsAt, new Date(visit.startsAt.getTime() - DAY_MS)),
          ),
          tx,
        );
        const decided = decide(calendar);
        if (!decided.ok) return decided;
        const [row] = await tx.insert(appointments).values(visit).returning();
        await tx.insert(auditLog).values({
          who: actor.who,
          what: "visit booked",
          entity: "appointment",
          entityId: row!.id,
          details: {
            issueId: visit.issueId,
            engineerId: visit.engineerId,
            startsAt: visit.startsAt.toISOString(),
            endsAt: visit.endsAt.toISOString(),
          },
        });
        return ok(toAppointment(row!));
      });
    },

    async setStatus(id, status, actor, version) {
      if (!isUuid(id)) return reject("not_found", "There is no such visit.");
      return db.transaction(async (tx) => {
        const [row] = await tx.select().from(appointments).where(eq(appointments.id, id)).for("update");
        if (!row) return reject("not_found", "There is no such visit.");
        if (version !== undefined && row.version !== version)
          return reject(
            "stale",
            `Someone changed this visit meanwhile: it is now ${APPOINTMENT_STATUS_LABELS[row.status].toLowerCase()}.`,
          );
        const allowed = changeAppointmentStatus(row.status, status);
        if (!allowed.ok) return allowed;
        const [updated] = await tx
          .update(appointments)
          .set({ status, version: row.version + 1, updatedAt: new Date() })
          .where(eq(appointments.id, id))
          .returning();
        await tx.insert(auditLog).values({
          who: actor.who,
          what: `visit ${row.status} → ${status}`,
          entity: "appointment",
          entityId: id,
          details: { issueId: row.issueId, from: row.status, to: status },
        });
        return ok(toAppointment(updated!));
      });
    },

    async byId(id) {
      if (!isUuid(id)) return null;
      const [view] = await views(eq(appointments.id, id));
      return view ?? null;
    },

    async forIssue(issueId) {
      if (!isUuid(issueId)) return [];
      return views(eq(appointments.issueId, issueId));
    },

    async forEngineer(engineerId, { from, to }) {
      if (!isUuid(engineerId)) return [];
      return views(
        and(
          eq(appointments.engineerId, engineerId),
          ne(appointments.status, "cancelled"),
          gte(appointments.startsAt, from),
          lt(appointments.startsAt, to),
        )!,
      );
    },

    async visits({ from, to, engineerIds }) {
      if (engineerIds && engineerIds.length === 0) return [];
      return visitsWhere(
        and(
          lt(appointments.startsAt, to),
          gt(appointments.endsAt, from),
          engineerIds ? inArray(appointments.engineerId, engineerIds.filter(isUuid)) : undefined,
        ),
      );
    },
  };
}
