import type { AuditTrail } from "../../ports/audit.ts";
import type { Issues } from "../../ports/issues.ts";
import type { Leads } from "../../ports/leads.ts";
import type { Log } from "../../ports/log.ts";
import { issueTransitions, type IssueStatus } from "../issues.ts";
import { leadTransitions, type LeadStatus } from "../leads.ts";
import type { QuoteStatus } from "../quotes.ts";
import { pathTo, type Transitions } from "../state-machine.ts";

/** Quote statuses that mean money has arrived: the job is booked and the customer won. */
const MONEY_IN: readonly QuoteStatus[] = ["deposit_paid", "paid"];

/**
 * Where a job goes once its quote is paid (a deposit or in full): a job still waiting for the
 * customer (open or quoted) is booked, so it moves to the board's Scheduled column. A job
 * already scheduled, under way or closed stays where staff put it.
 */
export function jobStatusAfterPayment(job: IssueStatus, quote: QuoteStatus): IssueStatus | null {
  if (!MONEY_IN.includes(quote)) return null;
  return job === "open" || job === "quoted" ? "scheduled" : null;
}

/** A customer who has paid is won, whatever the lead's status said (new, qualified, quoted, even lost). */
export function leadStatusAfterPayment(lead: LeadStatus, quote: QuoteStatus): LeadStatus | null {
  if (!MONEY_IN.includes(quote)) return null;
  return lead === "won" ? null : "won";
}

export interface AfterPaymentDeps {
  issues: Pick<Issues, "byId" | "setStatus">;
  leads: Pick<Leads, "byId" | "setStatus">;
  auditTrail: Pick<AuditTrail, "record">;
  now: () => Date;
  log: Log;
}

/**
 * Moves the job and its customer on after a payment settled the quote at `quoteStatus`, one
 * legal step at a time through their transition tables, each step audited as `who` (the payment
 * provider). Safe to run again (a replayed event, a retried job): a step already taken is not
 * taken twice, and a status staff changed meanwhile is never overwritten by an illegal one.
 */
export async function moveOnAfterPayment(
  deps: AfterPaymentDeps,
  paid: { issueId: string; quoteId: string; quoteStatus: QuoteStatus; who: string },
): Promise<{ job: IssueStatus | null; lead: LeadStatus | null }> {
  const details = { quoteId: paid.quoteId, quoteStatus: paid.quoteStatus };
  const issue = await deps.issues.byId(paid.issueId);
  if (!issue) return { job: null, lead: null };
  const audit = (entity: "issue" | "lead", entityId: string) => (from: string, to: string) =>
    deps.auditTrail.record({
      who: paid.who,
      what: `status ${from} → ${to}`,
      entity,
      entityId,
      at: deps.now(),
      details,
    });

  const job = await walk(
    issueTransitions,
    issue.status,
    jobStatusAfterPayment(issue.status, paid.quoteStatus),
    (to) => deps.issues.setStatus(issue.id, to),
    audit("issue", issue.id),
  );
  const customer = await deps.leads.byId(issue.leadId);
  const lead = customer
    ? await walk(
        leadTransitions,
        customer.status,
        leadStatusAfterPayment(customer.status, paid.quoteStatus),
        (to) => deps.leads.setStatus(customer.id, to),
        audit("lead", customer.id),
      )
    : null;
  if (job || lead)
    deps.log.info({ ...details, issueId: issue.id, job, lead }, "job and customer moved on after payment");
  return { job, lead };
}

/**
 * Walks from `from` to `target` one legal step at a time, auditing each; stops at the first
 * step the store refuses (changed meanwhile). The last status reached, or null when none moved.
 */
async function walk<S extends string>(
  table: Transitions<S>,
  from: S,
  target: S | null,
  move: (to: S) => Promise<{ ok: boolean }>,
  audit: (from: S, to: S) => Promise<void>,
): Promise<S | null> {
  let at = from;
  let reached: S | null = null;
  for (const step of target ? (pathTo(table, from, target) ?? []) : []) {
    if (!(await move(step)).ok) break;
    await audit(at, step);
    at = step;
    reached = step;
  }
  return reached;
}
