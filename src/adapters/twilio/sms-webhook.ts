import { phoneFromCarrier } from "../../domain/phone.ts";
import { ok, reject, type Result } from "../../domain/result.ts";
import type { IncomingMessage, StatusReport } from "../../domain/messaging/events.ts";
import type { MessageKind } from "../../domain/messaging/message.ts";
import { fromTwilioStatus } from "../../domain/messaging/delivery-status.ts";

/** Twilio's delivery error codes staff can act on (Twilio's error reference has the rest). */
const TWILIO_ERRORS: Record<string, string> = {
  "21610": "The customer has replied STOP: Twilio will not text them until they reply START",
  "21211": "The number is not a valid phone number",
  "21614": "The number cannot receive texts",
  "30003": "The phone is off or out of reach",
  "30004": "The message was blocked (the customer or their network blocks it)",
  "30005": "The number does not exist on its network",
  "30006": "A landline or a network that cannot take texts",
  "30007": "The network filtered the message as spam",
  "30008": "Unknown error from the network",
};

const kindFor = (contentType: string): MessageKind =>
  contentType.startsWith("image/")
    ? "image"
    : contentType.startsWith("video/")
      ? "video"
      : contentType.startsWith("audio/")
        ? "audio"
        : "document";

const SID = /^(SM|MM)[0-9a-fA-F]{32}$/;

/**
 * An inbound SMS or MMS from Twilio's webhook form (MessageSid, From, To, Body, NumMedia,
 * MediaUrl{N}, MediaContentType{N}) as messages: the text with the first attachment, then one
 * message per further attachment (provider id "MessageSid/N", so replays still store each once).
 */
export function incomingSms(form: Record<string, string>, at: Date): Result<IncomingMessage[], "bad_request"> {
  const sid = form.MessageSid ?? form.SmsSid ?? "";
  if (!SID.test(sid)) return reject("bad_request", "MessageSid is missing or malformed.");
  const from = phoneFromCarrier(form.From ?? "");
  if (!from.ok) return reject("bad_request", "From is not a phone number.");
  const count = Math.min(10, Math.max(0, Number.parseInt(form.NumMedia ?? "0", 10) || 0));
  const media = Array.from({ length: count }, (_, i) => ({
    url: form[`MediaUrl${i}`] ?? "",
    type: (form[`MediaContentType${i}`] ?? "").toLowerCase(),
  })).filter((m) => URL.canParse(m.url) && m.type !== "");
  const sender = { phone: from.value, userId: null, name: null, username: null };
  const body = form.Body?.trim() ? form.Body : null;
  const messages: IncomingMessage[] = [];
  const first = media[0];
  messages.push({
    channel: "sms",
    providerId: sid,
    at,
    from: sender,
    kind: first ? kindFor(first.type) : "text",
    body,
    media: first ? { ref: first.url, mimeType: first.type, voice: false } : null,
    sharedPhone: null,
  });
  for (const [i, m] of media.slice(1).entries()) {
    messages.push({
      channel: "sms",
      providerId: `${sid}/${i + 1}`,
      at,
      from: sender,
      kind: kindFor(m.type),
      body: null,
      media: { ref: m.url, mimeType: m.type, voice: false },
      sharedPhone: null,
    });
  }
  return ok(messages);
}

/** Twilio's message status callback (MessageSid, MessageStatus, ErrorCode) as a status report; null for in-between statuses. */
export function smsStatusReport(form: Record<string, string>, at: Date): StatusReport | null {
  const sid = form.MessageSid ?? form.SmsSid ?? "";
  const raw = form.MessageStatus ?? form.SmsStatus ?? "";
  if (!SID.test(sid) || !raw) return null;
  const code = form.ErrorCode?.trim();
  const to = phoneFromCarrier(form.To ?? "");
  return {
    channel: "sms",
    providerId: sid,
    status: fromTwilioStatus(raw),
    rawStatus: raw,
    at,
    error: code ? `${code}: ${TWILIO_ERRORS[code] ?? form.ErrorMessage ?? "see Twilio's error reference"}` : null,
    recipient: { phone: to.ok ? to.value : null, userId: null, username: null },
  };
}
