import { count, desc, eq, gte, ilike, like, or, sql, type SQL } from "drizzle-orm";
import type { Lead, LeadFields } from "../../domain/leads.ts";
import type { E164 } from "../../domain/phone.ts";
import type { Leads } from "../../ports/leads.ts";
import { escapeLike, isUuid, type Database } from "./database.ts";
import { leads } from "./schema.ts";

type LeadRow = typeof leads.$inferSelect;

const toLead = (row: LeadRow): Lead => ({
  id: row.id,
  name: row.name,
  organisation: row.organisation,
  phone: row.phone as E164 | null,
  email: row.email,
  address: row.address,
  postcode: row.postcode,
  segment: row.segment,
  source: row.source,
  status: row.status,
  notes: row.notes,
  createdAt: row.createdAt,
  updatedAt: row.updatedAt,
});

/** Leads in PostgreSQL: de-duplicated by a partial unique index on the E.164 phone. */
export function createLeadsRepository(db: Database): Leads {
  const byPhone = async (phone: E164) => {
    const [row] = await db.select().from(leads).where(eq(leads.phone, phone));
    return row ? toLead(row) : null;
  };

  return {
    async create(fields) {
      const [row] = await db.insert(leads).values(fields).returning();
      return toLead(row!);
    },

    async update(id, fields) {
      if (!isUuid(id)) return null;
      const [row] = await db
        .update(leads)
        .set({ ...fields, updatedAt: new Date() })
        .where(eq(leads.id, id))
        .returning();
      return row ? toLead(row) : null;
    },

    async setStatus(id, status) {
      if (!isUuid(id)) return;
      await db.update(leads).set({ status, updatedAt: new Date() }).where(eq(leads.id, id));
    },

    async byId(id) {
      if (!isUuid(id)) return null;
      const [row] = await db.select().from(leads).where(eq(leads.id, id));
      return row ? toLead(row) : null;
    },

    byPhone,

    async findOrCreateByPhone(phone, fields) {
      // Two webhooks for the same new caller can arrive together: the unique index decides,
      // the loser inserts nothing and reads the winner's row.
      for (let attempt = 0; attempt < 3; attempt++) {
        const [inserted] = await db
          .insert(leads)
          .values({ ...(fields as Omit<LeadFields, "phone">), phone })
          .onConflictDoNothing({ target: leads.phone, where: sql`${leads.phone} is not null` })
          .returning();
        if (inserted) return { lead: toLead(inserted), created: true };
        const existing = await byPhone(phone);
        if (existing) return { lead: existing, created: false };
        // The conflicting lead was deleted or renumbered between the two statements: try again.
      }
      throw new Error("findOrCreateByPhone: the lead for this number kept changing; giving up after 3 attempts");
    },

    async search({ query, limit, offset }) {
      const where = searchCondition(query);
      const [rows, totals] = await Promise.all([
        db
          .select()
          .from(leads)
          .where(where)
          .orderBy(desc(leads.createdAt), desc(leads.id))
          .limit(limit)
          .offset(offset),
        db.select({ total: count() }).from(leads).where(where),
      ]);
      return { leads: rows.map(toLead), total: totals[0]?.total ?? 0 };
    },

    async countCreatedSince(since) {
      const [row] = await db.select({ n: count() }).from(leads).where(gte(leads.createdAt, since));
      return row?.n ?? 0;
    },
  };
}

const PHONE_LIKE = /^[\d\s()+\-./]+$/;
const ALPHANUMERIC = /^[a-z0-9]+$/i;

/**
 * What a search box query matches: name or organisation containing the text; the postcode
 * ignoring spaces ("nw16" finds "NW1 6XE"); and, when the query is written like a phone number,
 * the E.164 phone containing its digits — "07700 900123", "+44 7700 900123" and "900 123" all
 * find +447700900123. Every branch is served by a trigram index once the text has 3 characters.
 */
export function searchCondition(query: string | undefined): SQL | undefined {
  const text = query?.trim() ?? "";
  if (text === "") return undefined;
  const contains = `%${escapeLike(text)}%`;
  const branches: SQL[] = [ilike(leads.name, contains), ilike(leads.organisation, contains)];

  const compact = text.replace(/\s+/g, "");
  if (ALPHANUMERIC.test(compact)) {
    branches.push(sql`replace(${leads.postcode}, ' ', '') ilike ${`%${compact}%`}`);
  }

  const digits = text.replace(/\D/g, "");
  if (PHONE_LIKE.test(text) && digits.length >= 3) {
    for (const variant of phoneDigitVariants(digits)) branches.push(like(leads.phone, `%${variant}%`));
  }
  return or(...branches);
}

/** The digit strings an E.164 number would contain for digits typed in UK or international form. */
export function phoneDigitVariants(digits: string): string[] {
  const variants = new Set([digits]);
  if (digits.startsWith("00")) variants.add(digits.slice(2)); // 0044 7700… → 447700…
  else if (digits.startsWith("0")) variants.add(`44${digits.slice(1)}`); // 07700… → 447700…
  return [...variants];
}
