import { asc, eq } from "drizzle-orm";
import type { E164 } from "../../domain/phone.ts";
import type { LeadContact, LeadContacts } from "../../ports/leads.ts";
import type { Database } from "./database-handle.ts";
import { isUuid } from "./query-helpers.ts";
import { leadContacts } from "./schema.ts";

type ContactRow = typeof leadContacts.$inferSelect;

const toContact = (row: ContactRow): LeadContact => ({
  id: row.id,
  leadId: row.leadId,
  name: row.name,
  role: row.role,
  phone: row.phone as E164 | null,
  createdAt: row.createdAt,
});

/** A lead's named contacts: several people calling from one number. */
export function createLeadContactsRepository(db: Database): LeadContacts {
  return {
    async add(contact) {
      const [row] = await db.insert(leadContacts).values(contact).returning();
      return toContact(row!);
    },

    async forLead(leadId) {
      if (!isUuid(leadId)) return [];
      const rows = await db
        .select()
        .from(leadContacts)
        .where(eq(leadContacts.leadId, leadId))
        .orderBy(asc(leadContacts.createdAt), asc(leadContacts.id));
      return rows.map(toContact);
    },
  };
}
