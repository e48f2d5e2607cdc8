import type { Lead, LeadFields, LeadStatus } from "../domain/leads.ts";
import type { E164 } from "../domain/phone.ts";
import type { Result } from "../domain/result.ts";
import type { StatusWriteRefusal } from "../domain/state-machine.ts";

export interface LeadSearch {
  /** Matches name, organisation, phone (any written form) or postcode. */
  query?: string;
  limit: number;
  offset: number;
}

/** The leads we know, keyed by id and de-duplicated by E.164 phone number. */
export interface Leads {
  create(fields: LeadFields): Promise<Lead>;
  update(id: string, fields: Partial<LeadFields>): Promise<Lead | null>;
  /**
   * `update` for staff's edits: when `fields.phone` is another lead's (even one that took it a
   * moment ago: the unique index decides) nothing changes and the answer names that lead.
   * Null when there is no lead `id`.
   */
  updateUnlessPhoneTaken(
    id: string,
    fields: Partial<LeadFields>,
  ): Promise<{ updated: Lead } | { phoneTakenBy: Lead } | null>;
  /** Moves the lead along the domain's transition table (compare-and-set); refused moves write nothing. */
  setStatus(id: string, status: LeadStatus): Promise<Result<LeadStatus, StatusWriteRefusal>>;
  byId(id: string): Promise<Lead | null>;
  byPhone(phone: E164): Promise<Lead | null>;
  /**
   * The lead for this number, created with `fields` when there is none.
   * Safe when two callers race: both get the same lead.
   */
  findOrCreateByPhone(phone: E164, fields: Omit<LeadFields, "phone">): Promise<{ lead: Lead; created: boolean }>;
  /**
   * Gives a lead that has no number this one. Null, changing nothing, when another lead has the
   * number (even one that took it a moment ago), the lead has a number already, or is gone.
   */
  givePhone(id: string, phone: E164): Promise<Lead | null>;
  /**
   * Makes two leads one, in one transaction: everything of `absorbedId` (messages, calls, issues,
   * missed calls, aliases) moves to `survivorId`, whose details become `mergedLeadDetails` of the
   * two (src/domain/lead-merge.ts), and the emptied lead is deleted. Which lead survives is the
   * caller's choice (`leadMergeOrder`).
   */
  merge(absorbedId: string, survivorId: string): Promise<void>;
  search(search: LeadSearch): Promise<{ leads: Lead[]; total: number }>;
  countCreatedSince(since: Date): Promise<number>;
}

/** Other names a lead is known by on a channel: WhatsApp business-scoped user ids (BSUIDs). */
export interface LeadAliases {
  /** The lead with this alias, if any. */
  leadFor(kind: string, value: string): Promise<string | null>;
  /** Adds the alias to the lead; when another lead already has it, leaves it there and returns that lead's id. */
  add(leadId: string, kind: string, value: string): Promise<string>;
  forLead(leadId: string): Promise<{ kind: string; value: string }[]>;
}

/** A named person who calls from a lead's number: a letting agent's property manager, an office's staff. */
export interface LeadContact {
  id: string;
  leadId: string;
  name: string;
  /** How they stand to the lead: "tenant", "property manager". */
  role: string | null;
  phone: E164 | null;
  createdAt: Date;
}

/** The named contacts a lead keeps (several people on one number). */
export interface LeadContacts {
  add(contact: Pick<LeadContact, "leadId" | "name" | "role" | "phone">): Promise<LeadContact>;
  /** Oldest first. */
  forLead(leadId: string): Promise<LeadContact[]>;
}
