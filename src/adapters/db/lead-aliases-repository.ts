import { and, eq, sql } from "drizzle-orm";
import type { LeadAliases } from "../../ports/messages.ts";
import type { Database } from "./database-handle.ts";
import { pgErrorOf } from "./pg-errors.ts";
import { isUuid } from "./query-helpers.ts";
import { calls, issues, leadAliases, leads, messages, missedCalls } from "./schema.ts";

/** The lead's details the merged-into lead keeps when it has none of its own. */
const COPIED = ["name", "organisation", "email", "address", "postcode", "notes"] as const;

/** Lead aliases (WhatsApp BSUIDs), unique per kind and value, and lead merges. */
export function createLeadAliasesRepository(db: Database): LeadAliases {
  const leadFor = async (kind: string, value: string) => {
    const [row] = await db.select({ leadId: leadAliases.leadId }).from(leadAliases).where(and(eq(leadAliases.kind, kind), eq(leadAliases.value, value)));
    return row?.leadId ?? null;
  };

  return {
    leadFor,

    async add(leadId, kind, value) {
      await db.insert(leadAliases).values({ leadId, kind, value }).onConflictDoNothing({ target: [leadAliases.kind, leadAliases.value] });
      const owner = await leadFor(kind, value);
      if (!owner) throw new Error("leadAliases.add: the alias vanished between insert and select");
      return owner;
    },

    async forLead(leadId) {
      if (!isUuid(leadId)) return [];
      return db.select({ kind: leadAliases.kind, value: leadAliases.value }).from(leadAliases).where(eq(leadAliases.leadId, leadId));
    },

    async mergeLeads(fromLeadId, intoLeadId) {
      if (fromLeadId === intoLeadId) return;
      await db.transaction(async (tx) => {
        const [from] = await tx.select().from(leads).where(eq(leads.id, fromLeadId)).for("update");
        const [into] = await tx.select().from(leads).where(eq(leads.id, intoLeadId)).for("update");
        if (!from || !into) return;
        await tx.update(messages).set({ leadId: intoLeadId }).where(eq(messages.leadId, fromLeadId));
        await tx.update(calls).set({ leadId: intoLeadId }).where(eq(calls.leadId, fromLeadId));
        await tx.update(issues).set({ leadId: intoLeadId }).where(eq(issues.leadId, fromLeadId));
        await tx.update(missedCalls).set({ leadId: intoLeadId }).where(eq(missedCalls.leadId, fromLeadId));
        // Aliases the other lead already has stay once; the rest move.
        await tx.execute(sql`
          update ${leadAliases} set lead_id = ${intoLeadId}
          where lead_id = ${fromLeadId}
            and not exists (select 1 from ${leadAliases} a where a.lead_id = ${intoLeadId} and a.kind = ${leadAliases.kind} and a.value = ${leadAliases.value})`);
        const fill: Partial<Record<(typeof COPIED)[number], string>> = {};
        for (const field of COPIED) if (!into[field] && from[field]) fill[field] = from[field]!;
        const segment = into.segment === "unknown" && from.segment !== "unknown" ? { segment: from.segment } : {};
        if (Object.keys(fill).length > 0 || "segment" in segment) {
          await tx.update(leads).set({ ...fill, ...segment, updatedAt: new Date() }).where(eq(leads.id, intoLeadId));
        }
        // Something added later may still point at the old lead (a table this merge does not
        // know): then it stays, emptied and marked, rather than the merge failing.
        try {
          await tx.transaction(async (inner) => {
            await inner.delete(leads).where(eq(leads.id, fromLeadId));
          });
        } catch (error) {
          if (pgErrorOf(error).code !== "23503") throw error;
          await tx.update(leads).set({ notes: `Merged into lead ${intoLeadId}.`, updatedAt: new Date() }).where(eq(leads.id, fromLeadId));
        }
      });
    },
  };
}
