import { STATUS_LABELS, type MessageChannel, type MessageStatus, type OutboundStatus } from "./message.ts";

/** What a provider reports about an outbound message, in our words. */
export type ReportedStatus = "sent" | "delivered" | "read" | "failed";

const RANK: Record<OutboundStatus, number> = {
  queued: 0,
  sending: 1,
  accepted: 2,
  sent: 3,
  failed: 3,
  delivered: 4,
  read: 5,
  not_sent: -1,
};

/**
 * Whether a reported status moves the message forward. Providers deliver status reports at
 * least once and in any order: a "sent" arriving after "read" changes nothing, a repeat changes
 * nothing. "failed" is taken only before delivery; a later "delivered" or "read" wins over an
 * earlier "failed" (the customer has another device, Meta notes), because it is proof the
 * message arrived. A message the outbox never sent (not_sent) takes no reports.
 *
 * @example nextDeliveryStatus("read", "delivered") // null: already further along
 * @example nextDeliveryStatus("accepted", "delivered") // "delivered" (Meta may skip "sent")
 */
export function nextDeliveryStatus(current: OutboundStatus, reported: ReportedStatus): OutboundStatus | null {
  if (current === "not_sent") return null;
  if (reported === "failed") return current !== "failed" && RANK[current] <= RANK.sent ? "failed" : null;
  if (current === "failed") return reported === "delivered" || reported === "read" ? reported : null;
  return RANK[reported] > RANK[current] ? reported : null;
}

/** The statuses a report may move a message from (for a compare-and-set update). */
export function statusesBefore(reported: ReportedStatus): OutboundStatus[] {
  const all: OutboundStatus[] = ["queued", "sending", "accepted", "sent", "delivered", "read", "failed"];
  return all.filter((status) => nextDeliveryStatus(status, reported) !== null);
}

/**
 * Twilio's MessageStatus values in our words; null for the in-between ones we do not show
 * (queued, sending at Twilio) or do not know.
 */
export function fromTwilioStatus(status: string): ReportedStatus | null {
  switch (status) {
    case "sent":
      return "sent";
    case "delivered":
      return "delivered";
    case "read":
      return "read";
    case "failed":
    case "undelivered":
    case "canceled":
      return "failed";
    default:
      return null;
  }
}

/** Who carries each channel, as staff know the accounts. */
const PROVIDERS: Record<MessageChannel, string> = { whatsapp: "WhatsApp", sms: "Twilio" };

/**
 * A message's status as staff read it, beside the message, in the thread, on the timeline and
 * the job's panel: in words a person understands, never a variable name. A message the outbox
 * kept because no account is connected says which account.
 *
 * @example deliveryStatusLabel("not_sent", "sms") // "SMS queued, not sent (no Twilio account)"
 * @example deliveryStatusLabel("not_sent", "whatsapp") // "Not sent: no WhatsApp account connected"
 */
export function deliveryStatusLabel(status: MessageStatus, channel: MessageChannel): string {
  if (status === "not_sent")
    return channel === "sms" ? "SMS queued, not sent (no Twilio account)" : "Not sent: no WhatsApp account connected";
  if (status === "accepted") return `Handed to ${PROVIDERS[channel]}`;
  return STATUS_LABELS[status];
}

/** What a message the outbox kept (no account connected) tells staff under it. */
export const notConnectedNote = (channel: MessageChannel): string =>
  `This shows what would have been sent. Connect ${PROVIDERS[channel]} (Settings → Integrations) to send ${channel === "sms" ? "texts" : "WhatsApp messages"}.`;
