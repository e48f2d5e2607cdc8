import type { AuditTrail } from "../../ports/audit.ts";
import { withStorableText } from "../storable-text.ts";
import { leadForContact } from "../lead-identity.ts";
import { maskCardData } from "../card-masking.ts";
import type { Tasks } from "../../ports/tasks.ts";
import type { Leads } from "../../ports/leads.ts";
import type { LiveEvents } from "../../ports/live-events.ts";
import type { Log } from "../../ports/log.ts";
import type { LeadAliases } from "../../ports/leads.ts";
import type { Messages } from "../../ports/messages.ts";
import type { IncomingMessage } from "./events.ts";
import { publishMessage } from "./live.ts";
import { mediaAllowed } from "./media-policy.ts";
import { hasMedia, type Message } from "./message.ts";
import { MEDIA_TASK, UNDERSTAND_TASK } from "../tasks/kinds.ts";
export { MEDIA_TASK, UNDERSTAND_TASK };

export interface InboundDeps {
  messages: Messages;
  leads: Leads;
  leadAliases: LeadAliases;
  auditTrail: AuditTrail;
  tasks: Tasks;
  liveEvents: LiveEvents;
  log: Log;
  now: () => Date;
}

/**
 * Stores one inbound message on its sender's lead, once per provider id (a replayed delivery
 * finds it and changes nothing), and queues what follows: the media download for media, the
 * understanding step (extraction) for text. Media of a type WhatsApp does not carry is refused
 * at once, with the reason on the message.
 */
export async function recordInboundMessage(
  deps: InboundDeps,
  received: IncomingMessage,
): Promise<{ message: Message; created: boolean }> {
  // A NUL in a WhatsApp text or an SMS would make the message unstorable and its task retry for ever.
  const incoming = withStorableText(received);
  const existing = await deps.messages.byProviderId(incoming.channel, incoming.providerId);
  if (existing) {
    await queueFollowUp(deps, existing);
    return { message: existing, created: false };
  }
  const sender = incoming.sharedPhone
    ? { ...incoming.from, phone: incoming.from.phone ?? incoming.sharedPhone }
    : incoming.from;
  const lead = await leadForContact(
    deps,
    { phone: sender.phone, whatsappUserId: sender.userId, name: sender.name },
    incoming.channel,
  );
  const refusal =
    incoming.media && hasMedia(incoming.kind) ? mediaAllowed(incoming.kind, incoming.media.mimeType, null) : null;
  const status: Message["status"] =
    refusal && !refusal.ok ? "refused" : incoming.media && hasMedia(incoming.kind) ? "media_pending" : "received";
  const { message, created } = await deps.messages.recordInbound({
    leadId: lead.id,
    issueId: null,
    channel: incoming.channel,
    direction: "inbound",
    kind: incoming.kind,
    purpose: "conversation",
    // Masked before it is stored, shown or extracted from: people text card numbers.
    body: incoming.body === null ? null : maskCardData(incoming.body).text,
    status,
    providerId: incoming.providerId,
    address: incoming.from.phone ?? incoming.from.userId,
    senderName: incoming.from.name,
    username: incoming.from.username,
    mediaId: incoming.media?.ref ?? null,
    mediaType: incoming.media?.mimeType ?? null,
    mediaSize: null,
    mediaKey: null,
    thumbnailKey: null,
    mediaError: refusal && !refusal.ok ? refusal.message : null,
    transcript: null,
    transcriber: null,
    extracted: null,
    template: null,
    error: null,
    sentBy: null,
    occurredAt: incoming.at,
  });
  // Queued whether or not this call stored it: a delivery retried after a crash between the two
  // steps still gets its follow-up, and the job key makes a second enqueue a no-op.
  await queueFollowUp(deps, message);
  if (created) await publishMessage(deps.liveEvents, message, "added");
  return { message, created };
}

async function queueFollowUp(deps: Pick<InboundDeps, "tasks" | "now">, message: Message) {
  if (message.status === "refused" || message.status === "done") return;
  const kind = message.status === "media_pending" ? MEDIA_TASK : UNDERSTAND_TASK;
  await deps.tasks.enqueue({ kind, key: message.id, payload: { messageId: message.id }, runAt: deps.now() });
}
