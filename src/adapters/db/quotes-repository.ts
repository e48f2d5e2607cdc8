import { and, desc, eq, getTableColumns, inArray, isNotNull, isNull, ne, sql } from "drizzle-orm";
import { REPLACEABLE_QUOTE_STATUSES, quoteTransitions, type Quote, type QuoteStatus } from "../../domain/quotes.ts";
import { reject } from "../../domain/result.ts";
import { leadDisplayName } from "../../domain/leads.ts";
import type { E164 } from "../../domain/phone.ts";
import { nextStates, statesLeadingTo } from "../../domain/state-machine.ts";
import type { Quotes } from "../../ports/quotes.ts";
import type { Database } from "./database-handle.ts";
import { isUniqueViolation } from "./pg-errors.ts";
import { isUuid } from "./query-helpers.ts";
import { writeStatus } from "./status-write.ts";
import { issues, leads, payments, quotes } from "./schema.ts";

type QuoteRow = typeof quotes.$inferSelect;

const toQuote = (row: QuoteRow): Quote => ({
  id: row.id,
  issueId: row.issueId,
  version: row.version,
  token: row.token,
  status: row.status,
  lines: row.lines,
  discountPence: row.discountPence,
  deposit: row.deposit ?? null,
  validUntil: row.validUntil,
  terms: row.terms,
  totals: row.totals,
  createdAt: row.createdAt,
  sentAt: row.sentAt,
  updatedAt: row.updatedAt,
  documentKey: row.documentKey,
});

/** 16 random bytes (128 bits) as base64url: 22 characters, no padding. */
export function newQuoteToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Buffer.from(bytes).toString("base64url");
}

/** The column a status change stamps with its time, when it has one. */
const STAMPED: Partial<Record<QuoteStatus, "sentAt" | "viewedAt" | "acceptedAt" | "paidAt">> = {
  sent: "sentAt",
  viewed: "viewedAt",
  accepted: "acceptedAt",
  paid: "paidAt",
};

