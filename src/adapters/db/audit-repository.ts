import { and, desc, eq } from "drizzle-orm";
import type { AuditEntry, AuditTrail } from "../../ports/audit.ts";
import type { Database } from "./database-handle.ts";
import { auditLog } from "./schema.ts";

export function createAuditRepository(db: Database): AuditTrail {
  return {
    async record(entry) {
      await db.insert(auditLog).values({
        who: entry.who,
        what: entry.what,
        entity: entry.entity,
        entityId: entry.entityId,
        at: entry.at,
        details: entry.details ?? null,
      });
    },
    async forEntity(entity, entityId, limit = 50) {
      const rows = await db
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.entity, entity), eq(auditLog.entityId, entityId)))
        .orderBy(desc(auditLog.at))
        .limit(limit);
      return rows.map((row) => ({
        who: row.who,
        what: row.what,
        entity: row.entity as AuditEntry["entity"],
        entityId: row.entityId,
        at: row.at,
        details: row.details ?? undefined,
      }));
    },
  };
}
