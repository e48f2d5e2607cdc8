import { and, desc, eq, isNull } from "drizzle-orm";
import { DEFAULT_CALLING_HOURS, type CallingHours, type OptOut } from "../../domain/assistant/call-policy.ts";
import type { E164 } from "../../domain/phone.ts";
import { ok, reject } from "../../domain/result.ts";
import type { AuditEntity } from "../../ports/audit.ts";
import type { CallConsent } from "../../ports/call-consent.ts";
import type { Database } from "./database-handle.ts";
import { isUuid } from "./query-helpers.ts";
import { auditLog, automatedCallAttempts, automatedCallOptOuts, leads, settings } from "./schema.ts";

/** The settings key of the calling hours (and the audit entry's entity id). */
const CALLING_HOURS_KEY = "assistant_calling_hours";

type OptOutRow = typeof automatedCallOptOuts.$inferSelect;

const toOptOut = (row: OptOutRow): OptOut => ({
  id: row.id,
  phone: row.phone,
  source: row.source,
  callId: row.callId,
  at: row.optedOutAt,
});

const standing = (phone: string) => and(eq(automatedCallOptOuts.phone, phone), isNull(automatedCallOptOuts.removedAt));

/**
 * The assistant's consent register on drizzle: calling hours in `settings`, one attempt a number a
 * London day (unique key), the opt-outs (one standing a number, partial unique index). Audit
 * entries name the lead and the call, never the number: the row keeps it.
 */
export function createCallConsentRepository(db: Database): CallConsent {
  return {
    async callingHours() {
      const [row] = await db.select().from(settings).where(eq(settings.key, CALLING_HOURS_KEY));
      return row ? (row.value as CallingHours) : DEFAULT_CALLING_HOURS;
    },

    async setCallingHours(hours, actor) {
      await db.transaction(async (tx) => {
        const [before] = await tx.select().from(settings).where(eq(settings.key, CALLING_HOURS_KEY)).for("update");
        const at = actor.at ?? new Date();
        await tx
          .insert(settings)
          .values({ key: CALLING_HOURS_KEY, value: hours, updatedBy: actor.who, updatedAt: at })
          .onConflictDoUpdate({ target: settings.key, set: { value: hours, updatedBy: actor.who, updatedAt: at } });
        await tx.insert(auditLog).values({
          who: actor.who,
          what: "assistant calling hours set",
          entity: "settings" satisfies AuditEntity,
          entityId: CALLING_HOURS_KEY,
          at,
          details: { before: before?.value ?? DEFAULT_CALLING_HOURS, after: hours },
        });
      });
    },

    async reserve(phone, day, at) {
      // Twice at most: the first attempt's row may be released between our insert and our read.
      for (let round = 0; ; round++) {
        const [row] = await db
          .insert(automatedCallAttempts)
          .values({ phone, day, reservedAt: at })
          .onConflictDoNothing({ target: [automatedCallAttempts.phone, automatedCallAttempts.day] })
          .returning();
        if (row) return ok({ id: row.id, phone: row.phone as E164, day: row.day, reservedAt: row.reservedAt });
        // The conflict waited for the winner's commit, so its row is there to read.
        const [first] = await db
          .select({ reservedAt: automatedCallAttempts.reservedAt })
          .from(automatedCallAttempts)
          .where(and(eq(automatedCallAttempts.phone, phone), eq(automatedCallAttempts.day, day)));
        if (first || round > 0) return { ok: false, reason: "already_called_today", firstAt: first?.reservedAt ?? at };
      }
    },

    async attachCall(reservationId, callId) {
      if (!isUuid(reservationId)) return;
      await db.update(automatedCallAttempts).set({ callId }).where(eq(automatedCallAttempts.id, reservationId));
    },

    async release(reservationId) {
      if (!isUuid(reservationId)) return;
      await db.delete(automatedCallAttempts).where(eq(automatedCallAttempts.id, reservationId));
    },

    async optOutFor(phone) {
      const [row] = await db.select().from(automatedCallOptOuts).where(standing(phone));
      return row ? toOptOut(row) : null;
    },

    async recordOptOut(entry) {
      return db.transaction(async (tx) => {
        const [row] = await tx
          .insert(automatedCallOptOuts)
          .values({ phone: entry.phone, source: entry.source, callId: entry.callId, optedOutAt: entry.at })
          .onConflictDoNothing()
          .returning();
        if (!row) {
          const [kept] = await tx.select().from(automatedCallOptOuts).where(standing(entry.phone));
          return { optOut: toOptOut(kept!), created: false };
        }
        const [lead] = await tx.select({ id: leads.id }).from(leads).where(eq(leads.phone, entry.phone));
        await tx.insert(auditLog).values({
          who: entry.who ?? "assistant",
          what: "opted out of automated calls",
          entity: "opt_out" satisfies AuditEntity,
          entityId: row.id,
          at: entry.at,
          details: { source: entry.source, callId: entry.callId, leadId: lead?.id ?? null },
        });
        return { optOut: toOptOut(row), created: true };
      });
    },

    async optOuts(limit) {
      const rows = await db
        .select({ optOut: automatedCallOptOuts, leadId: leads.id, leadName: leads.name })
        .from(automatedCallOptOuts)
        .leftJoin(leads, eq(leads.phone, automatedCallOptOuts.phone))
        .where(isNull(automatedCallOptOuts.removedAt))
        .orderBy(desc(automatedCallOptOuts.optedOutAt))
        .limit(limit);
      return rows.map((r) => ({ ...toOptOut(r.optOut), leadId: r.leadId, leadName: r.leadName }));
    },

    async removeOptOut(id, reason, actor) {
      if (!isUuid(id)) return reject("not_found", "That number is not on the opt-out register.");
      return db.transaction(async (tx) => {
        const at = actor.at ?? new Date();
        const [row] = await tx
          .update(automatedCallOptOuts)
          .set({ removedAt: at, removedBy: actor.who, removalReason: reason })
          .where(and(eq(automatedCallOptOuts.id, id), isNull(automatedCallOptOuts.removedAt)))
          .returning();
        if (!row) return reject("not_found", "That number is not on the opt-out register.");
        const [lead] = await tx.select({ id: leads.id }).from(leads).where(eq(leads.phone, row.phone));
        await tx.insert(auditLog).values({
          who: actor.who,
          what: "opt-out removed",
          entity: "opt_out" satisfies AuditEntity,
          entityId: row.id,
          at,
          details: { reason, source: row.source, callId: row.callId, leadId: lead?.id ?? null },
        });
        return ok(toOptOut(row));
      });
    },
  };
}
