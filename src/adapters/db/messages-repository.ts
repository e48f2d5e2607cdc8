import { and, asc, count, desc, eq, gte, inArray, isNotNull, isNull, sql, TransactionRollbackError } from "drizzle-orm";
import type { Message } from "../../domain/messaging/message.ts";
import type { Conversation, Messages } from "../../ports/messages.ts";
import type { Database } from "./database-handle.ts";
import { escapeLike, isUuid } from "./query-helpers.ts";
import { tasks, leads, messages } from "./schema.ts";

type MessageRow = typeof messages.$inferSelect;

export const toMessage = (row: MessageRow): Message => ({
  id: row.id,
  leadId: row.leadId,
  issueId: row.issueId,
  channel: row.channel,
  direction: row.direction,
  kind: row.kind,
  purpose: row.purpose,
  body: row.body,
  status: row.status,
  providerId: row.providerId,
  address: row.address,
  senderName: row.senderName,
  username: row.username,
  mediaId: row.mediaId,
  mediaType: row.mediaType,
  mediaSize: row.mediaSize,
  mediaKey: row.mediaKey,
  thumbnailKey: row.thumbnailKey,
  mediaError: row.mediaError,
  mediaGaveUpAt: row.mediaGaveUpAt,
  transcript: row.transcript,
  transcriber: row.transcriber,
  extracted: row.extracted ?? null,
  template: row.template ?? null,
  error: row.error,
  sentBy: row.sentBy,
  occurredAt: row.occurredAt,
  seenAt: row.seenAt,
  statusAt: row.statusAt,
  createdAt: row.createdAt,
  updatedAt: row.updatedAt,
});

/** Rows from db.execute: postgres.js answers an array, PGlite and Neon an object with rows. */
export const rowsOf = <T>(result: unknown): T[] =>
  Array.isArray(result) ? (result as T[]) : ((result as { rows: T[] }).rows ?? []);

