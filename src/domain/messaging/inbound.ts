import type { Lead, LeadSource } from "../leads.ts";
import type { Jobs } from "../../ports/jobs.ts";
import type { Leads } from "../../ports/leads.ts";
import type { LiveEvents } from "../../ports/live-events.ts";
import type { Log } from "../../ports/log.ts";
import type { LeadAliases, Messages } from "../../ports/messages.ts";
import type { IncomingMessage, Sender } from "./events.ts";
import { publishMessage } from "./live.ts";
import { mediaAllowed } from "./media-policy.ts";
import { hasMedia, type Message } from "./message.ts";

/** Jobs that follow an inbound message: fetch its media, then understand it. */
export const MEDIA_JOB = "message-media";
export const UNDERSTAND_JOB = "message-understand";

/** The alias kind a WhatsApp business-scoped user id is kept under. */
export const WHATSAPP_USER_ID = "whatsapp_user_id";

export interface InboundDeps {
  messages: Messages;
  leads: Leads;
  leadAliases: LeadAliases;
  jobs: Jobs;
  liveEvents: LiveEvents;
  log: Log;
  now: () => Date;
}

const newLeadFields = (sender: Sender, source: LeadSource) => ({
  name: sender.name?.trim() || null,
  organisation: null,
  email: null,
  address: null,
  postcode: null,
  segment: "unknown" as const,
  source,
  notes: null,
});

/**
 * The lead a sender is. The phone number is the key; a WhatsApp business-scoped user id (sent
 * instead of the number by customers who use a username) is kept as an alias. When a number
 * turns up for an id that so far had a lead without one, the two become one lead: the number's
 * existing lead if there is one (the id's lead is merged into it), else the id's lead gains the
 * number.
 */
export async function leadForSender(deps: Pick<InboundDeps, "leads" | "leadAliases" | "log">, sender: Sender, source: LeadSource): Promise<Lead> {
  const { leads, leadAliases } = deps;
  const aliasOwnerId = sender.userId ? await leadAliases.leadFor(WHATSAPP_USER_ID, sender.userId) : null;

  if (sender.phone) {
    if (aliasOwnerId && !(await leads.byPhone(sender.phone))) {
      const owner = await leads.byId(aliasOwnerId);
      if (owner && !owner.phone) {
        const updated = await leads.update(owner.id, { phone: sender.phone }).catch(() => null); // lost a race for the number: merge below
        if (updated) {
          deps.log.info({ leadId: owner.id }, "lead known by its WhatsApp user id now has its number");
          return updated;
        }
      }
    }
    const { lead } = await leads.findOrCreateByPhone(sender.phone, newLeadFields(sender, source));
    if (sender.userId) {
      if (aliasOwnerId && aliasOwnerId !== lead.id) {
        const owner = await leads.byId(aliasOwnerId);
        if (owner && !owner.phone) {
          await leadAliases.mergeLeads(owner.id, lead.id);
          deps.log.info({ fromLeadId: owner.id, intoLeadId: lead.id }, "merged the lead known by a WhatsApp user id into the lead with its number");
        }
      } else if (!aliasOwnerId) {
        await leadAliases.add(lead.id, WHATSAPP_USER_ID, sender.userId);
      }
    }
    return (await leads.byId(lead.id)) ?? lead;
  }

  if (!sender.userId) throw new Error("leadForSender: a sender needs a phone number or a user id");
  if (aliasOwnerId) {
    const owner = await leads.byId(aliasOwnerId);
    if (owner) return owner;
  }
  const created = await leads.create({ ...newLeadFields(sender, source), phone: null });
  const owner = await leadAliases.add(created.id, WHATSAPP_USER_ID, sender.userId);
  if (owner !== created.id) {
    // Another delivery for the same new customer got there first: keep theirs.
    await leadAliases.mergeLeads(created.id, owner);
    return (await leads.byId(owner)) ?? created;
  }
  return created;
}

/**
 * Stores one inbound message on its sender's lead, once per provider id (a replayed delivery
 * finds it and changes nothing), and queues what follows: the media download for media, the
 * understanding step (extraction) for text. Media of a type WhatsApp does not carry is refused
 * at once, with the reason on the message.
 */
export async function recordInboundMessage(deps: InboundDeps, incoming: IncomingMessage): Promise<{ message: Message; created: boolean }> {
  const existing = await deps.messages.byProviderId(incoming.channel, incoming.providerId);
  if (existing) {
    await queueFollowUp(deps, existing);
    return { message: existing, created: false };
  }
  const sender = incoming.sharedPhone ? { ...incoming.from, phone: incoming.from.phone ?? incoming.sharedPhone } : incoming.from;
  const lead = await leadForSender(deps, sender, incoming.channel);
  const refusal = incoming.media && hasMedia(incoming.kind) ? mediaAllowed(incoming.kind, incoming.media.mimeType, null) : null;
  const status: Message["status"] = refusal && !refusal.ok ? "refused" : incoming.media && hasMedia(incoming.kind) ? "media_pending" : "received";
  const { message, created } = await deps.messages.recordInbound({
    leadId: lead.id,
    issueId: null,
    channel: incoming.channel,
    direction: "inbound",
    kind: incoming.kind,
    purpose: "conversation",
    body: incoming.body,
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

async function queueFollowUp(deps: Pick<InboundDeps, "jobs" | "now">, message: Message) {
  if (message.status === "refused" || message.status === "done") return;
  const kind = message.status === "media_pending" ? MEDIA_JOB : UNDERSTAND_JOB;
  await deps.jobs.enqueue({ kind, key: message.id, payload: { messageId: message.id }, runAt: deps.now() });
}
