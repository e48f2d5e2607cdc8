import { and, desc, eq, isNull } from "drizzle-orm";
import type { AuditEntity } from "../../ports/audit.ts";
import type { BoardLink, BoardLinks } from "../../ports/board.ts";
import type { Database } from "./database-handle.ts";
import { isUuid } from "./query-helpers.ts";
import { auditLog, boardLinks } from "./schema.ts";

type Row = typeof boardLinks.$inferSelect;

const toLink = (row: Row): BoardLink => ({
  id: row.id,
  label: row.label,
  createdBy: row.createdBy,
  createdAt: row.createdAt,
  revokedAt: row.revokedAt,
  revokedBy: row.revokedBy,
});

const ENTITY: AuditEntity = "board_link";

/** Board links on drizzle; the audit entry (label, never the token or its hash) commits with the change. */
export function createBoardLinksRepository(db: Database): BoardLinks {
  return {
    async create(link) {
      return db.transaction(async (tx) => {
        const [row] = await tx
          .insert(boardLinks)
          .values({ tokenHash: link.tokenHash, label: link.label, createdBy: link.who, createdAt: link.at })
          .returning();
        await tx.insert(auditLog).values({
          who: link.who,
          what: "wall board link created",
          entity: ENTITY,
          entityId: row!.id,
          at: link.at,
          details: { label: link.label },
        });
        return toLink(row!);
      });
    },

    async list(limit) {
      const rows = await db.select().from(boardLinks).orderBy(desc(boardLinks.createdAt)).limit(limit);
      return rows.map(toLink);
    },

    async activeByTokenHash(tokenHash) {
      const [row] = await db
        .select()
        .from(boardLinks)
        .where(and(eq(boardLinks.tokenHash, tokenHash), isNull(boardLinks.revokedAt)));
      return row ? toLink(row) : null;
    },

    async isActive(id) {
      if (!isUuid(id)) return false;
      const [row] = await db
        .select({ id: boardLinks.id })
        .from(boardLinks)
        .where(and(eq(boardLinks.id, id), isNull(boardLinks.revokedAt)));
      return row !== undefined;
    },

    async revoke(id, actor) {
      if (!isUuid(id)) return null;
      return db.transaction(async (tx) => {
        const [row] = await tx
          .update(boardLinks)
          .set({ revokedAt: actor.at, revokedBy: actor.who })
          .where(and(eq(boardLinks.id, id), isNull(boardLinks.revokedAt)))
          .returning();
        if (!row) return null;
        await tx.insert(auditLog).values({
          who: actor.who,
          what: "wall board link revoked",
          entity: ENTITY,
          entityId: row.id,
          at: actor.at,
          details: { label: row.label },
        });
        return toLink(row);
      });
    },
  };
}
