import type { Lead, LeadFields, LeadStatus } from "../domain/leads.ts";
import type { E164 } from "../domain/phone.ts";

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
  setStatus(id: string, status: LeadStatus): Promise<void>;
  byId(id: string): Promise<Lead | null>;
  byPhone(phone: E164): Promise<Lead | null>;
  /**
   * The lead for this number, created with `fields` when there is none.
   * Safe when two callers race: both get the same lead.
   */
  findOrCreateByPhone(phone: E164, fields: Omit<LeadFields, "phone">): Promise<{ lead: Lead; created: boolean }>;
  search(search: LeadSearch): Promise<{ leads: Lead[]; total: number }>;
  countCreatedSince(since: Date): Promise<number>;
}
