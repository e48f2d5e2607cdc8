import type { AuditTrail } from "../../ports/audit.ts";
import type { Issues } from "../../ports/issues.ts";
import type { Quotes } from "../../ports/quotes.ts";
import type { Actor, Appointments } from "../../ports/scheduling.ts";
import type { IssueStatus } from "../issues.ts";
import { jobStatusAfterPayment } from "../payments/after-payment.ts";
import type { QuoteStatus } from "../quotes.ts";
import { ok } from "../result.ts";
import { isComingOrUnderWay } from "./appointments.ts";

/**
 * Where a job stands when it has no visit to come: quoted once a version was sent (whatever the
 * customer did with it), open before that; a paid quote keeps it scheduled, as the payment put
 * it there (it still needs booking, and the board's queue shows it).
 * @example jobStatusWithoutVisits("viewed") // "quoted"
 */
export function jobStatusWithoutVisits(latestSentQuote: QuoteStatus | null): IssueStatus {
  if (!latestSentQuote) return "open";
  return jobStatusAfterPayment("quoted", latestSentQuote) ?? "quoted";
}

export interface CancelVisitDeps {
  appointments: Pick<Appointments, "setStatus" | "forIssue">;
  issues: Pick<Issues, "byId" | "setStatus">;
  quotes: Pick<Quotes, "latestSent">;
  audit: Pick<AuditTrail, "record">;
  now: () => Date;
}

/**
 * Cancels a visit against the version the screen showed (the repository audits it). When it was
 * the job's last visit to come, a scheduled job goes back to the status it would have without
 * visits (jobStatusWithoutVisits), audited; with another visit still booked it stays scheduled.
 * @example await cancelVisit(deps, { id, version: 3 }, { who: "sam@…" })
 */
export async function cancelVisit(deps: CancelVisitDeps, visit: { id: string; version: number }, actor: Actor) {
  const cancelled = await deps.appointments.setStatus(visit.id, "cancelled", actor, visit.version);
  if (!cancelled.ok) return cancelled;
  const issueId = cancelled.value.issueId;
  const [issue, visits] = await Promise.all([deps.issues.byId(issueId), deps.appointments.forIssue(issueId)]);
  if (issue?.status === "scheduled" && !visits.some((v) => isComingOrUnderWay(v.status))) {
    const latest = await deps.quotes.latestSent(issueId);
    const to = jobStatusWithoutVisits(latest?.status ?? null);
    if (to !== issue.status && (await deps.issues.setStatus(issueId, to)).ok)
      await deps.audit.record({
        who: actor.who,
        what: `status scheduled → ${to}`,
        entity: "issue",
        entityId: issueId,
        at: deps.now(),
        details: { appointmentId: cancelled.value.id, reason: "its last visit was cancelled" },
      });
  }
  return ok(cancelled.value);
}
