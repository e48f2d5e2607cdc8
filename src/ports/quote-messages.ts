import type { E164 } from "../domain/phone.ts";

export type QuoteMessagePurpose = "quote_link" | "receipt" | "balance_request";

export interface QuoteMessage {
  leadId: string | null;
  quoteId: string;
  to: E164 | null;
  channel: "sms" | "whatsapp";
  purpose: QuoteMessagePurpose;
  body: string;
  /** A retried send with the same key lands once ("receipt:<invoice id>"). */
  dedupeKey: string;
}

export interface OutboundMessage extends QuoteMessage {
  id: string;
  /** outbox: kept in the app, not sent (embedded default); queued, sent, failed: a real sender's. */
  status: string;
  provider: string | null;
  error: string | null;
  createdAt: Date;
}

/**
 * Sends a customer the messages about their quote (its link, receipts). The embedded default
 * keeps them in the app's outbox and sends nothing; the messaging work's outbox (Twilio SMS,
 * WhatsApp) can implement this port later.
 */
export interface QuoteLinkSender {
  /** "outbox" (nothing is sent), or the sending provider's name. */
  readonly kind: string;
  send(message: QuoteMessage): Promise<OutboundMessage>;
}

/** What was sent (or kept in the outbox) for quotes. */
export interface OutboundMessages {
  forQuote(quoteId: string): Promise<OutboundMessage[]>;
  recent(limit: number): Promise<OutboundMessage[]>;
}
