import { and, count, eq, inArray, isNull, or, sql } from "drizzle-orm";
import { storableText } from "../../domain/storable-text.ts";
import type { Task, Tasks } from "../../ports/tasks.ts";
import type { Database } from "./database-handle.ts";
import { isUuid } from "./query-helpers.ts";
import { tasks } from "./schema.ts";

type TaskRow = typeof tasks.$inferSelect;

const toTask = (row: TaskRow): Task => ({
  id: row.id,
  kind: row.kind,
  key: row.key,
  payload: row.payload,
  attempts: row.attempts,
  lastError: row.lastError,
  nextAttemptAt: row.nextAttemptAt,
  doneAt: row.doneAt,
  failedAt: row.failedAt,
});

/** Tasks in the database. Claiming uses FOR UPDATE SKIP LOCKED, so two workers never take the same job. */
export function createTasksRepository(db: Database): Tasks {
  return {
    async enqueue({ kind, key, payload, runAt }) {
      const inserted = await db
        .insert(tasks)
        .values({ kind, key, payload, nextAttemptAt: runAt })
        .onConflictDoNothing({ target: [tasks.kind, tasks.key] })
        .returning({ id: tasks.id });
      return inserted.length > 0;
    },

    async claimDue(now, limit, lockMs, owner) {
      const lockedUntil = new Date(now.getTime() + lockMs);
      const rows = await db.execute<{ id: string }>(sql`
        update ${tasks} set locked_until = ${lockedUntil.toISOString()}::timestamptz, locked_by = ${owner}
        where id in (
          select id from ${tasks}
          where done_at is null and failed_at is null
            and next_attempt_at <= ${now.toISOString()}::timestamptz
            and (locked_until is null or locked_until < ${now.toISOString()}::timestamptz)
          order by next_attempt_at
          limit ${limit}
          for update skip locked
        )
        returning id`);
      const ids = (Array.isArray(rows) ? rows : (rows as { rows: { id: string }[] }).rows).map((r) => r.id);
      if (ids.length === 0) return [];
      const claimed = await db.select().from(tasks).where(inArray(tasks.id, ids));
      return claimed.map(toTask).sort((a, b) => a.nextAttemptAt.getTime() - b.nextAttemptAt.getTime());
    },

    async renew(ids, owner, until) {
      const valid = ids.filter(isUuid);
      if (valid.length === 0) return [];
      const renewed = await db
        .update(tasks)
        .set({ lockedUntil: until })
        .where(and(inArray(tasks.id, valid), eq(tasks.lockedBy, owner), isNull(tasks.doneAt), isNull(tasks.failedAt)))
        .returning({ id: tasks.id });
      return renewed.map((row) => row.id);
    },

    async release(ids, owner) {
      const valid = ids.filter(isUuid);
      if (valid.length === 0) return [];
      const released = await db
        .update(tasks)
        .set({ lockedUntil: null, lockedBy: null })
        .where(and(inArray(tasks.id, valid), eq(tasks.lockedBy, owner), isNull(tasks.doneAt), isNull(tasks.failedAt)))
        .returning({ id: tasks.id });
      return released.map((row) => row.id);
    },

    async complete(id, at) {
      if (!isUuid(id)) return;
      await db
        .update(tasks)
        .set({ doneAt: at, lockedUntil: null, lockedBy: null, attempts: sql`${tasks.attempts} + 1`, lastError: null })
        .where(and(eq(tasks.id, id), isNull(tasks.doneAt)));
    },

    async fail(id, error, retryAt, at, owner) {
      if (!isUuid(id)) return;
      await db
        .update(tasks)
        .set({
          attempts: sql`${tasks.attempts} + 1`,
          lastError: storableText(error).slice(0, 2000),
          lockedUntil: null,
          lockedBy: null,
          ...(retryAt ? { nextAttemptAt: retryAt } : { failedAt: at }),
        })
        .where(
          and(
            eq(tasks.id, id),
            isNull(tasks.doneAt),
            owner === undefined ? undefined : or(isNull(tasks.lockedBy), eq(tasks.lockedBy, owner)),
          ),
        );
    },

    async byKey(kind, key) {
      const [row] = await db
        .select()
        .from(tasks)
        .where(and(eq(tasks.kind, kind), eq(tasks.key, key)));
      return row ? toTask(row) : null;
    },

    async backlog() {
      const rows = await db
        .select({
          kind: tasks.kind,
          depth: count(),
          oldestAgeSeconds: sql<number>`extract(epoch from now() - min(${tasks.createdAt}))::float8`.mapWith(Number),
        })
        .from(tasks)
        .where(and(isNull(tasks.doneAt), isNull(tasks.failedAt)))
        .groupBy(tasks.kind);
      return rows.map((row) => ({ ...row, oldestAgeSeconds: Math.max(0, row.oldestAgeSeconds) }));
    },
  };
}
