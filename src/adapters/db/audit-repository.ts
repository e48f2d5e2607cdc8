import { and, desc, eq, gte, ilike, lt, or, type SQL } from "drizzle-orm";
import type { AuditEntry, AuditSearch, AuditTrail } from "../../ports/audit.ts";
import type { Database } from "./database-handle.ts";
import { auditLog } from "./schema.ts";

/** ILIKE's wildcards typed by the user match themselves. */
const contains = (text: string) => `%${text.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;

const toEntry = (row: typeof auditLog.$inferSelect): AuditEntry => ({
  who: row.who,
  what: row.what,
  entity: row.entity as AuditEntry["entity"],
  entityId: row.entityId,
  at: row.at,
  details: row.details ?? undefined,
});

function conditions(search: AuditSearch): SQL | undefined {
  const all: (SQL | undefined)[] = [];
  if (search.who) all.push(ilike(auditLog.who, contains(search.who)));
  if (search.text) all.push(or(ilike(auditLog.what, contains(search.text)), eq(auditLog.entityId, search.text)));
  if (search.entity) all.push(eq(auditLog.entity, search.entity));
  if (search.from) all.push(gte(auditLog.at, search.from));
  if (search.before) all.push(lt(auditLog.at, search.before));
  return and(...all);
}

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
      return rows.map(toEntry);
    },
    async search(search, page) {
      // One row past the page tells whether another page follows, without counting them all.
      const rows = await db
        .select()
        .from(auditLog)
        .where(conditions(search))
        .orderBy(desc(auditLog.at), desc(auditLog.id))
        .limit(page.limit + 1)
        .offset(page.offset);
      return { entries: rows.slice(0, page.limit).map(toEntry), more: rows.length > page.limit };
    },
  };
}