/** Messages in PostgreSQL; (channel, provider_id) is unique, so a replayed webhook stores nothing. */
export function createMessagesRepository(db: Database): Messages {
  const byId = async (id: string) => {
    if (!isUuid(id)) return null;
    const [row] = await db.select().from(messages).where(eq(messages.id, id));
    return row ? toMessage(row) : null;
  };
  const byProviderId = async (channel: Message["channel"], providerId: string) => {
    const [row] = await db
      .select()
      .from(messages)
      .where(and(eq(messages.channel, channel), eq(messages.providerId, providerId)));
    return row ? toMessage(row) : null;
  };

  return {
    async recordInbound(message) {
      const [inserted] = await db
        .insert(messages)
        .values(message)
        .onConflictDoNothing({ target: [messages.channel, messages.providerId] })
        .returning();
      if (inserted) return { message: toMessage(inserted), created: true };
      const existing = message.providerId ? await byProviderId(message.channel, message.providerId) : null;
      if (!existing) throw new Error("messages.recordInbound: the message vanished between insert and select");
      return { message: existing, created: false };
    },

    async enqueueOutbound(message, taskKind, runAt) {
      return db.transaction(async (tx) => {
        const [row] = await tx
          .insert(messages)
          .values(message)
          .onConflictDoNothing({ target: messages.idempotencyKey })
          .returning();
        if (!row && message.idempotencyKey) {
          const [earlier] = await tx.select().from(messages).where(eq(messages.idempotencyKey, message.idempotencyKey));
          return { ...toMessage(earlier!), created: false };
        }
        await tx
          .insert(tasks)
          .values({ kind: taskKind, key: row!.id, payload: { messageId: row!.id }, nextAttemptAt: runAt });
        return toMessage(row!);
      });
    },

    byId,
    byProviderId,

    async byKeyPrefix(prefix) {
      const rows = await db
        .select()
        .from(messages)
        .where(sql`${messages.idempotencyKey} like ${`${escapeLike(prefix)}%`}`)
        .orderBy(asc(messages.createdAt), asc(messages.idempotencyKey));
      return rows.map((row) => ({ ...toMessage(row), idempotencyKey: row.idempotencyKey ?? prefix }));
    },

    async update(id, changes) {
      if (!isUuid(id)) return null;
      const [row] = await db
        .update(messages)
        .set({ ...changes, updatedAt: new Date() })
        .where(eq(messages.id, id))
        .returning();
      return row ? toMessage(row) : null;
    },

    async advance(id, from, changes) {
      if (!isUuid(id) || from.length === 0) return null;
      const [row] = await db
        .update(messages)
        .set({ ...changes, updatedAt: new Date() })
        .where(and(eq(messages.id, id), inArray(messages.status, [...from])))
        .returning();
      return row ? toMessage(row) : null;
    },

    async forLead(leadId, limit = 200) {
      if (!isUuid(leadId)) return [];
      const rows = await db
        .select()
        .from(messages)
        .where(eq(messages.leadId, leadId))
        .orderBy(desc(messages.occurredAt), desc(messages.createdAt))
        .limit(limit);
      return rows.map(toMessage).reverse();
    },

    async forIssue(issueId) {
      if (!isUuid(issueId)) return [];
      const rows = await db
        .select()
        .from(messages)
        .where(eq(messages.issueId, issueId))
        .orderBy(asc(messages.occurredAt));
      return rows.map(toMessage);
    },

    async lastInboundAt(leadId, channel) {
      if (!isUuid(leadId)) return null;
      const [row] = await db
        .select({ at: sql<Date | string | null>`max(${messages.occurredAt})` })
        .from(messages)
        .where(and(eq(messages.leadId, leadId), eq(messages.channel, channel), eq(messages.direction, "inbound")));
      return row?.at ? new Date(row.at) : null;
    },

    async latestVideoRequest(leadId, since) {
      if (!isUuid(leadId)) return null;
      const [row] = await db
        .select()
        .from(messages)
        .where(
          and(
            eq(messages.leadId, leadId),
            eq(messages.purpose, "video_request"),
            eq(messages.direction, "outbound"),
            gte(messages.occurredAt, since),
          ),
        )
        .orderBy(desc(messages.occurredAt))
        .limit(1);
      return row ? toMessage(row) : null;
    },

    async requeueMediaDownload(id, taskKind, at) {
      if (!isUuid(id)) return null;
      try {
        return await db.transaction(async (tx) => {
          const [row] = await tx
            .update(messages)
            .set({ mediaGaveUpAt: null, mediaError: null, updatedAt: new Date() })
            .where(
              and(
                eq(messages.id, id),
                eq(messages.status, "media_pending"),
                isNull(messages.mediaKey),
                isNotNull(messages.mediaGaveUpAt),
              ),
            )
            .returning();
          if (!row) return null;
          const requeued = await tx
            .update(tasks)
            .set({ failedAt: null, attempts: 0, lockedUntil: null, nextAttemptAt: at })
            .where(and(eq(tasks.kind, taskKind), eq(tasks.key, id), isNotNull(tasks.failedAt)))
            .returning({ id: tasks.id });
          // The message says given up but its job does not (still retrying, or missing): undo.
          if (requeued.length === 0) tx.rollback();
          return toMessage(row);
        });
      } catch (error) {
        if (error instanceof TransactionRollbackError) return null;
        throw error;
      }
    },

    async markSeen(leadId, at) {
      if (!isUuid(leadId)) return 0;
      const rows = await db
        .update(messages)
        .set({ seenAt: at })
        .where(and(eq(messages.leadId, leadId), eq(messages.direction, "inbound"), isNull(messages.seenAt)))
        .returning({ id: messages.id });
      return rows.length;
    },

    async conversations({ channel, query, limit, offset }) {
      const text = query?.trim() ?? "";
      const channelFilter = channel ? sql`and m.channel = ${channel}` : sql``;
      let searchFilter = sql``;
      if (text !== "") {
        const pattern = `%${escapeLike(text)}%`;
        const digits = text.replace(/\D/g, "");
        const phone =
          digits.length >= 3
            ? sql`or l.phone like ${`%${digits.startsWith("0") ? `44${digits.slice(1)}` : digits}%`}`
            : sql``;
        searchFilter = sql`and (l.name ilike ${pattern} or l.organisation ilike ${pattern} ${phone}
          or exists (select 1 from messages s where s.lead_id = l.id and (s.body ilike ${pattern} or s.transcript ilike ${pattern})))`;
      }
      const result = await db.execute(sql`
        select last.lead_id, last.id as last_id, last.occurred_at,
          (select count(*)::int from messages u where u.lead_id = last.lead_id and u.direction = 'inbound' and u.seen_at is null) as unread,
          (select array_agg(distinct c.channel) from messages c where c.lead_id = last.lead_id) as channels
        from (
          select distinct on (m.lead_id) m.lead_id, m.id, m.occurred_at
          from messages m
          where m.lead_id is not null ${channelFilter}
          order by m.lead_id, m.occurred_at desc, m.created_at desc
        ) last
        join leads l on l.id = last.lead_id
        where true ${searchFilter}
        order by last.occurred_at desc, last.lead_id
        limit ${limit} offset ${offset}`);
      const found = rowsOf<{ lead_id: string; last_id: string; unread: number; channels: string[] | string }>(result);
      if (found.length === 0) return [];
      const [lastRows, leadRows] = await Promise.all([
        db
          .select()
          .from(messages)
          .where(
            inArray(
              messages.id,
              found.map((f) => f.last_id),
            ),
          ),
        db
          .select({ id: leads.id, name: leads.name, organisation: leads.organisation, phone: leads.phone })
          .from(leads)
          .where(
            inArray(
              leads.id,
              found.map((f) => f.lead_id),
            ),
          ),
      ]);
      const lastById = new Map(lastRows.map((r) => [r.id, toMessage(r)]));
      const leadById = new Map(leadRows.map((r) => [r.id, r]));
      return found.flatMap((f): Conversation[] => {
        const last = lastById.get(f.last_id);
        const lead = leadById.get(f.lead_id);
        if (!last || !lead) return [];
        const channels = (
          Array.isArray(f.channels) ? f.channels : String(f.channels).replace(/[{}]/g, "").split(",")
        ).filter(Boolean) as Conversation["channels"];
        return [
          {
            leadId: f.lead_id,
            leadName: lead.name ?? lead.organisation,
            leadPhone: lead.phone,
            last,
            unread: Number(f.unread),
            channels,
          },
        ];
      });
    },

    async unreadTotal() {
      const [row] = await db
        .select({ n: count() })
        .from(messages)
        .where(and(eq(messages.direction, "inbound"), isNull(messages.seenAt), sql`${messages.leadId} is not null`));
      return row?.n ?? 0;
    },

    async outboxCounts() {
      const rows = await db
        .select({ status: messages.status, n: count() })
        .from(messages)
        .where(eq(messages.direction, "outbound"))
        .groupBy(messages.status);
      return Object.fromEntries(rows.map((r) => [r.status, r.n]));
    },
  };
}
