import type { Extraction } from "../extraction/extraction.ts";

/** WhatsApp (Meta's Cloud API) or SMS (Twilio). */
export const MESSAGE_CHANNELS = ["whatsapp", "sms"] as const;
export type MessageChannel = (typeof MESSAGE_CHANNELS)[number];

export const CHANNEL_NAMES: Record<MessageChannel, string> = { whatsapp: "WhatsApp", sms: "SMS" };

/**
 * What a message carries. `voice` is a recorded voice note (WhatsApp audio with voice=true);
 * `audio` an audio file. `template` is an outbound WhatsApp template message. `system` is a
 * WhatsApp notice (the customer changed number); `other` is a type we record but do not handle.
 */
export const MESSAGE_KINDS = [
  "text",
  "voice",
  "audio",
  "image",
  "video",
  "document",
  "sticker",
  "location",
  "contacts",
  "template",
  "system",
  "other",
] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];

/** Kinds whose media is downloaded and stored under tenant-media/. */
export const MEDIA_KINDS: readonly MessageKind[] = ["voice", "audio", "image", "video", "document", "sticker"];
export const hasMedia = (kind: MessageKind) => MEDIA_KINDS.includes(kind);

/**
 * Inbound: received (stored; being understood) → media_pending (the media is not stored yet;
 * retried) → processing (media stored; transcription and extraction running) → done, or
 * refused (media over WhatsApp's limits or of a type we do not take).
 *
 * Outbound, the outbox: queued → sending → accepted (the provider took it) → sent → delivered →
 * read, or failed (with the provider's reason), or not_sent (the embedded default: no keys, so
 * nothing was sent and the message only shows what would have been).
 */
export const INBOUND_STATUSES = ["received", "media_pending", "processing", "done", "refused"] as const;
export const OUTBOUND_STATUSES = [
  "queued",
  "sending",
  "accepted",
  "sent",
  "delivered",
  "read",
  "failed",
  "not_sent",
] as const;
export const MESSAGE_STATUSES = [...INBOUND_STATUSES, ...OUTBOUND_STATUSES] as const;
export type InboundStatus = (typeof INBOUND_STATUSES)[number];
export type OutboundStatus = (typeof OUTBOUND_STATUSES)[number];
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

export const STATUS_LABELS: Record<MessageStatus, string> = {
  received: "Received",
  media_pending: "Media pending",
  processing: "Processing",
  done: "Received",
  refused: "Media refused",
  queued: "Queued",
  sending: "Sending",
  accepted: "Handed to provider",
  sent: "Sent",
  delivered: "Delivered",
  read: "Read",
  failed: "Failed",
  not_sent: "Not sent (no account connected)",
};

/** Why an outbound message was sent: staff replying, or one of the flows that send for them. */
export const MESSAGE_PURPOSES = ["conversation", "video_request", "quote", "missed_call", "notification"] as const;
export type MessagePurpose = (typeof MESSAGE_PURPOSES)[number];

/** A WhatsApp template message: Meta-approved text with numbered parameters. */
export interface TemplateMessage {
  name: string;
  /** Meta's language code, e.g. "en_GB". */
  language: string;
  /** Body parameters, in order ({{1}}, {{2}}…). */
  bodyParams: string[];
  /** A media header (a video for video quotes), when the template has one. */
  headerMedia?: { kind: "video" | "image"; blobKey: string; contentType: string };
  /** What the customer will read, as near as we can tell, for the thread and the outbox. */
  preview: string;
}

/** A message on a lead's timeline, either way, on either channel. */
export interface Message {
  id: string;
  leadId: string | null;
  issueId: string | null;
  channel: MessageChannel;
  direction: "inbound" | "outbound";
  kind: MessageKind;
  purpose: MessagePurpose;
  /** The text, caption, or what a template says. */
  body: string | null;
  status: MessageStatus;
  /** WhatsApp message id (wamid…) or Twilio MessageSid; null until an outbound one is accepted. */
  providerId: string | null;
  /** The customer's end: an E.164 number, or a WhatsApp business-scoped user id (BSUID). */
  address: string | null;
  senderName: string | null;
  username: string | null;
  /** The provider's reference to the media: a WhatsApp media id, a Twilio media URL. */
  mediaId: string | null;
  mediaType: string | null;
  mediaSize: number | null;
  /** Blob key under tenant-media/ once stored. */
  mediaKey: string | null;
  thumbnailKey: string | null;
  /** Why media is pending or refused, for staff. */
  mediaError: string | null;
  /** When the download job gave up (its last attempt failed): staff can ask for it again. */
  mediaGaveUpAt: Date | null;
  transcript: string | null;
  /** "openai:whisper-1", or "not configured" when no voice-note transcriber is set. */
  transcriber: string | null;
  extracted: Extraction | null;
  template: TemplateMessage | null;
  /** The provider's delivery error (code and reason), or the outbox's. */
  error: string | null;
  sentBy: string | null;
  /** When it was sent (the provider's timestamp for inbound messages). */
  occurredAt: Date;
  /** When staff first saw an inbound message; null = unread. */
  seenAt: Date | null;
  statusAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/** Stored instead of a transcriber name when no voice-note transcriber is configured. */
export const NO_TRANSCRIBER = "not configured";

export type { Extraction };
