import type { Call } from "./calls.ts";
import type { CallerCheck } from "./caller-match.ts";
import { fileCall } from "./extraction/call-intake.ts";
import type { CorrectionFilingDeps } from "./extraction/filing-corrections.ts";
import { withCorrections } from "./extraction/extraction.ts";
import type { Issue } from "./issues.ts";
import { leadDisplayName, type Lead } from "./leads.ts";
import { formatPhone } from "./phone.ts";
import { reject, type Rejection } from "./result.ts";
import type { Calls } from "../ports/calls.ts";
import type { Issues } from "../ports/issues.ts";
import type { LeadContact, LeadContacts, Leads } from "../ports/leads.ts";

export interface CallerChoiceDeps extends CorrectionFilingDeps {
  calls: Calls;
  leads: Leads;
  leadContacts: LeadContacts;
  issues: Issues;
  extractor: { name: string };
}

/** Staff's answer, with the name they confirmed (a contact's or the new customer's) and a contact's role. */
export type CallerAnswer =
  | { choice: "same" }
  | { choice: "contact"; name: string; role: string | null }
  | { choice: "different"; name: string; organisation: string | null };

export interface CallerChosen {
  call: Call;
  /** The lead the call is filed under now. */
  lead: Lead;
  /** The lead the number belongs to. */
  onFile: Lead;
  contact: LeadContact | null;
  /** The job filed when the call had ended waiting for this choice. */
  filed: { issue: Issue; created: boolean } | null;
}

type Refusal = Rejection<"no_caller_check" | "caller_already_chosen" | "invalid_caller_answer">;

const NAME_MAX = 200;

/**
 * Settles a "check caller" flag as staff chose: the caller is the customer on file, another
 * contact at the number (kept on that lead), or a different customer (a new lead, without the
 * number since it is the other lead's, and the call and the job it opened move to it). A call
 * that ended while waiting is filed now, under the lead chosen. Only a pending check can be
 * settled, once: a second choice (two staff at once) is refused and changes nothing.
 */
export async function chooseCaller(
  deps: CallerChoiceDeps,
  call: Call,
  answer: CallerAnswer,
): Promise<{ ok: true; value: CallerChosen } | Refusal> {
  const check = call.callerCheck;
  if (!check) return reject("no_caller_check", "This call's caller matched the number's lead: nothing to choose.");
  if (check.state !== "pending") return reject("caller_already_chosen", `Already decided: ${check.outcome}.`);
  if (answer.choice !== "same") {
    const name = answer.name.trim();
    if (!name) return reject("invalid_caller_answer", "Give the caller's name.");
    if (name.length > NAME_MAX) return reject("invalid_caller_answer", `Keep the name to ${NAME_MAX} characters.`);
  }
  const onFile = await deps.leads.byId(check.leadId);
  if (!onFile) return reject("no_caller_check", "The lead this number belonged to is gone.");
  const holder = leadDisplayName(onFile);

  let lead = onFile;
  let contact: LeadContact | null = null;
  let outcome = `Same customer: ${holder}`;
  if (answer.choice === "contact") {
    contact = await deps.leadContacts.add({
      leadId: onFile.id,
      name: answer.name.trim(),
      role: answer.role?.trim() || null,
      phone: null,
    });
    outcome = `${contact.name} added as a contact of ${holder}`;
  } else if (answer.choice === "different") {
    lead = await deps.leads.create(newCustomer(answer, check, call, onFile));
    outcome = `A different customer: ${leadDisplayName(lead)}, a new lead`;
  }

  const resolved: CallerCheck = {
    state: "resolved",
    says: check.says,
    reason: check.reason,
    choice: answer.choice,
    fromLeadId: onFile.id,
    leadId: lead.id,
    notice: check.notice,
    outcome,
  };
  const moved = await movedJob(deps, call, lead);
  const updated = await deps.calls.swapCallerCheck(call.id, check, resolved, {
    leadId: lead.id,
    issueId: moved.issueId,
  });
  if (!updated) {
    const now = await deps.calls.byId(call.id);
    const decided = now?.callerCheck?.state === "resolved" ? now.callerCheck.outcome : "another choice was made";
    return reject("caller_already_chosen", `Already decided: ${decided}.`);
  }
  if (moved.issueToMove) await deps.issues.update(moved.issueToMove, { leadId: lead.id });
  const filed = check.filingHeld ? await fileHeldCall(deps, updated) : null;
  return {
    ok: true,
    value: { call: (await deps.calls.byId(call.id)) ?? updated, lead, onFile, contact, filed },
  };
}

function newCustomer(
  answer: Extract<CallerAnswer, { choice: "different" }>,
  check: CallerCheck,
  call: Call,
  onFile: Lead,
) {
  // The latest reading of the call (staff's corrections over it), else what was heard when flagged.
  const heard = call.extracted ? withCorrections(call.extracted, call.corrections) : null;
  return {
    name: answer.name.trim(),
    organisation: answer.organisation?.trim() || null,
    // The number stays the other lead's (one number, one lead): the new lead is reached through it.
    phone: null,
    email: null,
    address: heard?.address ?? check.says.address,
    postcode: heard?.postcode ?? check.says.postcode,
    segment: heard?.segment ?? "unknown",
    source: "phone" as const,
    notes: `Called from ${formatPhone(call.from)}, the number of ${leadDisplayName(onFile)}.`,
  };
}

/**
 * A different customer takes the job the call opened with them; a job of the other lead's the
 * call was only added to stays theirs, and the call leaves it.
 */
async function movedJob(
  deps: Pick<CallerChoiceDeps, "issues">,
  call: Call,
  lead: Lead,
): Promise<{ issueId: string | null; issueToMove: string | null }> {
  if (!call.issueId || call.leadId === lead.id) return { issueId: call.issueId, issueToMove: null };
  const issue = await deps.issues.byId(call.issueId);
  if (issue?.sourceCallId === call.id) return { issueId: issue.id, issueToMove: issue.id };
  return { issueId: null, issueToMove: null };
}

/** The call's filing that waited for staff's choice: the lead learns from it and its job is opened or matched. */
async function fileHeldCall(deps: CallerChoiceDeps, call: Call): Promise<CallerChosen["filed"]> {
  if (!call.extracted || call.issueId) return null;
  const { issue, createdIssue } = await fileCall(deps, call);
  return issue ? { issue, created: createdIssue } : null;
}
