/**
 * Builders for leads and their jobs (issues), shared by the repository contract and the
 * scheduling, visit and dashboard tests: each test names only the fields it cares about.
 */
import type { IssueFields } from "../../src/domain/issues.ts";
import type { LeadFields } from "../../src/domain/leads.ts";
import { quoteTotals, type QuoteLine } from "../../src/domain/quotes.ts";
import type { Repositories } from "../../src/ports/database.ts";
import type { NewQuote } from "../../src/ports/quotes.ts";

export const aLead = (fields: Partial<LeadFields> = {}): LeadFields => ({
  name: "Sarah Jones",
  organisation: null,
  phone: null,
  email: null,
  address: null,
  postcode: null,
  segment: "tenant",
  source: "phone",
  notes: null,
  ...fields,
});

export const anIssue = (leadId: string, fields: Partial<IssueFields> = {}): IssueFields => ({
  leadId,
  title: "Leaking kitchen tap",
  description: null,
  category: "plumbing",
  urgency: "routine",
  address: "1 Baker Street, London",
  postcode: "NW1 6XE",
  accessNotes: null,
  ...fields,
});

/** The site the scheduling tests book at: 20 minutes from Alice's home in LS6 2QR. */
export const LEEDS_JOB = {
  title: "Dripping tap",
  address: "2 Headingley Lane, Leeds",
  postcode: "LS6 1AB",
} satisfies Partial<IssueFields>;

/**
 * A lead (aLead with `lead`) and one job for them (anIssue with `issue`), stored.
 * @example const { lead, issue } = await aLeadWithJob(repos, { issue: LEEDS_JOB });
 */
export async function aLeadWithJob(
  repos: Pick<Repositories, "leads" | "issues">,
  fields: { lead?: Partial<LeadFields>; issue?: Partial<IssueFields> & { sourceCallId?: string | null } } = {},
) {
  const lead = await repos.leads.create(aLead(fields.lead));
  const issue = await repos.issues.create({ ...anIssue(lead.id), ...fields.issue });
  return { lead, issue };
}

/** A draft quote for `issueId` of `lines` at their totals: no discount, deposit, expiry or terms. */
export const aDraftQuote = (issueId: string, lines: QuoteLine[], fields: Partial<NewQuote> = {}): NewQuote => ({
  issueId,
  lines,
  totals: quoteTotals(lines),
  discountPence: 0,
  deposit: null,
  validUntil: null,
  terms: null,
  ...fields,
});
