import { and, asc, count, desc, eq, getTableColumns, gte, inArray, notInArray, or, sql } from "drizzle-orm";
import { CLOSED_ISSUE_STATUSES, URGENCIES, issueTransitions, type Issue, type Urgency } from "../../domain/issues.ts";
import { reject } from "../../domain/result.ts";
import type { Issues } from "../../ports/issues.ts";
import type { Database } from "./database-handle.ts";
import { isUuid } from "./query-helpers.ts";
import { writeStatus } from "./status-write.ts";
import { calls, issues, leads } from "./schema.ts";

type IssueRow = typeof issues.$inferSelect;

export const toIssue = (row: IssueRow): Issue => ({
  id: row.id,
  leadId: row.leadId,
  sourceCallId: row.sourceCallId,
  title: row.title,
  description: row.description,
  category: row.category,
  urgency: row.urgency,
  address: row.address,
  postcode: row.postcode,
  accessNotes: row.accessNotes,
  status: row.status,
  createdAt: row.createdAt,
  updatedAt: row.updatedAt,
});

/** How long a finished or cancelled job stays on the board. */
const BOARD_KEEPS_CLOSED_MS = 7 * 24 * 60 * 60 * 1000;

const isOpen = notInArray(issues.status, [...CLOSED_ISSUE_STATUSES]);
const rank = (urgency: Urgency) => URGENCIES.indexOf(urgency);
const urgencyRank = sql`case ${issues.urgency} when 'emergency' then 0 when 'urgent' then 1 else 2 end`;

/** Jobs, with the lead's name joined in for lists. */
export function createIssuesRepository(db: Database): Issues {
  const listed = () =>
    db
      .select({ issue: getTableColumns(issues), leadName: leads.name })
      .from(issues)
      .leftJoin(leads, eq(leads.id, issues.leadId));
  const toListItem = (row: { issue: IssueRow; leadName: string | null }) => ({
    ...toIssue(row.issue),
    leadName: row.leadName,
  });

  return {
    async create(fields) {
      const [row] = await db.insert(issues).values(fields).returning();
      return toIssue(row!);
    },

    async openForCall(fields) {
      return db.transaction(async (tx) => {
        // The call's row is the lock: whoever comes second waits, then finds the first one's job.
        await tx.select({ id: calls.id }).from(calls).where(eq(calls.id, fields.sourceCallId)).for("update");
        const [opened] = await tx
          .select()
          .from(issues)
          .where(eq(issues.sourceCallId, fields.sourceCallId))
          .orderBy(asc(issues.createdAt))
          .limit(1);
        if (opened) return { issue: toIssue(opened), created: false };
        const [row] = await tx.insert(issues).values(fields).returning();
        return { issue: toIssue(row!), created: true };
      });
    },

    async update(id, fields) {
      if (!isUuid(id)) return null;
      const [row] = await db
        .update(issues)
        .set({ ...fields, updatedAt: new Date() })
        .where(eq(issues.id, id))
        .returning();
      return row ? toIssue(row) : null;
    },

    async setStatus(id, status) {
      if (!isUuid(id)) return reject("not_found", "There is no such job.");
      return writeStatus(issueTransitions, "job", status, {
        move: async (from) =>
          (
            await db
              .update(issues)
              .set({ status, updatedAt: new Date() })
              .where(and(eq(issues.id, id), inArray(issues.status, [...from])))
              .returning({ id: issues.id })
          ).length > 0,
        current: async () =>
          (await db.select({ status: issues.status }).from(issues).where(eq(issues.id, id)))[0]?.status ?? null,
      });
    },

    async byId(id) {
      if (!isUuid(id)) return null;
      const [row] = await db.select().from(issues).where(eq(issues.id, id));
      return row ? toIssue(row) : null;
    },

    async forLead(leadId) {
      if (!isUuid(leadId)) return [];
      const rows = await db.select().from(issues).where(eq(issues.leadId, leadId)).orderBy(desc(issues.createdAt));
      return rows.map(toIssue);
    },

    async board() {
      const closedSince = new Date(Date.now() - BOARD_KEEPS_CLOSED_MS);
      const rows = await listed()
        .where(or(isOpen, gte(issues.updatedAt, closedSince)))
        .orderBy(urgencyRank, asc(issues.createdAt));
      return rows.map(toListItem);
    },

    async openCountsByUrgency() {
      const rows = await db
        .select({ urgency: issues.urgency, n: count() })
        .from(issues)
        .where(isOpen)
        .groupBy(issues.urgency);
      const counts = Object.fromEntries(URGENCIES.map((u) => [u, 0])) as Record<Urgency, number>;
      for (const row of rows) counts[row.urgency] = row.n;
      return counts;
    },

    async openByUrgency(limit) {
      // Pick the few issues first, then join their leads: joining every open issue to leads
      // before sorting read the whole leads table (10 ms at 50,000 leads).
      const top = db
        .select()
        .from(issues)
        .where(isOpen)
        .orderBy(urgencyRank, asc(issues.createdAt))
        .limit(limit)
        .as("top");
      const rows = await db
        .select({ issue: getTableColumns(issues), leadName: leads.name })
        .from(top)
        .innerJoin(issues, eq(issues.id, top.id))
        .leftJoin(leads, eq(leads.id, issues.leadId));
      return rows
        .map(toListItem)
        .sort((a, b) => rank(a.urgency) - rank(b.urgency) || a.createdAt.getTime() - b.createdAt.getTime());
    },
  };
}
