import { and, asc, eq, gt, gte, inArray, lt, ne, notExists, sql, type SQL } from "drizzle-orm";
import { CLOSED_ISSUE_STATUSES } from "../../domain/issues.ts";
import { ok, reject } from "../../domain/result.ts";
import {
  type Appointment,
  APPOINTMENT_STATUS_LABELS,
  changeAppointmentStatus,
  COMING_OR_UNDER_WAY,
  isMovable,
  MAX_VISIT_MINUTES,
  type Visit,
} from "../../domain/scheduling/appointments.ts";
import type { Appointments, AppointmentView, BoardVisit } from "../../ports/scheduling.ts";
import type { Database } from "./database-handle.ts";
import { toIssue } from "./issues-repository.ts";
import { constantList, epochMs, isUuid, UNNAMED } from "./query-helpers.ts";
import { tradeCalendarsReader } from "./trade-calendars.ts";
import {
  type NoticeTask,
  noticeOnStatus,
  noticesOnBooking,
  noticesOnMove,
} from "../../domain/scheduling/visit-notices.ts";
import { hashVisitToken, newVisitToken, VISIT_TOKEN } from "../local/visit-tokens.ts";
import { appointments, auditLog, engineers, issues, staffUsers, tasks } from "./schema.ts";

type Row = typeof appointments.$inferSelect;

/** A board visit as onBoard's statement packs it (times in ms since the epoch). */
type PackedBoardVisit = [
  string,
  string,
  number,
  number,
  BoardVisit["status"],
  number,
  string,
  string | null,
  BoardVisit["urgency"],
];

const toAppointment = (row: Row): Appointment => ({
  id: row.id,
  issueId: row.issueId,
  engineerId: row.engineerId,
  startsAt: row.startsAt,
  endsAt: row.endsAt,
  status: row.status,
  version: row.version,
  changeRequestedAt: row.changeRequestedAt,
  createdAt: row.createdAt,
  updatedAt: row.updatedAt,
});

const urgencyRank = sql`case ${issues.urgency} when 'emergency' then 0 when 'urgent' then 1 else 2 end`;

/**
 * Visits overlapping [from, to). A visit lasts at most MAX_VISIT_MINUTES, so one overlapping the
 * window starts no earlier than that before `from`: saying so lets the index on starts_at read
 * just the window instead of every visit since the first.
 */
const overlapping = (from: Date, to: Date) =>
  and(
    lt(appointments.startsAt, to),
    gte(appointments.startsAt, new Date(from.getTime() - MAX_VISIT_MINUTES * 60_000)),
    gt(appointments.endsAt, from),
  );

/** A calendar's reach around a visit: travel is reckoned within one London day, so a day each side is plenty. */
const DAY_MS = 86_400_000;

/**
 * Appointments. Every write runs in a transaction with its audit entry; bookings lock the
 * engineer's profile row first, so bookings for one engineer happen one after another and each
 * sees the calendar the one before it left.
 */
