import { and, desc, eq, inArray } from "drizzle-orm";
import { formatPence } from "../../domain/money.ts";
import { callWords, jobWords, paymentWords, quoteWords } from "../../domain/timeline-words.ts";
import { deliveryStatusLabel } from "../../domain/messaging/delivery-status.ts";
import type { Timeline, TimelineEntry } from "../../ports/timeline.ts";
import type { Database } from "./database-handle.ts";
import { isUuid } from "./query-helpers.ts";
import { calls, issues, messages, outboundMessages, payments, quotes } from "./schema.ts";

/** Each kind contributes at most this many of its newest entries. */
const PER_KIND = 500;

const CHANNEL_NAMES = { whatsapp: "WhatsApp", sms: "SMS" } as const;
const MESSAGE_KIND_WORDS: Partial<Record<string, string>> = {
  voice: "voice note",
  audio: "audio",
  image: "photo",
  video: "video",
  document: "document",
  template: "template",
};

/** A lead's calls, jobs, quotes and messages, merged newest first. */
export function createTimelineRepository(db: Database): Timeline {
  return {
    async forLead(leadId) {
      if (!isUuid(leadId)) return [];
      const [callRows, issueRows, quoteRows, messageRows, quoteMessageRows, paymentRows] = await Promise.all([
        db
          .select({
            id: calls.id,
            at: calls.startedAt,
            direction: calls.direction,
            status: calls.status,
            summary: calls.summary,
            emergency: calls.emergency,
          })
          .from(calls)
          .where(eq(calls.leadId, leadId))
          .orderBy(desc(calls.startedAt))
          .limit(PER_KIND),
        db
          .select({
            id: issues.id,
            at: issues.createdAt,
            title: issues.title,
            status: issues.status,
            urgency: issues.urgency,
          })
          .from(issues)
          .where(eq(issues.leadId, leadId))
          .orderBy(desc(issues.createdAt))
          .limit(PER_KIND),
        db
          .select({
            id: quotes.id,
            at: quotes.createdAt,
            version: quotes.version,
            status: quotes.status,
            totals: quotes.totals,
            issueTitle: issues.title,
          })
          .from(quotes)
          .innerJoin(issues, eq(issues.id, quotes.issueId))
          .where(eq(issues.leadId, leadId))
          .orderBy(desc(quotes.createdAt))
          .limit(PER_KIND),
        db
          .select({
            id: messages.id,
            at: messages.createdAt,
            channel: messages.channel,
            direction: messages.direction,
            body: messages.body,
            kind: messages.kind,
            status: messages.status,
            transcript: messages.transcript,
          })
          .from(messages)
          .where(eq(messages.leadId, leadId))
          .orderBy(desc(messages.createdAt))
          .limit(PER_KIND),
        // Quote links and receipts (issue 5): sent, or kept in the outbox on the embedded default.
        db
          .select({
            id: outboundMessages.id,
            quoteId: outboundMessages.quoteId,
            at: outboundMessages.createdAt,
            channel: outboundMessages.channel,
            purpose: outboundMessages.purpose,
            status: outboundMessages.status,
            body: outboundMessages.body,
            error: outboundMessages.error,
          })
          .from(outboundMessages)
          .where(eq(outboundMessages.leadId, leadId))
          .orderBy(desc(outboundMessages.createdAt))
          .limit(PER_KIND),
        // Money that moved (or was held): paid, failed and flagged payments, when it happened.
        db
          .select({
            id: payments.id,
            quoteId: payments.quoteId,
            kind: payments.kind,
            status: payments.status,
            amountPence: payments.amountPence,
            paidAt: payments.paidAt,
            updatedAt: payments.updatedAt,
            version: quotes.version,
            issueTitle: issues.title,
          })
          .from(payments)
          .innerJoin(quotes, eq(quotes.id, payments.quoteId))
          .innerJoin(issues, eq(issues.id, quotes.issueId))
          .where(and(eq(issues.leadId, leadId), inArray(payments.status, ["paid", "failed", "mismatch"])))
          .orderBy(desc(payments.updatedAt))
          .limit(PER_KIND),
      ]);

      const entries: TimelineEntry[] = [
        ...callRows.map((c) => ({
          kind: "call" as const,
          at: c.at,
          id: c.id,
          title: `${callWords(c.direction, c.status)}${c.emergency ? " — emergency" : ""}`,
          detail: c.summary,
        })),
        ...issueRows.map((i) => ({
          kind: "issue" as const,
          at: i.at,
          id: i.id,
          title: i.title,
          detail: `${jobWords(i.status)} · ${i.urgency}`,
        })),
        ...quoteRows.map((q) => ({
          kind: "quote" as const,
          at: q.at,
          id: q.id,
          title: `Quote v${q.version} for ${q.issueTitle}: ${formatPence(q.totals.totalPence)}`,
          detail: quoteWords(q.status),
        })),
        ...messageRows.map((m) => ({
          kind: "message" as const,
          at: m.at,
          id: m.id,
          title: `${CHANNEL_NAMES[m.channel]} ${MESSAGE_KIND_WORDS[m.kind] ?? "message"} ${m.direction === "inbound" ? "received" : `to the customer · ${deliveryStatusLabel(m.status, m.channel)}`}`,
          detail: m.body ?? m.transcript,
        })),
        ...quoteMessageRows.map((m) => ({
          kind: "quote" as const,
          at: m.at,
          id: m.quoteId ?? m.id,
          title: `${m.purpose === "receipt" ? "Payment receipt" : m.purpose === "balance_request" ? "Balance request" : "Quote link"} by ${CHANNEL_NAMES[m.channel]}: ${m.status === "outbox" ? "in the outbox, not sent" : m.status}`,
          // Why it could not go ("This number cannot receive texts…") comes before what it says.
          detail: m.error ? `${m.error} ${m.body}` : m.body,
        })),
        ...paymentRows.flatMap((p) => {
          const words = paymentWords(p.kind, p.status, p.amountPence);
          if (!words) return [];
          return [
            {
              kind: "quote" as const,
              at: p.paidAt ?? p.updatedAt,
              id: p.quoteId,
              title: words,
              detail: `Quote v${p.version} for ${p.issueTitle}`,
            },
          ];
        }),
      ];
      return entries.sort((a, b) => b.at.getTime() - a.at.getTime() || a.id.localeCompare(b.id));
    },
  };
}
