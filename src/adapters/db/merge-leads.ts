import { eq, sql } from "drizzle-orm";
import { mergedLeadDetails } from "../../domain/lead-merge.ts";
import type { Database } from "./database-handle.ts";
import { pgErrorOf } from "./pg-errors.ts";
import { calls, issues, leadAliases, leadContacts, leads, messages, missedCalls } from "./schema.ts";

/**
 * `Leads.merge`: moves everything of `absorbedId` to `survivorId`, applies the domain's merge
 * policy to the two rows as they are under lock, and deletes the emptied lead, in one transaction.
 */
export async function mergeLeads(db: Database, absorbedId: string, survivorId: string): Promise<void> {
  if (absorbedId === survivorId) return;
  await db.transaction(async (tx) => {
    const [absorbed] = await tx.select().from(leads).where(eq(leads.id, absorbedId)).for("update");
    const [survivor] = await tx.select().from(leads).where(eq(leads.id, survivorId)).for("update");
    if (!absorbed || !survivor) return;
    await tx.update(messages).set({ leadId: survivorId }).where(eq(messages.leadId, absorbedId));
    await tx.update(calls).set({ leadId: survivorId }).where(eq(calls.leadId, absorbedId));
    await tx.update(issues).set({ leadId: survivorId }).where(eq(issues.leadId, absorbedId));
    await tx.update(missedCalls).set({ leadId: survivorId }).where(eq(missedCalls.leadId, absorbedId));
    await tx.update(leadContacts).set({ leadId: survivorId }).where(eq(leadContacts.leadId, absorbedId));
    // Aliases the survivor already has stay once; the rest move.
    await tx.execute(sql`
      update ${leadAliases} set lead_id = ${survivorId}
      where lead_id = ${absorbedId}
        and not exists (select 1 from ${leadAliases} a where a.lead_id = ${survivorId} and a.kind = ${leadAliases.kind} and a.value = ${leadAliases.value})`);
    const details = mergedLeadDetails(survivor, absorbed);
    if (Object.keys(details).length > 0)
      await tx
        .update(leads)
        .set({ ...details, updatedAt: new Date() })
        .where(eq(leads.id, survivorId));
    // Something added later may still point at the old lead (a table this merge does not
    // know): then it stays, emptied and marked, rather than the merge failing.
    try {
      await tx.transaction(async (inner) => {
        await inner.delete(leads).where(eq(leads.id, absorbedId));
      });
    } catch (error) {
      if (pgErrorOf(error).code !== "23503") throw error;
      await tx
        .update(leads)
        .set({ notes: `Merged into lead ${survivorId}.`, updatedAt: new Date() })
        .where(eq(leads.id, absorbedId));
    }
  });
}
