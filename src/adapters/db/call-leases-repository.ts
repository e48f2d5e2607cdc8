import { and, asc, eq, isNotNull, isNull, lt, sql } from "drizzle-orm";
import type { CallLeases } from "../../ports/call-leases.ts";
import { toCall } from "./calls-repository.ts";
import type { Database } from "./database-handle.ts";
import { isUuid, UNNAMED } from "./query-helpers.ts";
import { calls } from "./schema.ts";

/** Call leases as two columns on calls (lease_owner, lease_expires_at). */
export function createCallLeasesRepository(db: Database): CallLeases {
  // Taken and released once or twice by every call: SQL built once.
  const lease = { leaseOwner: sql.placeholder("owner"), leaseExpiresAt: sql.placeholder("until") } as unknown as {
    leaseOwner: string;
    leaseExpiresAt: Date;
  };
  const holdCall = db
    .update(calls)
    .set(lease)
    .where(eq(calls.id, sql.placeholder("callId")))
    .prepare(UNNAMED);
  const holdFreeCall = db
    .update(calls)
    .set(lease)
    .where(and(eq(calls.id, sql.placeholder("callId")), isNull(calls.leaseOwner)))
    .returning({ id: calls.id })
    .prepare(UNNAMED);
  const releaseCall = db
    .update(calls)
    .set({ leaseOwner: null, leaseExpiresAt: null })
    .where(and(eq(calls.id, sql.placeholder("callId")), eq(calls.leaseOwner, sql.placeholder("owner"))))
    .prepare(UNNAMED);
  return {
    async hold(callId, owner, until) {
      if (!isUuid(callId)) return;
      await holdCall.execute({ callId, owner, until });
    },

    async holdIfFree(callId, owner, until) {
      if (!isUuid(callId)) return false;
      const rows = await holdFreeCall.execute({ callId, owner, until });
      return rows.length > 0;
    },

    async renew(owner, until) {
      const rows = await db
        .update(calls)
        .set({ leaseExpiresAt: until })
        .where(and(eq(calls.leaseOwner, owner), isNotNull(calls.leaseExpiresAt)))
        .returning({ id: calls.id });
      return rows.length;
    },

    async release(callId, owner) {
      if (!isUuid(callId)) return;
      await releaseCall.execute({ callId, owner });
    },

    async releaseAny(callId) {
      if (!isUuid(callId)) return;
      await db.update(calls).set({ leaseOwner: null, leaseExpiresAt: null }).where(eq(calls.id, callId));
    },

    async claimLapsed(owner, now, until, limit) {
      // Rows another sweeper has locked are skipped, and the lapse is checked again on the locked
      // row, so of two instances sweeping at once only one takes each call.
      const lapsed = db
        .select({ id: calls.id })
        .from(calls)
        .where(lt(calls.leaseExpiresAt, now))
        .orderBy(asc(calls.leaseExpiresAt))
        .limit(limit)
        .for("update", { skipLocked: true });
      const rows = await db
        .update(calls)
        .set({ leaseOwner: owner, leaseExpiresAt: until, updatedAt: sql`now()` })
        .where(and(sql`${calls.id} in ${lapsed}`, lt(calls.leaseExpiresAt, now)))
        .returning();
      return rows.map(toCall);
    },
  };
}
