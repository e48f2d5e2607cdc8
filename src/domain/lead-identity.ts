import type { AuditTrail } from "../ports/audit.ts";
import type { LeadAliases, Leads } from "../ports/leads.ts";
import type { Log } from "../ports/log.ts";
import { leadMergeOrder } from "./lead-merge.ts";
import { leadDisplayName, type Lead, type LeadFields, type LeadSource } from "./leads.ts";
import type { E164 } from "./phone.ts";
import { ok, reject, type Rejection } from "./result.ts";

/** The alias kind a WhatsApp business-scoped user id (BSUID) is kept under. */
export const WHATSAPP_USER_ID = "whatsapp_user_id";

/** Who got in touch: a caller's or texter's number, a WhatsApp user id, or both. */
export interface Contact {
  phone: E164 | null;
  /** WhatsApp BSUID, sent instead of the number by customers who use a username. */
  whatsappUserId?: string | null;
  /** The name they gave (a WhatsApp profile name), for a lead made for them. */
  name?: string | null;
}

export interface LeadIdentityDeps {
  leads: Leads;
  leadAliases: LeadAliases;
  log: Log;
  /** Merges are recorded: staff should be able to see why a lead's history grew. */
  auditTrail: AuditTrail;
  now: () => Date;
}

const newLeadFields = (contact: Contact, source: LeadSource): Omit<LeadFields, "phone"> => ({
  name: contact.name?.trim() || null,
  organisation: null,
  email: null,
  address: null,
  postcode: null,
  segment: "unknown",
  source,
  notes: null,
});

/**
 * The lead a caller, texter or WhatsApp sender is, made for them when there is none: the one
 * place a contact becomes a lead (voice, SMS and WhatsApp all come here). The phone number is
 * the key, and the repository's unique index settles two first contacts racing; a WhatsApp user
 * id is kept as an alias. When a number turns up for a user id whose lead had none, the two are
 * one person: that lead gains the number if the number has no lead yet, else the two leads
 * merge (`leadMergeOrder` picks which stays, `mergedLeadDetails` which details it keeps).
 * A phone-only contact costs one query.
 */
export async function leadForContact(deps: LeadIdentityDeps, contact: Contact, source: LeadSource): Promise<Lead> {
  const { leads, leadAliases } = deps;
  const userId = contact.whatsappUserId ?? null;
  const aliasHolderId = userId ? await leadAliases.leadFor(WHATSAPP_USER_ID, userId) : null;

  if (contact.phone) {
    const aliasHolder = aliasHolderId ? await leads.byId(aliasHolderId) : null;
    if (aliasHolder && !aliasHolder.phone) {
      const gained = await leads.givePhone(aliasHolder.id, contact.phone);
      if (gained) {
        deps.log.info({ leadId: gained.id }, "lead known by its WhatsApp user id now has its number");
        return gained;
      }
      // The number has a lead already (perhaps since a moment ago): the two merge below.
    }
    const { lead } = await leads.findOrCreateByPhone(contact.phone, newLeadFields(contact, source));
    if (!userId) return lead;
    if (!aliasHolderId) {
      await leadAliases.add(lead.id, WHATSAPP_USER_ID, userId);
      return lead;
    }
    return aliasHolder ? mergeIfOnePerson(deps, aliasHolder, lead) : lead;
  }

  if (!userId) throw new Error("leadForContact: a contact needs a phone number or a WhatsApp user id");
  if (aliasHolderId) {
    const holder = await leads.byId(aliasHolderId);
    if (holder) return holder;
  }
  const created = await leads.create({ ...newLeadFields(contact, source), phone: null });
  const holderId = await leadAliases.add(created.id, WHATSAPP_USER_ID, userId);
  if (holderId === created.id) return created;
  // Another delivery for the same new customer got the alias first: theirs stays.
  const holder = await leads.byId(holderId);
  return holder ? mergeIfOnePerson(deps, holder, created) : created;
}

async function mergeIfOnePerson(deps: LeadIdentityDeps, aliasHolder: Lead, other: Lead): Promise<Lead> {
  const order = leadMergeOrder(aliasHolder, other);
  if (!order) return other;
  await deps.leads.merge(order.absorbed.id, order.survivor.id);
  await deps.auditTrail.record({
    who: "whatsapp",
    what: "merged another lead into this one (same person: a WhatsApp user id and a number)",
    entity: "lead",
    entityId: order.survivor.id,
    at: deps.now(),
    details: { mergedLeadId: order.absorbed.id },
  });
  deps.log.info(
    { fromLeadId: order.absorbed.id, intoLeadId: order.survivor.id },
    "merged two leads of one person (a WhatsApp user id and a number)",
  );
  return (await deps.leads.byId(order.survivor.id)) ?? order.survivor;
}

/** Staff tried to give a lead a number another lead has: the answer names that lead. */
export type PhoneTaken = Rejection<"phone_taken"> & { existing: Lead };

const phoneTaken = (existing: Lead): PhoneTaken => ({
  ...reject("phone_taken", `This number belongs to a lead already: ${leadDisplayName(existing)}.`),
  existing,
});

/**
 * A lead staff entered by hand. Its number must be nobody else's: when it is, the result is
 * `phone_taken` with the existing lead, decided by the unique index so that two staff saving the
 * same new caller at once get one lead and one `phone_taken`, never a failure.
 */
export async function addLead(
  leads: Pick<Leads, "create" | "findOrCreateByPhone">,
  fields: LeadFields,
): Promise<{ ok: true; value: Lead } | PhoneTaken> {
  if (!fields.phone) return ok(await leads.create(fields));
  const { phone, ...rest } = fields;
  const { lead, created } = await leads.findOrCreateByPhone(phone, rest);
  return created ? ok(lead) : phoneTaken(lead);
}

/**
 * Staff's edit of a lead: refused with `phone_taken` when the new number is another lead's,
 * the unique index deciding when two edits race for it. Null when the lead is gone.
 */
export async function editLead(
  leads: Pick<Leads, "updateUnlessPhoneTaken">,
  leadId: string,
  fields: LeadFields,
): Promise<{ ok: true; value: Lead } | PhoneTaken | null> {
  const outcome = await leads.updateUnlessPhoneTaken(leadId, fields);
  if (!outcome) return null;
  return "updated" in outcome ? ok(outcome.updated) : phoneTaken(outcome.phoneTakenBy);
}
