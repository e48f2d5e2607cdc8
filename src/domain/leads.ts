import { formatPhone, normalisePhone, type E164 } from "./phone.ts";
import { normalisePostcode } from "./postcode.ts";
import { ok, reject, type Result } from "./result.ts";
import { blankToNull, checkLengths, validated, type FieldErrors, type Validated } from "./validation.ts";
import { transition, type Transitions } from "./state-machine.ts";

export const LEAD_SEGMENTS = ["tenant", "landlord", "homeowner", "letting_agent", "commercial", "unknown"] as const;
export type LeadSegment = (typeof LEAD_SEGMENTS)[number];

export const LEAD_SOURCES = ["phone", "whatsapp", "sms", "web", "manual"] as const;
export type LeadSource = (typeof LEAD_SOURCES)[number];

export const LEAD_STATUSES = ["new", "qualified", "quoted", "won", "lost"] as const;
export type LeadStatus = (typeof LEAD_STATUSES)[number];

export const leadTransitions: Transitions<LeadStatus> = {
  new: ["qualified", "quoted", "lost"],
  qualified: ["quoted", "lost"],
  quoted: ["won", "lost", "qualified"],
  won: [],
  lost: ["new"],
};

/** A person or organisation that contacted us. The phone number (E.164) identifies them. */
export interface Lead {
  id: string;
  name: string | null;
  organisation: string | null;
  phone: E164 | null;
  email: string | null;
  address: string | null;
  postcode: string | null;
  segment: LeadSegment;
  source: LeadSource;
  status: LeadStatus;
  notes: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** What staff type into the lead form, before validation. */
export interface LeadInput {
  name?: string;
  organisation?: string;
  phone?: string;
  email?: string;
  address?: string;
  postcode?: string;
  segment?: string;
  source?: string;
  notes?: string;
}

export type LeadFields = Pick<
  Lead,
  "name" | "organisation" | "phone" | "email" | "address" | "postcode" | "segment" | "source" | "notes"
>;

/**
 * Validates and normalises a lead form. A lead needs a name or a phone number;
 * the phone becomes E.164 (UK default) and the postcode its written form.
 */
export function validateLead(input: LeadInput): Validated<LeadFields> {
  const errors: FieldErrors = {};
  const name = blankToNull(input.name);
  const rawPhone = blankToNull(input.phone);
  let phone: E164 | null = null;
  if (rawPhone) {
    const normalised = normalisePhone(rawPhone);
    if (normalised.ok) phone = normalised.value;
    else errors.phone = normalised.message;
  }
  if (!name && !rawPhone && !blankToNull(input.organisation))
    errors.name = "Give a name, an organisation or a phone number.";

  const email = blankToNull(input.email);
  if (email && !isEmailAddress(email)) errors.email = NOT_AN_EMAIL;

  let postcode = blankToNull(input.postcode);
  if (postcode) {
    const normalised = normalisePostcode(postcode);
    if (normalised.ok) postcode = normalised.value;
    else errors.postcode = normalised.message;
  }

  const segment = (blankToNull(input.segment) ?? "unknown") as LeadSegment;
  if (!LEAD_SEGMENTS.includes(segment)) errors.segment = `Choose one of: ${LEAD_SEGMENTS.join(", ")}.`;
  const source = (blankToNull(input.source) ?? "manual") as LeadSource;
  if (!LEAD_SOURCES.includes(source)) errors.source = `Choose one of: ${LEAD_SOURCES.join(", ")}.`;

  checkLengths(input, { name: 200, organisation: 200, address: 500, notes: 5000, email: 200 }, errors);

  return validated(errors, () => ({
    name,
    organisation: blankToNull(input.organisation),
    phone,
    email,
    address: blankToNull(input.address),
    postcode,
    segment,
    source,
    notes: blankToNull(input.notes),
  }));
}

/** Shaped like an email address; whether it reaches anyone only sending tells. */
export const isEmailAddress = (text: string) => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(text);
export const NOT_AN_EMAIL = "That is not an email address.";

export const changeLeadStatus = (lead: Pick<Lead, "status">, to: LeadStatus) =>
  transition(leadTransitions, lead.status, to, "lead");

/** How a lead is shown in lists: its name, else its number. */
export const leadDisplayName = (lead: Pick<Lead, "name" | "phone" | "organisation">): string =>
  lead.name ?? lead.organisation ?? (lead.phone ? formatPhone(lead.phone) : "Unknown caller");

/**
 * The key leads are de-duplicated by: a number in E.164, or a rejection for an undialable one.
 * Finding or making the lead for a contact is `leadForContact` in lead-identity.ts.
 */
export function leadKeyForPhone(raw: string): Result<E164, "invalid_phone"> {
  const normalised = normalisePhone(raw);
  return normalised.ok ? ok(normalised.value) : reject("invalid_phone", normalised.message);
}
