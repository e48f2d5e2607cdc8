import type { Call, CallStatus } from "../calls.ts";
import type { Log } from "../../ports/log.ts";
import type { MissedCalls } from "../../ports/messages.ts";
import type { Messenger } from "../../ports/messengers.ts";
import { londonDate } from "../london-time.ts";
import { phoneFromCarrier } from "../phone.ts";

/** How a call that ended unanswered gets its automatic reply: by SMS, by WhatsApp, or not at all. */
export interface MissedCallReply {
  channel: "sms" | "whatsapp" | "off";
  /** The SMS text, and the WhatsApp text inside the window; "{company}" becomes the company name. */
  text: string;
  companyName: string;
}

/** Final statuses of a call nobody answered: no answer, busy, or hung up while waiting. */
export const UNANSWERED: readonly CallStatus[] = ["no-answer", "busy", "canceled"];

/**
 * A customer's call that ended unanswered. Only an inbound call can be missed: an assistant call
 * the customer did not pick up gets no "sorry we missed your call".
 */
export const isMissedCall = (call: Pick<Call, "status" | "direction">): boolean =>
  call.direction === "inbound" && UNANSWERED.includes(call.status);

export type MissedCallOutcome =
  | "already_recorded"
  | "replied"
  | "already_replied_today"
  | "no_number"
  | "replies_off"
  | "reply_refused"
  /** Not a missed call: the assistant handed its call over to staff (src/domain/assistant/outcomes.ts). */
  | "handed_over";

/**
 * A call ended unanswered: it becomes a follow-up on the dashboard (once per call, however often
 * the provider reports it) and the caller gets the configured reply, at most once per number per
 * London day (a database key decides, so two missed calls at once still send one).
 */
export async function recoverMissedCall(
  deps: { missedCalls: MissedCalls; messenger: Messenger; log: Log; reply: MissedCallReply },
  call: Pick<Call, "id" | "from" | "leadId" | "startedAt">,
): Promise<MissedCallOutcome> {
  const number = phoneFromCarrier(call.from);
  const phone = number.ok ? number.value : null;
  const day = londonDate(call.startedAt);
  const missed = await deps.missedCalls.record({ callId: call.id, leadId: call.leadId, phone, day });
  if (!missed) return "already_recorded";
  if (deps.reply.channel === "off") {
    await deps.missedCalls.setReply(missed.id, null, "Automatic replies are off (MISSED_CALL_REPLY_CHANNEL=off).");
    return "replies_off";
  }
  if (!phone || !call.leadId) {
    await deps.missedCalls.setReply(missed.id, null, "The number was withheld: no reply could be sent.");
    return "no_number";
  }
  if (!(await deps.missedCalls.claimReply(phone, day, missed.id))) {
    await deps.missedCalls.setReply(missed.id, null, "This caller already had today's automatic reply.");
    return "already_replied_today";
  }
  const text = deps.reply.text.replaceAll("{company}", deps.reply.companyName);
  const sent = await deps.messenger.send({
    leadId: call.leadId,
    channel: deps.reply.channel,
    text,
    ...(deps.reply.channel === "whatsapp"
      ? { template: { use: "missed_call" as const, params: [deps.reply.companyName] } }
      : {}),
    purpose: "missed_call",
  });
  if (!sent.ok) {
    await deps.missedCalls.setReply(missed.id, null, `No reply sent: ${sent.message}`);
    deps.log.warn({ callId: call.id, reason: sent.reason }, "missed-call reply refused");
    return "reply_refused";
  }
  await deps.missedCalls.setReply(missed.id, sent.value.id, null);
  deps.log.info({ callId: call.id, messageId: sent.value.id, channel: deps.reply.channel }, "missed-call reply queued");
  return "replied";
}
