import { asc, desc, eq } from "drizzle-orm";
import type { E164 } from "../../domain/phone.ts";
import type { OutboundMessage, OutboundMessages, QuoteMessage } from "../../ports/quote-messages.ts";
import type { Database } from "./database-handle.ts";
import { isUuid } from "./query-helpers.ts";
import { outboundMessages } from "./schema.ts";

type MessageRow = typeof outboundMessages.$inferSelect;

/** The outbox repository plus `store`, which the outbox sender (and a real sender) writes with. */
export type OutboundMessagesStore = OutboundMessages & {
  store(
    message: QuoteMessage,
    status: string,
    provider: string | null,
    extra?: { providerId?: string; error?: string },
  ): Promise<OutboundMessage>;
  /** The message stored under this dedupe key, if any. */
  byDedupeKey(key: string): Promise<OutboundMessage | null>;
};

const toMessage = (row: MessageRow): OutboundMessage => ({
  id: row.id,
  leadId: row.leadId,
  quoteId: row.quoteId!,
  to: row.toNumber as E164 | null,
  channel: row.channel,
  purpose: row.purpose as OutboundMessage["purpose"],
  body: row.body,
  dedupeKey: row.dedupeKey ?? "",
  status: row.status,
  provider: row.provider,
  error: row.error,
  createdAt: row.createdAt,
});

/**
 * The quote messages table: the embedded default's outbox (status "outbox", nothing sent),
 * and the record a real sender keeps. `store` is idempotent on the message's dedupe key.
 */
export function createOutboundMessagesRepository(db: Database): OutboundMessagesStore {
  return {
    async store(message, status, provider, extra = {}) {
      const [row] = await db
        .insert(outboundMessages)
        .values({
          leadId: message.leadId,
          quoteId: message.quoteId,
          purpose: message.purpose,
          channel: message.channel,
          toNumber: message.to,
          body: message.body,
          status,
          provider,
          dedupeKey: message.dedupeKey,
          providerId: extra.providerId ?? null,
          error: extra.error ?? null,
        })
        .onConflictDoNothing({ target: outboundMessages.dedupeKey })
        .returning();
      if (row) return toMessage(row);
      const [earlier] = await db
        .select()
        .from(outboundMessages)
        .where(eq(outboundMessages.dedupeKey, message.dedupeKey));
      return toMessage(earlier!);
    },
    async byDedupeKey(key) {
      const [row] = await db.select().from(outboundMessages).where(eq(outboundMessages.dedupeKey, key));
      return row ? toMessage(row) : null;
    },
    async forQuote(quoteId) {
      if (!isUuid(quoteId)) return [];
      const rows = await db
        .select()
        .from(outboundMessages)
        .where(eq(outboundMessages.quoteId, quoteId))
        .orderBy(asc(outboundMessages.createdAt));
      return rows.map(toMessage);
    },
    async recent(limit) {
      const rows = await db.select().from(outboundMessages).orderBy(desc(outboundMessages.createdAt)).limit(limit);
      return rows.map(toMessage);
    },
  };
}
