import type { AuditTrail } from "../../ports/audit.ts";
import type { Issues } from "../../ports/issues.ts";
import type { Leads } from "../../ports/leads.ts";
import type { Call } from "../calls.ts";
import type { Issue, IssueFields } from "../issues.ts";
import type { Lead, LeadFields } from "../leads.ts";
import { formatDate } from "../london-time.ts";
import { formatPhone } from "../phone.ts";
import {
  EXTRACTION_FIELDS,
  emptyExtraction,
  withCorrections,
  type Corrections,
  type Extraction,
  type CorrectableField,
} from "./extraction.ts";

/**
 * The details a call is filed with: the last extraction with staff's corrections over it. A call
 * whose extraction never came (no speech, the extractor failed) is still filed with what staff typed.
 */
export function filingDetails(extracted: Extraction | null, corrections: Corrections, extractor: string): Extraction {
  return withCorrections(extracted ?? emptyExtraction(extractor), corrections);
}

/**
 * The corrections that carry a value. An emptied field means "not what the extractor heard",
 * not "erase what we already know": it never blanks a lead's or a job's stored detail.
 */
export function givenCorrections(corrections: Corrections): Corrections {
  const given: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(corrections)) {
    if (value === null || value === "" || (field === "segment" && value === "unknown")) continue;
    given[field] = value;
  }
  return given as Corrections;
}

/** What a lead learns from staff's corrections on one of its calls. */
export interface LeadCorrection {
  changes: Partial<LeadFields>;
  /** The names of the fields changed (never their values: these go to the audit trail). */
  fields: string[];
}

const LEAD_FIELDS = ["name", "organisation", "email", "segment"] as const satisfies readonly CorrectableField[];
/** The details that describe the job rather than the caller, in the panel's order. */
const JOB_FIELDS = EXTRACTION_FIELDS.filter((field) =>
  ["address", "postcode", "urgency", "category", "summary", "accessNotes"].includes(field),
);

/**
 * Staff's corrections win over what the lead holds for who the caller is (name, organisation,
 * email, segment): staff typed them while talking to the caller. The site (address, postcode) belongs
 * to the job; the lead takes it only when it has no address. The number is the lead's identity:
 * a corrected number is given to a lead that has none, otherwise kept in its notes so nobody loses it.
 */
export function leadCorrection(lead: Lead, corrections: Corrections, today: Date): LeadCorrection {
  const given = givenCorrections(corrections);
  const changes: Partial<LeadFields> = {};
  for (const field of LEAD_FIELDS) {
    const value = given[field];
    if (value !== undefined && value !== lead[field]) (changes as Record<string, unknown>)[field] = value;
  }
  if (!lead.address && !lead.postcode && (given.address || given.postcode)) {
    changes.address = given.address ?? null;
    changes.postcode = given.postcode ?? null;
  }
  if (given.phone && given.phone !== lead.phone) {
    if (!lead.phone) changes.phone = given.phone as LeadFields["phone"];
    else changes.notes = phoneNote(lead, given.phone, today);
  }
  return { changes, fields: Object.keys(changes) };
}

/** A number the lead cannot take (another lead has it) goes to its notes instead. */
export const phoneNote = (lead: Pick<Lead, "notes">, phone: string, today: Date) =>
  withNote(lead.notes, `Also on ${formatPhone(phone)} (given on a call, ${formatDate(today)}).`);

/**
 * What an existing job learns from staff's corrections when a call is filed under it. A choice
 * staff made (urgency, trade) or a site detail they typed replaces the job's; what they wrote
 * about the job or the way in is added to what it says, unless it says it already.
 */
export function issueCorrection(
  issue: Issue,
  corrections: Corrections,
): { changes: Partial<IssueFields>; fields: string[] } {
  const given = givenCorrections(corrections);
  const changes: Partial<IssueFields> = {};
  if (given.urgency && given.urgency !== issue.urgency) changes.urgency = given.urgency;
  if (given.category && given.category !== issue.category) changes.category = given.category;
  if (given.address && given.address !== issue.address) changes.address = given.address;
  if (given.postcode && given.postcode !== issue.postcode) changes.postcode = given.postcode;
  if (given.summary && !mentions(issue.description, given.summary))
    changes.description = withNote(issue.description, given.summary);
  if (given.accessNotes && !mentions(issue.accessNotes, given.accessNotes))
    changes.accessNotes = withNote(issue.accessNotes, given.accessNotes);
  return { changes, fields: Object.keys(changes) };
}

const mentions = (text: string | null, part: string) => (text ?? "").toLowerCase().includes(part.toLowerCase());
const withNote = (text: string | null, note: string) => (text?.trim() ? `${text.trim()}\n${note}` : note);

export interface CorrectionFilingDeps {
  leads: Leads;
  issues: Issues;
  auditTrail: AuditTrail;
  now: () => Date;
}

/** The audit trail's name for the filing of a call: no one pressed a button, the call's end did. */
export const CALL_FILING_ACTOR = "call filing";

/**
 * Carries staff's corrections on a call to its lead and to the job it was filed under, each with
 * an audit entry naming the fields (not their values) and who corrected them. A job this call
 * opened was opened with them already: its entry says so. `corrections` may be the call's whole
 * set (at filing) or one field corrected after the call was filed.
 */
export async function carryCorrections(
  deps: CorrectionFilingDeps,
  call: Pick<Call, "id" | "leadId" | "correctedBy">,
  corrections: Corrections,
  filed: { issue: Issue | null; createdIssue: boolean },
): Promise<void> {
  if (Object.keys(givenCorrections(corrections)).length === 0) return;
  const at = deps.now();
  const correctedBy = [
    ...new Set(Object.keys(corrections).map((field) => call.correctedBy[field as CorrectableField]?.by)),
  ].filter((who): who is string => Boolean(who));
  const lead = call.leadId ? await deps.leads.byId(call.leadId) : null;
  if (lead) {
    const { changes, fields } = leadCorrection(lead, corrections, at);
    if (changes.phone) {
      const written = await deps.leads.updateUnlessPhoneTaken(lead.id, changes);
      if (written && "phoneTakenBy" in written) {
        const { phone, ...rest } = changes;
        await deps.leads.update(lead.id, { ...rest, notes: phoneNote(lead, phone, at) });
        fields.splice(fields.indexOf("phone"), 1, "notes");
      }
    } else if (fields.length > 0) await deps.leads.update(lead.id, changes);
    if (fields.length > 0) await recordFiling("lead", lead.id, `took staff's corrections from a call`, fields);
  }
  const { issue, createdIssue } = filed;
  if (!issue) return;
  if (createdIssue) {
    const given = givenCorrections(corrections);
    const fields = JOB_FIELDS.filter((field) => field in given);
    if (fields.length === 0) return;
    await recordFiling("issue", issue.id, "opened from a call with staff's corrections", fields);
    return;
  }
  const { changes, fields } = issueCorrection(issue, corrections);
  if (fields.length === 0) return;
  await deps.issues.update(issue.id, changes);
  await recordFiling("issue", issue.id, "took staff's corrections from a call", fields);

  async function recordFiling(entity: "lead" | "issue", entityId: string, what: string, fields: string[]) {
    await deps.auditTrail.record({
      who: CALL_FILING_ACTOR,
      what: `${what}: ${fields.join(", ")}`,
      entity,
      entityId,
      at,
      details: { callId: call.id, fields, correctedBy },
    });
  }
}