/** Quotes, numbered per issue (unique issue_id + version), each with its own public token. */
export function createQuotesRepository(db: Database): Quotes {
  const advance: Quotes["advance"] = async (id, from, to, at) => {
    // Only the moves the transition table allows: a caller's stale list cannot write past it.
    const allowed = from.filter((status) => nextStates(quoteTransitions, status).includes(to));
    if (!isUuid(id) || allowed.length === 0) return false;
    const stamp = STAMPED[to];
    const updated = await db
      .update(quotes)
      .set({ status: to, updatedAt: at, ...(stamp ? { [stamp]: at } : {}) })
      .where(and(eq(quotes.id, id), inArray(quotes.status, allowed)))
      .returning({ id: quotes.id });
    return updated.length > 0;
  };

  return {
    async createDraft(quote) {
      // The next version is worked out inside the INSERT; two drafts racing for the same
      // number collide on unique(issue_id, version) and the loser simply tries again.
      for (let attempt = 1; ; attempt++) {
        try {
          const [row] = await db
            .insert(quotes)
            .values({
              issueId: quote.issueId,
              version: sql`(select coalesce(max(${quotes.version}), 0) + 1 from ${quotes} where ${quotes.issueId} = ${quote.issueId})`,
              token: newQuoteToken(),
              status: "draft",
              lines: quote.lines,
              totals: quote.totals,
              discountPence: quote.discountPence,
              deposit: quote.deposit,
              validUntil: quote.validUntil,
              terms: quote.terms,
            })
            .returning();
          return toQuote(row!);
        } catch (error) {
          if (attempt < 5 && isUniqueViolation(error)) continue;
          throw error;
        }
      }
    },

    async byId(id) {
      if (!isUuid(id)) return null;
      const [row] = await db.select().from(quotes).where(eq(quotes.id, id));
      return row ? toQuote(row) : null;
    },

    async byToken(token) {
      const [row] = await db.select().from(quotes).where(eq(quotes.token, token));
      return row ? toQuote(row) : null;
    },

    async forIssue(issueId) {
      if (!isUuid(issueId)) return [];
      const rows = await db.select().from(quotes).where(eq(quotes.issueId, issueId)).orderBy(desc(quotes.version));
      return rows.map(toQuote);
    },

    async forLead(leadId) {
      if (!isUuid(leadId)) return [];
      const rows = await db
        .select(getTableColumns(quotes))
        .from(quotes)
        .innerJoin(issues, eq(issues.id, quotes.issueId))
        .where(eq(issues.leadId, leadId))
        .orderBy(desc(quotes.createdAt), desc(quotes.version));
      return rows.map(toQuote);
    },

    async setStatus(id, status, at = new Date()) {
      if (!isUuid(id)) return reject("not_found", "There is no such quote.");
      return writeStatus(quoteTransitions, "quote", status, {
        move: (from) => advance(id, from, status, at),
        current: async () =>
          (await db.select({ status: quotes.status }).from(quotes).where(eq(quotes.id, id)))[0]?.status ?? null,
      });
    },

    async updateDraft(id, fields) {
      if (!isUuid(id)) return false;
      const updated = await db
        .update(quotes)
        .set({
          lines: fields.lines,
          totals: fields.totals,
          discountPence: fields.discountPence,
          deposit: fields.deposit,
          validUntil: fields.validUntil,
          terms: fields.terms,
          updatedAt: new Date(),
        })
        .where(and(eq(quotes.id, id), eq(quotes.status, "draft")))
        .returning({ id: quotes.id });
      return updated.length > 0;
    },

    async markSent(id, at) {
      if (!isUuid(id)) return false;
      return db.transaction(async (tx) => {
        const [sent] = await tx
          .update(quotes)
          .set({ status: "sent", sentAt: at, updatedAt: at })
          .where(and(eq(quotes.id, id), inArray(quotes.status, [...statesLeadingTo(quoteTransitions, "sent")])))
          .returning({ issueId: quotes.issueId });
        if (!sent) return false;
        await tx
          .update(quotes)
          .set({ status: "superseded", updatedAt: at })
          .where(
            and(
              eq(quotes.issueId, sent.issueId),
              ne(quotes.id, id),
              inArray(quotes.status, [...REPLACEABLE_QUOTE_STATUSES]),
            ),
          );
        return true;
      });
    },

    advance,

    async setDocumentKey(id, key) {
      if (!isUuid(id)) return;
      // The first key stays: a render that lost a race never points the version elsewhere.
      await db
        .update(quotes)
        .set({ documentKey: key })
        .where(and(eq(quotes.id, id), isNull(quotes.documentKey)));
    },

    async latestSent(issueId) {
      if (!isUuid(issueId)) return null;
      const [row] = await db
        .select()
        .from(quotes)
        .where(and(eq(quotes.issueId, issueId), isNotNull(quotes.sentAt)))
        .orderBy(desc(quotes.version))
        .limit(1);
      return row ? toQuote(row) : null;
    },

    async list({ status, limit }) {
      const paid = sql<number>`coalesce((select sum(${payments.amountPence}) from ${payments} where ${payments.quoteId} = ${quotes.id} and ${payments.status} = 'paid'), 0)::int`;
      const rows = await db
        .select({
          quote: getTableColumns(quotes),
          issueTitle: issues.title,
          leadId: leads.id,
          leadName: leads.name,
          leadOrganisation: leads.organisation,
          leadPhone: leads.phone,
          paidPence: paid,
        })
        .from(quotes)
        .innerJoin(issues, eq(issues.id, quotes.issueId))
        .innerJoin(leads, eq(leads.id, issues.leadId))
        .where(status ? eq(quotes.status, status) : ne(quotes.status, "superseded"))
        .orderBy(desc(quotes.updatedAt), desc(quotes.version))
        .limit(limit);
      return rows.map((r) => ({
        quote: toQuote(r.quote),
        issueTitle: r.issueTitle,
        leadId: r.leadId,
        // A lead known only by its number shows it as written here ("07700 900123"), not in E.164.
        leadName: leadDisplayName({
          name: r.leadName,
          organisation: r.leadOrganisation,
          phone: r.leadPhone as E164 | null,
        }),
        paidPence: Number(r.paidPence),
      }));
    },
  };
}
