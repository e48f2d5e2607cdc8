import {
  and,
  count,
  desc,
  eq,
  getTableColumns,
  gte,
  ilike,
  inArray,
  isNull,
  like,
  or,
  sql,
  type Column,
  type SQL,
} from "drizzle-orm";
import { leadTransitions, type Lead, type LeadFields } from "../../domain/leads.ts";
import { reject } from "../../domain/result.ts";
import type { E164 } from "../../domain/phone.ts";
import type { Leads } from "../../ports/leads.ts";
import type { Database } from "./database-handle.ts";
import { isUniqueViolation } from "./pg-errors.ts";
import { escapeLike, isUuid, UNNAMED } from "./query-helpers.ts";
import { mergeLeads } from "./merge-leads.ts";
import { writeStatus } from "./status-write.ts";
import { issues, leads } from "./schema.ts";

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

/** Every lead column, taken from a subquery over leads (drizzle has no `select matches.*, …`). */
function leadColumnsOf<S extends Record<keyof LeadRow, unknown>>(subquery: S) {
  const columns = Object.keys(getTableColumns(leads)) as (keyof LeadRow)[];
  return Object.fromEntries(columns.map((name) => [name, subquery[name]])) as { [K in keyof LeadRow]: S[K] };
}

/** Leads in PostgreSQL: de-duplicated by a partial unique index on the E.164 phone. */
export function createLeadsRepository(db: Database): Leads {
  const leadById = db
    .select()
    .from(leads)
    .where(eq(leads.id, sql.placeholder("id")))
    .prepare(UNNAMED);
  const byPhone = async (phone: E164) => {
    const [row] = await db.select().from(leads).where(eq(leads.phone, phone));
    return row ? toLead(row) : null;
  };

  const update = async (id: string, fields: Partial<LeadFields>) => {
    if (!isUuid(id)) return null;
    const [row] = await db
      .update(leads)
      .set({ ...fields, updatedAt: new Date() })
      .where(eq(leads.id, id))
      .returning();
    return row ? toLead(row) : null;
  };

  return {
    async create(fields) {
      const [row] = await db.insert(leads).values(fields).returning();
      return toLead(row!);
    },

    update,

    async updateUnlessPhoneTaken(id, fields) {
      try {
        const updated = await update(id, fields);
        return updated ? { updated } : null;
      } catch (error) {
        if (!fields.phone || !isUniqueViolation(error, "leads_phone_unique")) throw error;
        const owner = await byPhone(fields.phone);
        // The other lead let the number go again in between: rare enough to surface, not retry.
        if (!owner) throw error;
        return { phoneTakenBy: owner };
      }
    },

    async setStatus(id, status) {
      if (!isUuid(id)) return reject("not_found", "There is no such lead.");
      return writeStatus(leadTransitions, "lead", status, {
        move: async (from) =>
          (
            await db
              .update(leads)
              .set({ status, updatedAt: new Date() })
              .where(and(eq(leads.id, id), inArray(leads.status, [...from])))
              .returning({ id: leads.id })
          ).length > 0,
        current: async () =>
          (await db.select({ status: leads.status }).from(leads).where(eq(leads.id, id)))[0]?.status ?? null,
      });
    },

    async byId(id) {
      if (!isUuid(id)) return null;
      const [row] = await leadById.execute({ id });
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

    async givePhone(id, phone) {
      if (!isUuid(id)) return null;
      try {
        const [row] = await db
          .update(leads)
          .set({ phone, updatedAt: new Date() })
          .where(and(eq(leads.id, id), isNull(leads.phone)))
          .returning();
        return row ? toLead(row) : null;
      } catch (error) {
        // Another lead has the number: the unique index, not a check beforehand, decides a race.
        if (isUniqueViolation(error, "leads_phone_unique")) return null;
        throw error;
      }
    },

    merge: (absorbedId, survivorId) => mergeLeads(db, absorbedId, survivorId),

    async search({ query, limit, offset }) {
      const where = searchCondition(query);
      const newestFirst = [desc(leads.createdAt), desc(leads.id)] as const;
      if (!where) {
        const [rows, totals] = await Promise.all([
          db
            .select()
            .from(leads)
            .orderBy(...newestFirst)
            .limit(limit)
            .offset(offset),
          db.select({ total: count() }).from(leads),
        ]);
        return { leads: rows.map(toLead), total: totals[0]?.total ?? 0 };
      }
      // Most searches match a few hundred leads at most: then the page and the count come from one
      // statement over at most FEW_MATCHES + 1 matches (a trigram bitmap scan and a top-N sort).
      const firstMatches = db
        .select()
        .from(leads)
        .where(where)
        .limit(FEW_MATCHES + 1)
        .as("matches");
      const page = await db
        .select({ ...leadColumnsOf(firstMatches), total: sql<number>`count(*) over ()`.mapWith(Number) })
        .from(firstMatches)
        .orderBy(desc(firstMatches.createdAt), desc(firstMatches.id))
        .limit(limit)
        .offset(offset);
      const seen = page[0]?.total;
      if (seen !== undefined && seen <= FEW_MATCHES) return { leads: page.map(toLead), total: seen };
      if (seen === undefined && offset === 0) return { leads: [], total: 0 };

      // Many matches, or a page past the last: the exact count comes next and picks the plan. Left
      // to itself, Postgres often walks the created_at index hoping to meet `limit` matches soon,
      // which is quick when matches are common and slow (tens of ms at 50,000 leads) when they are
      // rare. Rare matches are fetched through the trigram indexes behind an OFFSET 0 fence, then sorted.
      const [{ total } = { total: 0 }] = await db.select({ total: count() }).from(leads).where(where);
      if (total === 0 || offset >= total) return { leads: [], total };
      if (total > RARE_MATCHES) {
        const rows = await db
          .select()
          .from(leads)
          .where(where)
          .orderBy(...newestFirst)
          .limit(limit)
          .offset(offset);
        return { leads: rows.map(toLead), total };
      }
      const matches = db.select().from(leads).where(where).offset(0).as("matches");
      const rows = await db
        .select()
        .from(matches)
        .orderBy(desc(matches.createdAt), desc(matches.id))
        .limit(limit)
        .offset(offset);
      return { leads: rows.map(toLead), total };
    },

    async countCreatedSince(since) {
      const [row] = await db.select({ n: count() }).from(leads).where(gte(leads.createdAt, since));
      return row?.n ?? 0;
    },
  };
}

/** Up to this many matches, one statement returns a search's page and its count. */
const FEW_MATCHES = 2_000;

/** Up to this many matches, a search sorts all of them rather than walk the created_at index. */
const RARE_MATCHES = 5_000;

const PHONE_LIKE = /^[\d\s()+\-./]+$/;
const ALPHANUMERIC = /^[a-z0-9]+$/i;

/**
 * What a search box query matches, newest first:
 * - written like a phone number (digits, spaces, + ( ) - . /, at least 3 digits): the E.164 phone
 *   containing those digits, so "07700 900123", "+44 7700 900123" and "900 123" all find
 *   +447700900123;
 * - anything else: a name or organisation holding every word, in any order ("jones sarah" finds
 *   "Sarah Jones"); the address holding the text ("baker street"); the postcode ignoring spaces
 *   ("nw16" finds "NW1 6XE"); or the site (street or postcode) of any of the lead's jobs. A word
 *   of one or two characters matches the start of a word instead ("jo" finds "Sarah Jones", "E1"
 *   finds "E1 6AN"), which is what such a query means and is the only form a trigram index can
 *   serve that short.
 * Every branch is served by a pg_trgm GIN index. The jobs' sites come in as an array of lead ids
 * (an InitPlan over the issues' own trigram indexes), which the leads' primary key serves inside
 * the same bitmap OR: a plain `IN (subquery)` under OR would force a scan of every lead.
 */
export function searchCondition(query: string | undefined): SQL | undefined {
  const text = query?.trim().replace(/\s+/g, " ") ?? "";
  if (text === "") return undefined;

  const digits = text.replace(/\D/g, "");
  if (PHONE_LIKE.test(text) && digits.length >= 3) {
    return or(...phoneDigitVariants(digits).map((variant) => like(leads.phone, `%${variant}%`)));
  }

  const words = text.split(" ");
  const branches: SQL[] = [
    everyWord(leads.name, words),
    everyWord(leads.organisation, words),
    containing(leads.address, text),
  ];
  const sites = [containing(issues.address, text)];

  const compact = text.replaceAll(" ", "");
  if (ALPHANUMERIC.test(compact)) {
    const pattern = compact.length < 3 ? `${compact}%` : `%${compact}%`;
    branches.push(sql`replace(${leads.postcode}, ' ', '') ilike ${pattern}`);
    sites.push(sql`replace(${issues.postcode}, ' ', '') ilike ${pattern}`);
  }
  branches.push(sql`${leads.id} = any(array(select ${issues.leadId} from ${issues} where ${or(...sites)}))`);
  return or(...branches);
}

/** The column holds `text`: anywhere in it, or for one or two characters at the start of a word. */
function containing(column: Column, text: string): SQL {
  const escaped = escapeLike(text);
  if (text.length >= 3) return ilike(column, `%${escaped}%`);
  return or(ilike(column, `${escaped}%`), ilike(column, `% ${escaped}%`))!;
}

/** The column holds every word, in any order. */
const everyWord = (column: Column, words: string[]): SQL => and(...words.map((word) => containing(column, word)))!;

/** The digit strings an E.164 number would contain for digits typed in UK or international form. */
export function phoneDigitVariants(digits: string): string[] {
  const variants = new Set([digits]);
  if (digits.startsWith("00"))
    variants.add(digits.slice(2)); // 0044 7700… → 447700…
  else if (digits.startsWith("0")) variants.add(`44${digits.slice(1)}`); // 07700… → 447700…
  return [...variants];
}
