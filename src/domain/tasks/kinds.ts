import { z } from "zod";
import { MESSAGE_CHANNELS } from "../messaging/message.ts";
import type { PaymentEvent } from "../payments/settle.ts";
import type { E164 } from "../phone.ts";

/**
 * Every kind of background task and the payload it carries, in one table. The runner parses a
 * task's payload with its kind's schema before the handler sees it, so handlers receive typed
 * data; `Tasks.enqueue` is typed by kind, so a wrong payload fails the type check. Handlers are
 * bound to kinds in src/compose/.
 */
export const RECORDING_TASK = "download-recording";
export const SEND_TASK = "send-message";
/** Tasks that follow an inbound message: fetch its media, then understand it. */
export const MEDIA_TASK = "message-media";
export const UNDERSTAND_TASK = "message-understand";
export const WHATSAPP_DELIVERY_TASK = "whatsapp-delivery";
/** A status report that arrived before the message it is about was stored (Twilio's SMS callbacks). */
export const DEFERRED_STATUS_TASK = "deferred-status";
/** Settles one verified provider event (the durable task behind the webhook). */
export const PAYMENT_EVENT_TASK = "settle-payment-event";
/** After an invoice is issued: render and store its PDF, then send the receipt. One task, retried until both are done. */
export const INVOICE_ISSUED_TASK = "invoice-issued";
/** After a quote version is sent: render its PDF and store it under documents/quotes/. */
export const QUOTE_DOCUMENT_TASK = "quote-document";
/** Redelivers a completed test checkout's events until the webhook handler takes them. */
export const TEST_WEBHOOK_TASK = "deliver-test-checkout-webhooks";
/** Tells a customer about their visit (booked, the reminder the day before, on the way, cancelled). */
export const VISIT_NOTICE_TASK = "visit-notice";
export const VISIT_NOTICES = ["booked", "reminder", "en_route", "cancelled", "moved"] as const;

const messageId = z.object({ messageId: z.string() });
const e164 = z.custom<E164>(
  (value) => typeof value === "string" && /^\+[1-9]\d{6,14}$/.test(value),
  "not an E.164 number",
);

export const taskPayloads = {
  [RECORDING_TASK]: z.object({ callSid: z.string(), recordingSid: z.string(), recordingUrl: z.string() }),
  [SEND_TASK]: messageId,
  [MEDIA_TASK]: messageId,
  [UNDERSTAND_TASK]: messageId,
  [WHATSAPP_DELIVERY_TASK]: z.object({ deliveryId: z.string() }),
  /** A StatusReport whose time travelled as an ISO string. */
  [DEFERRED_STATUS_TASK]: z.object({
    channel: z.enum(MESSAGE_CHANNELS),
    providerId: z.string(),
    status: z.enum(["sent", "delivered", "read", "failed"]).nullable(),
    rawStatus: z.string(),
    at: z.iso.datetime({ offset: true }),
    error: z.string().nullable(),
    recipient: z.object({ phone: e164.nullable(), userId: z.string().nullable(), username: z.string().nullable() }),
  }),
  // The event was built by our own payment adapters before it was stored; its identity is checked here.
  [PAYMENT_EVENT_TASK]: z.custom<PaymentEvent>(
    (value) =>
      typeof value === "object" &&
      value !== null &&
      ["provider", "eventId", "type"].every((field) => typeof (value as Record<string, unknown>)[field] === "string"),
    "not a payment event (provider, eventId and type)",
  ),
  [INVOICE_ISSUED_TASK]: z.object({ invoiceId: z.string() }),
  [QUOTE_DOCUMENT_TASK]: z.object({ quoteId: z.string() }),
  [TEST_WEBHOOK_TASK]: z.object({ sessionId: z.string() }),
  /** `startsAt` is the slot the notice speaks of: a visit moved since makes it void. `link`: the customer's /a/<token> path, when the notice offers it. */
  [VISIT_NOTICE_TASK]: z.object({
    appointmentId: z.string(),
    notice: z.enum(VISIT_NOTICES),
    startsAt: z.iso.datetime({ offset: true }),
    link: z.string().nullable(),
  }),
} as const;

export type TaskKind = keyof typeof taskPayloads;
/** What a handler of `K` receives, parsed. */
export type TaskPayload<K extends TaskKind> = z.output<(typeof taskPayloads)[K]>;
/** What `enqueue` accepts for `K`. */
export type TaskPayloadInput<K extends TaskKind> = z.input<(typeof taskPayloads)[K]>;

export const isTaskKind = (kind: string): kind is TaskKind => Object.hasOwn(taskPayloads, kind);
