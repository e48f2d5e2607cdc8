import { and, eq, inArray, sql } from "drizzle-orm";
import type { Job, Jobs } from "../../ports/jobs.ts";
import type { Database } from "./database-handle.ts";
import { isUuid } from "./query-helpers.ts";
import { jobs } from "./schema.ts";

type JobRow = typeof jobs.$inferSelect;

const toJob = (row: JobRow): Job => ({
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

/** Jobs in the database. Claiming uses FOR UPDATE SKIP LOCKED, so two workers never take the same job. */
export function createJobsRepository(db: Database): Jobs {
  return {
    async enqueue({ kind, key, payload, runAt }) {
      const inserted = await db
        .insert(jobs)
        .values({ kind, key, payload, nextAttemptAt: runAt })
        .onConflictDoNothing({ target: [jobs.kind, jobs.key] })
        .returning({ id: jobs.id });
      return inserted.length > 0;
    },

    async claimDue(now, limit, lockMs) {
      const lockedUntil = new Date(now.getTime() + lockMs);
      const rows = await db.execute<{ id: string }>(sql`
        update ${jobs} set locked_until = ${lockedUntil.toISOString()}::timestamptz
        where id in (
          select id from ${jobs}
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
      const claimed = await db.select().from(jobs).where(inArray(jobs.id, ids));
      return claimed.map(toJob).sort((a, b) => a.nextAttemptAt.getTime() - b.nextAttemptAt.getTime());
    },

    async complete(id, at) {
      if (!isUuid(id)) return;
      await db.update(jobs).set({ doneAt: at, lockedUntil: null, attempts: sql`${jobs.attempts} + 1`, lastError: null }).where(eq(jobs.id, id));
    },

    async fail(id, error, retryAt, at) {
      if (!isUuid(id)) return;
      await db
        .update(jobs)
        .set({
          attempts: sql`${jobs.attempts} + 1`,
          lastError: error.slice(0, 2000),
          lockedUntil: null,
          ...(retryAt ? { nextAttemptAt: retryAt } : { failedAt: at }),
        })
        .where(eq(jobs.id, id));
    },

    async byKey(kind, key) {
      const [row] = await db.select().from(jobs).where(and(eq(jobs.kind, kind), eq(jobs.key, key)));
      return row ? toJob(row) : null;
    },
  };
}
