import { and, eq } from "drizzle-orm";
import type { LeadAliases } from "../../ports/leads.ts";
import type { Database } from "./database-handle.ts";
import { isUuid } from "./query-helpers.ts";
import { leadAliases } from "./schema.ts";

/** Lead aliases (WhatsApp BSUIDs), unique per kind and value. */
export function createLeadAliasesRepository(db: Database): LeadAliases {
  const leadFor = async (kind: string, value: string) => {
    const [row] = await db
      .select({ leadId: leadAliases.leadId })
      .from(leadAliases)
      .where(and(eq(leadAliases.kind, kind), eq(leadAliases.value, value)));
    return row?.leadId ?? null;
  };

  return {
    leadFor,

    async add(leadId, kind, value) {
      await db
        .insert(leadAliases)
        .values({ leadId, kind, value })
        .onConflictDoNothing({ target: [leadAliases.kind, leadAliases.value] });
      const owner = await leadFor(kind, value);
      if (!owner) throw new Error("leadAliases.add: the alias vanished between insert and select");
      return owner;
    },

    async forLead(leadId) {
      if (!isUuid(leadId)) return [];
      return db
        .select({ kind: leadAliases.kind, value: leadAliases.value })
        .from(leadAliases)
        .where(eq(leadAliases.leadId, leadId));
    },
  };
}
