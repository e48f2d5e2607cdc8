import { normalisePostcode } from "./postcode.ts";
import { statesLeadingTo, transition, type Transitions } from "./state-machine.ts";
import { blankToNull, checkLengths, validated, type FieldErrors, type Validated } from "./validation.ts";

export const URGENCIES = ["emergency", "urgent", "routine"] as const;
export type Urgency = (typeof URGENCIES)[number];

export const TRADE_CATEGORIES = [
  "plumbing",
  "heating",
  "electrical",
  "roofing",
  "carpentry",
  "locksmith",
  "decorating",
  "glazing",
  "drainage",
  "general",
] as const;
export type TradeCategory = (typeof TRADE_CATEGORIES)[number];

export const ISSUE_STATUSES = ["open", "quoted", "scheduled", "in_progress", "done", "cancelled"] as const;
export type IssueStatus = (typeof ISSUE_STATUSES)[number];

export const issueTransitions: Transitions<IssueStatus> = {
  open: ["quoted", "scheduled", "in_progress", "cancelled"],
  quoted: ["open", "scheduled", "in_progress", "cancelled"],
  // Back to open or quoted when its last visit is cancelled (see jobStatusWithoutVisits).
  scheduled: ["in_progress", "open", "quoted", "cancelled"],
  in_progress: ["done", "scheduled", "cancelled"],
  done: [],
  cancelled: ["open"],
};

/**
 * An open job is one still in play: any status the table lets be cancelled. Done is final, and a
 * cancelled job must be reopened before anything else happens to it.
 */
export const OPEN_ISSUE_STATUSES: readonly IssueStatus[] = statesLeadingTo(issueTransitions, "cancelled");
export const CLOSED_ISSUE_STATUSES: readonly IssueStatus[] = ISSUE_STATUSES.filter(
  (s) => !OPEN_ISSUE_STATUSES.includes(s),
);
export const isOpenIssue = (status: IssueStatus) => OPEN_ISSUE_STATUSES.includes(status);

/** Staff raised the job to an emergency: the on-call engineer and the office are told (once per job). */
export const becameEmergency = (before: Pick<Issue, "urgency">, after: Pick<Issue, "urgency">): boolean =>
  before.urgency !== "emergency" && after.urgency === "emergency";

export const ISSUE_STATUS_LABELS: Record<IssueStatus, string> = {
  open: "Open",
  quoted: "Quoted",
  scheduled: "Scheduled",
  in_progress: "In progress",
  done: "Done",
  cancelled: "Cancelled",
};

/** A job: something at a property that needs fixing. */
export interface Issue {
  id: string;
  leadId: string;
  sourceCallId: string | null;
  title: string;
  description: string | null;
  category: TradeCategory;
  urgency: Urgency;
  address: string | null;
  postcode: string | null;
  accessNotes: string | null;
  status: IssueStatus;
  createdAt: Date;
  updatedAt: Date;
}

export interface IssueInput {
  leadId?: string;
  title?: string;
  description?: string;
  category?: string;
  urgency?: string;
  address?: string;
  postcode?: string;
  accessNotes?: string;
}

export type IssueFields = Pick<
  Issue,
  "leadId" | "title" | "description" | "category" | "urgency" | "address" | "postcode" | "accessNotes"
>;

export function validateIssue(input: IssueInput): Validated<IssueFields> {
  const errors: FieldErrors = {};
  const leadId = blankToNull(input.leadId);
  if (!leadId) errors.leadId = "Choose the lead this job is for.";
  const title = blankToNull(input.title);
  if (!title) errors.title = "Say in a few words what the job is.";
  const category = (blankToNull(input.category) ?? "general") as TradeCategory;
  if (!TRADE_CATEGORIES.includes(category)) errors.category = `Choose one of: ${TRADE_CATEGORIES.join(", ")}.`;
  const urgency = (blankToNull(input.urgency) ?? "routine") as Urgency;
  if (!URGENCIES.includes(urgency)) errors.urgency = `Choose one of: ${URGENCIES.join(", ")}.`;
  let postcode = blankToNull(input.postcode);
  if (postcode) {
    const normalised = normalisePostcode(postcode);
    if (normalised.ok) postcode = normalised.value;
    else errors.postcode = normalised.message;
  }
  checkLengths(input, { title: 200, description: 10_000, address: 500, accessNotes: 2000 }, errors);
  return validated(errors, () => ({
    leadId: leadId!,
    title: title!,
    description: blankToNull(input.description),
    category,
    urgency,
    address: blankToNull(input.address),
    postcode,
    accessNotes: blankToNull(input.accessNotes),
  }));
}

export const changeIssueStatus = (issue: Pick<Issue, "status">, to: IssueStatus) =>
  transition(issueTransitions, issue.status, to, "job");

const URGENCY_RANK: Record<Urgency, number> = { emergency: 0, urgent: 1, routine: 2 };

/** Emergencies first, then urgent, then routine; oldest first within each. */
export const byUrgency = <I extends Pick<Issue, "urgency" | "createdAt">>(a: I, b: I): number =>
  URGENCY_RANK[a.urgency] - URGENCY_RANK[b.urgency] || a.createdAt.getTime() - b.createdAt.getTime();