/** Visit notices as rows of the durable task queue, written in the transaction that owes them. */
const taskRows = (notices: NoticeTask[]) =>
  notices.map((t) => ({ kind: t.kind, key: t.key, payload: t.payload, nextAttemptAt: t.runAt }));

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

  // The board's read, built once (drizzle's building was a tenth of a board's CPU): one row, the
  // visits packed as JSON arrays with times in ms. A week is 1,200 visits, and as rows the
  // driver's and drizzle's per-value mapping was most of the board's CPU. The window as in `overlapping`.
  const boardRead = db
    .select({
      visits: sql<PackedBoardVisit[] | null>`json_agg(json_build_array(
        ${appointments.id}, ${appointments.engineerId},
        ${epochMs(appointments.startsAt)},
        ${epochMs(appointments.endsAt)},
        ${appointments.status}, ${appointments.version},
        ${issues.title}, ${issues.postcode}, ${issues.urgency}
      ) order by ${appointments.startsAt})`,
    })
    .from(appointments)
    .innerJoin(issues, eq(issues.id, appointments.issueId))
    .where(
      and(
        ne(appointments.status, "cancelled"),
        lt(appointments.startsAt, sql.placeholder("to")),
        gte(appointments.startsAt, sql.placeholder("earliest")),
        gt(appointments.endsAt, sql.placeholder("from")),
      ),
    )
    .prepare(UNNAMED);
  // The board's queue, built once too (building it cost more client CPU than reading its 50 rows);
  // the statuses as literals, so the plan PostgreSQL keeps for it hashes the visits (constantList).
  const queueRead = db
    .select()
    .from(issues)
    .where(
      and(
        sql`${issues.status} not in (${constantList(CLOSED_ISSUE_STATUSES)})`,
        notExists(
          db
            .select({ one: sql`1` })
            .from(appointments)
            .where(
              and(
                eq(appointments.issueId, issues.id),
                sql`${appointments.status} in (${constantList(COMING_OR_UNDER_WAY)})`,
              ),
            ),
        ),
      ),
    )
    .orderBy(urgencyRank, asc(issues.createdAt))
    .limit(sql.placeholder("limit"))
    .prepare(UNNAMED);
  const tradeCalendars = tradeCalendarsReader(db);

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
            overlapping(new Date(visit.startsAt.getTime() - DAY_MS), new Date(visit.endsAt.getTime() + DAY_MS)),
          ),
          tx,
        );
        const decided = decide(calendar);
        if (!decided.ok) return decided;
        // The customer's link and its messages are written with the booking: a booking never stands without them.
        const link = newVisitToken();
        const [row] = await tx
          .insert(appointments)
          .values({ ...visit, confirmTokenHash: link.hash })
          .returning();
        await tx
          .insert(tasks)
          .values(taskRows(noticesOnBooking(row!, link.token, actor.at ?? new Date())))
          .onConflictDoNothing();
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
        const notice = noticeOnStatus(row, status, actor.at ?? new Date());
        if (notice)
          await tx
            .insert(tasks)
            .values(taskRows([notice]))
            .onConflictDoNothing();
        return ok(toAppointment(updated!));
      });
    },

    async byToken(token) {
      if (!VISIT_TOKEN.test(token)) return null;
      const [view] = await views(eq(appointments.confirmTokenHash, hashVisitToken(token)));
      return view ?? null;
    },

    async requestAnotherTime(id, actor, note) {
      if (!isUuid(id)) return reject("not_found", "There is no such visit.");
      return db.transaction(async (tx) => {
        const [row] = await tx.select().from(appointments).where(eq(appointments.id, id)).for("update");
        if (!row) return reject("not_found", "There is no such visit.");
        if (row.status !== "booked" && row.status !== "confirmed")
          return reject(
            "visit_closed",
            `This visit is ${APPOINTMENT_STATUS_LABELS[row.status].toLowerCase()}: it can no longer be changed here.`,
          );
        // Asked once already: the office has the flag; a second press changes nothing.
        if (row.changeRequestedAt) return ok(toAppointment(row));
        const [updated] = await tx
          .update(appointments)
          .set({ changeRequestedAt: actor.at ?? new Date(), version: row.version + 1, updatedAt: new Date() })
          .where(eq(appointments.id, id))
          .returning();
        const details = { appointmentId: id, startsAt: row.startsAt.toISOString(), ...(note ? { note } : {}) };
        await tx.insert(auditLog).values([
          { who: actor.who, what: "customer asked for another time", entity: "appointment", entityId: id, details },
          // The job's history is where the office reads it.
          {
            who: actor.who,
            what: "customer asked for another time for the visit",
            entity: "issue",
            entityId: row.issueId,
            details,
          },
        ]);
        return ok(toAppointment(updated!));
      });
    },

    async reschedule(id, placement, version, decide, actor) {
      if (!isUuid(id)) return reject("not_found", "There is no such visit.");
      if (!isUuid(placement.engineerId)) return reject("not_found", "There is no such engineer.");
      return db.transaction(async (tx) => {
        // The engineer first, as book() does, so a move and a booking onto one calendar queue up.
        const [engineer] = await tx
          .select({ userId: engineers.userId })
          .from(engineers)
          .where(eq(engineers.userId, placement.engineerId))
          .for("update");
        if (!engineer) return reject("not_found", "There is no such engineer.");
        const [row] = await tx.select().from(appointments).where(eq(appointments.id, id)).for("update");
        if (!row) return reject("not_found", "There is no such visit.");
        if (row.version !== version)
          return reject("stale", "Someone changed this visit meanwhile: here it is as it stands now.");
        if (!isMovable(row.status))
          return reject(
            "not_movable",
            `This visit is ${APPOINTMENT_STATUS_LABELS[row.status].toLowerCase()}: it cannot be moved.`,
          );
        const calendar = await visitsWhere(
          and(
            eq(appointments.engineerId, placement.engineerId),
            ne(appointments.id, id),
            overlapping(new Date(placement.startsAt.getTime() - DAY_MS), new Date(placement.endsAt.getTime() + DAY_MS)),
          ),
          tx,
        );
        const decided = decide(calendar, toAppointment(row));
        if (!decided.ok) return decided;
        // The customer hears of the new slot once, with a new link: the old link stops working, and
        // the old slot's reminder finds the visit moved and stays silent. Their request for another
        // time is answered by the move.
        const changed =
          row.engineerId !== placement.engineerId ||
          row.startsAt.getTime() !== placement.startsAt.getTime() ||
          row.endsAt.getTime() !== placement.endsAt.getTime();
        const link = changed ? newVisitToken() : null;
        const [updated] = await tx
          .update(appointments)
          .set({
            ...placement,
            ...(link ? { confirmTokenHash: link.hash, changeRequestedAt: null } : {}),
            version: row.version + 1,
            updatedAt: new Date(),
          })
          .where(eq(appointments.id, id))
          .returning();
        if (link)
          await tx
            .insert(tasks)
            .values(taskRows(noticesOnMove(updated!, link.token, actor.at ?? new Date())))
            .onConflictDoNothing();
        await tx.insert(auditLog).values({
          who: actor.who,
          what: row.engineerId === placement.engineerId ? "visit moved" : "visit reassigned",
          entity: "appointment",
          entityId: id,
          details: {
            issueId: row.issueId,
            from: {
              engineerId: row.engineerId,
              startsAt: row.startsAt.toISOString(),
              endsAt: row.endsAt.toISOString(),
            },
            to: {
              engineerId: placement.engineerId,
              startsAt: placement.startsAt.toISOString(),
              endsAt: placement.endsAt.toISOString(),
            },
          },
        });
        return ok(toAppointment(updated!));
      });
    },

    async onBoard({ from, to }) {
      const [row] = await boardRead.execute({
        to: to.toISOString(),
        earliest: new Date(from.getTime() - MAX_VISIT_MINUTES * 60_000).toISOString(),
        from: from.toISOString(),
      });
      return (row?.visits ?? []).map(
        ([id, engineerId, startsAt, endsAt, status, version, issueTitle, postcode, urgency]): BoardVisit => ({
          id,
          engineerId,
          startsAt: new Date(Number(startsAt)),
          endsAt: new Date(Number(endsAt)),
          status,
          version,
          issueTitle,
          postcode,
          urgency,
        }),
      );
    },

    async unscheduled(limit) {
      return (await queueRead.execute({ limit })).map(toIssue);
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

    tradeCalendars,

    async visits({ from, to, engineerIds }) {
      if (engineerIds && engineerIds.length === 0) return [];
      return visitsWhere(
        and(
          overlapping(from, to),
          engineerIds ? inArray(appointments.engineerId, engineerIds.filter(isUuid)) : undefined,
        ),
      );
    },
  };
}
