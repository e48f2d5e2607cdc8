import { desc, eq } from "drizzle-orm";
import type { VisitRecord } from "../../domain/scheduling/visit-records.ts";
import type { VisitRecords } from "../../ports/visit-records.ts";
import type { Database } from "./database-handle.ts";
import { isUuid } from "./query-helpers.ts";
import { auditLog, visitRecords } from "./schema.ts";

type Row = typeof visitRecords.$inferSelect;

const toRecord = (row: Row): VisitRecord => ({ ...row });

/**
 * Notes and photos from visits. Each is written with an audit entry on its job (entity issue),
 * so it shows in the job's history beside the office's changes.
 */
export function createVisitRecordsRepository(db: Database): VisitRecords {
  const insert = (values: typeof visitRecords.$inferInsert, who: string, what: string) =>
    db.transaction(async (tx) => {
      const [row] = await tx.insert(visitRecords).values(values).returning();
      await tx.insert(auditLog).values({
        who,
        what,
        entity: "issue",
        entityId: values.issueId,
        details: { appointmentId: values.appointmentId, recordId: row!.id },
      });
      return toRecord(row!);
    });

  return {
    addNote(note, actor) {
      return insert({ ...note, kind: "note" }, actor.who, "visit note added");
    },
    addPhoto(photo, actor) {
      return insert({ ...photo, kind: "photo" }, actor.who, "site photo added");
    },
    async byId(id) {
      if (!isUuid(id)) return null;
      const [row] = await db.select().from(visitRecords).where(eq(visitRecords.id, id));
      return row ? toRecord(row) : null;
    },
    async forIssue(issueId) {
      if (!isUuid(issueId)) return [];
      const rows = await db
        .select()
        .from(visitRecords)
        .where(eq(visitRecords.issueId, issueId))
        .orderBy(desc(visitRecords.createdAt), desc(visitRecords.id));
      return rows.map(toRecord);
    },
  };
}
