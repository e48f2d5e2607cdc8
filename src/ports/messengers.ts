import type { Message, MessageChannel, MessagePurpose, TemplateMessage } from "../domain/messaging/message.ts";
import type { Result } from "../domain/result.ts";

/** Media that goes out with a message, stored in the blob store (a staff video for a quote). */
export interface OutboundMedia {
  kind: "video" | "image";
  blobKey: string;
  contentType: string;
}

/** What to send to a lead; the messenger picks the channel's form (free text or template). */
export interface SendRequest {
  leadId: string;
  /**
   * Defaults to WhatsApp when the lead has written on WhatsApp (or has a WhatsApp id and a number
   * that takes no texts), else SMS. SMS to a landline is refused: `cannot_receive_texts`.
   */
  channel?: MessageChannel;
  /** Free text. On WhatsApp outside the 24-hour window it is sent inside the reply template. */
  text?: string;
  /**
   * The approved template to send when free text is not allowed (WhatsApp, more than 24 hours
   * after the customer last wrote), with its parameters; without one the "reply" template carries
   * `text`. Inside the window, and on SMS, `text` is sent.
   */
  template?: { use: TemplateUse; params: string[] };
  media?: OutboundMedia;
  purpose?: MessagePurpose;
  issueId?: string | null;
  /** The staff user sending it; null for messages the system sends. */
  sentBy?: string | null;
  /** For system sends that must go once ("visit:<id>:booked:<slot>"): a repeat returns the first message, queued once. */
  idempotencyKey?: string;
}

/** The templates the company configures (WHATSAPP_TEMPLATE_*): what each is for. */
export type TemplateUse = "reply" | "video_request" | "quote" | "quote_video" | "missed_call";

export type SendRejection = "no_lead" | "no_address" | "empty" | "too_long" | "not_configured" | "cannot_receive_texts";

/**
 * Sends a message to a lead through the durable outbox: the message is stored as queued with its
 * send job in one statement and sent in the background (retried with backoff, never twice), so
 * callers get the queued message back at once. On the embedded default nothing is sent and the
 * message says so.
 *
 * @example
 * const sent = await messenger.send({ leadId, channel: "sms", text: `Your quote: ${link}`, purpose: "quote" });
 * if (!sent.ok) show(sent.message);
 */
export interface Messenger {
  send(request: SendRequest): Promise<Result<Message, SendRejection>>;
}

/** A send the provider refused or that could not be completed. */
export class SendError extends Error {
  constructor(
    message: string,
    readonly options: {
      /** Trying again later may work (429, 5xx, connection refused before anything was sent). */
      retryable: boolean;
      /** The provider may have sent it (a timeout after the request went out): never retried. */
      ambiguous?: boolean;
      code?: string;
      cause?: unknown;
    },
  ) {
    super(message, { cause: options.cause });
    this.name = "SendError";
  }
}

/** Who a WhatsApp message goes to: the number, or the business-scoped user id when there is no number. */
export type WhatsAppRecipient = { phone: string } | { userId: string };

export type WhatsAppOutgoing =
  | { kind: "text"; to: WhatsAppRecipient; text: string }
  | {
      kind: "template";
      to: WhatsAppRecipient;
      template: TemplateMessage;
      headerMedia?: { kind: "video" | "image"; bytes: Uint8Array; contentType: string };
    }
  | {
      kind: "media";
      to: WhatsAppRecipient;
      media: { kind: "video" | "image"; bytes: Uint8Array; contentType: string };
      caption: string | null;
    };

/** Sends WhatsApp messages. Throws SendError. */
export interface WhatsAppSender {
  /** "whatsapp cloud api" or "outbox (not sent)", for logs and the UI. */
  readonly name: string;
  /** False on the embedded default: nothing leaves the building. */
  readonly live: boolean;
  send(message: WhatsAppOutgoing): Promise<{ providerId: string }>;
}

/** Sends SMS. Throws SendError. */
export interface SmsSender {
  readonly name: string;
  readonly live: boolean;
  send(message: { to: string; body: string; statusCallback: string | null }): Promise<{ providerId: string }>;
}
