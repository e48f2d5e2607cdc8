import { and, desc, eq, isNull } from "drizzle-orm";
import type { MissedCall, MissedCalls } from "../../ports/messages.ts";
import type { Database } from "./database-handle.ts";
import { isUuid } from "./query-helpers.ts";
import { leads, messages, missedCallReplies, missedCalls } from "./schema.ts";

type MissedCallRow = typeof missedCalls.$inferSelect;

const toMissedCall = (row: MissedCallRow): MissedCall => ({
  id: row.id,
  callId: row.callId,
  leadId: row.leadId,
  phone: row.phone,
  day: row.day,
  replyMessageId: row.replyMessageId,
  note: row.note,
  createdAt: row.createdAt,
  resolvedAt: row.resolvedAt,
});

/** Missed calls (one row per call) and the one reply per caller per day (primary key on phone and day). */
export function createMissedCallsRepository(db: Database): MissedCalls {
  return {
    async record(missed) {
      const [row] = await db
        .insert(missedCalls)
        .values(missed)
        .onConflictDoNothing({ target: missedCalls.callId })
        .returning();
      return row ? toMissedCall(row) : null;
    },

    async claimReply(phone, day, missedCallId) {
      const rows = await db
        .insert(missedCallReplies)
        .values({ phone, day, missedCallId })
        .onConflictDoNothing()
        .returning({ phone: missedCallReplies.phone });
      return rows.length > 0;
    },

    async setReply(id, messageId, note) {
      if (!isUuid(id)) return;
      await db.update(missedCalls).set({ replyMessageId: messageId, note }).where(eq(missedCalls.id, id));
    },

    async open(limit) {
      const rows = await db
        .select({ missed: missedCalls, leadName: leads.name, replyStatus: messages.status })
        .from(missedCalls)
        .leftJoin(leads, eq(leads.id, missedCalls.leadId))
        .leftJoin(messages, eq(messages.id, missedCalls.replyMessageId))
        .where(isNull(missedCalls.resolvedAt))
        .orderBy(desc(missedCalls.createdAt))
        .limit(limit);
      return rows.map((r) => ({ ...toMissedCall(r.missed), leadName: r.leadName, replyStatus: r.replyStatus }));
    },

    async resolve(id, at, by) {
      if (!isUuid(id)) return null;
      const [row] = await db
        .update(missedCalls)
        .set({ resolvedAt: at, resolvedBy: by && isUuid(by) ? by : null })
        .where(and(eq(missedCalls.id, id), isNull(missedCalls.resolvedAt)))
        .returning();
      return row ? toMissedCall(row) : null;
    },

    async resolveForLead(leadId, at, by) {
      if (!isUuid(leadId)) return [];
      const rows = await db
        .update(missedCalls)
        .set({ resolvedAt: at, resolvedBy: by && isUuid(by) ? by : null })
        .where(and(eq(missedCalls.leadId, leadId), isNull(missedCalls.resolvedAt)))
        .returning();
      return rows.map(toMissedCall);
    },
  };
}
