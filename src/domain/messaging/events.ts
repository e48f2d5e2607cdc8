import type { E164 } from "../phone.ts";
import type { ReportedStatus } from "./delivery-status.ts";
import type { MessageChannel, MessageKind } from "./message.ts";

/** Who wrote: a number, a WhatsApp business-scoped user id (BSUID), or both. */
export interface Sender {
  phone: E164 | null;
  /** WhatsApp BSUID, e.g. "GB.13491208655302741918"; stable per business portfolio. */
  userId: string | null;
  /** The profile name the customer set. */
  name: string | null;
  /** Their WhatsApp username, when they use one (not stable: they can change it). */
  username: string | null;
}

/** A message a customer sent, as a provider reported it, in our words. */
export interface IncomingMessage {
  channel: MessageChannel;
  /** wamid… or MessageSid. */
  providerId: string;
  at: Date;
  from: Sender;
  kind: MessageKind;
  /** Text, caption, or a readable form of a location, button or system notice. */
  body: string | null;
  media: { ref: string; mimeType: string; voice: boolean } | null;
  /** A number the customer shared for themselves (a contact card sent on request). */
  sharedPhone: E164 | null;
}

/** A provider's report about a message we sent. */
export interface StatusReport {
  channel: MessageChannel;
  providerId: string;
  /** Null for statuses we record but do not act on (deleted, warning…). */
  status: ReportedStatus | null;
  rawStatus: string;
  at: Date;
  /** The provider's error, code and reason, for staff. */
  error: string | null;
  recipient: { phone: E164 | null; userId: string | null; username: string | null };
}

/** One webhook delivery, understood. */
export interface InboundBatch {
  messages: IncomingMessage[];
  statuses: StatusReport[];
  /** Parts of a valid delivery we do not act on (other webhook fields), for the delivery's record. */
  ignored: string[];
}
