import type { AuditTrail } from "../../ports/audit.ts";
import type { Issues } from "../../ports/issues.ts";
import type { Actor, Appointments, Engineers } from "../../ports/scheduling.ts";
import { isOpenIssue } from "../issues.ts";
import type { QuoteStatus } from "../quotes.ts";
import { ok, reject, type Result } from "../result.ts";
import type { Appointment } from "./appointments.ts";
import { checkBooking, checkDuration, type BookingRefusal } from "./rules.ts";

/** A quote the customer has accepted (or paid) is where the office books the work next: its page offers "Book a visit". */
export const canBookFromQuote = (status: QuoteStatus): boolean =>
  status === "accepted" || status === "deposit_paid" || status === "paid";

export interface BookingDeps {
  engineers: Engineers;
  appointments: Appointments;
  issues: Issues;
  audit: AuditTrail;
  now: () => Date;
}

export interface VisitRequest {
  issueId: string;
  engineerId: string;
  startsAt: Date;
  endsAt: Date;
}

export type BookVisitRefusal = BookingRefusal | "unknown_engineer" | "not_found" | "issue_closed";

/**
 * Books a visit to a job: the engineer must exist and the job be open; the rules run once here
 * for a quick answer and again inside the repository's transaction against the engineer's
 * calendar as it stands then, so a slot taken a moment ago is refused with the reason. An open
 * or quoted job moves to scheduled.
 * @example await bookVisit(deps, { issueId, engineerId, startsAt, endsAt }, { who: "sam@…" })
 */
export async function bookVisit(
  deps: BookingDeps,
  request: VisitRequest,
  actor: Actor,
): Promise<Result<Appointment, BookVisitRefusal>> {
  const length = checkDuration(request.startsAt, request.endsAt);
  if (!length.ok) return length;
  const engineer = await deps.engineers.byId(request.engineerId);
  if (!engineer) return reject("unknown_engineer", "There is no such engineer.");
  const issue = await deps.issues.byId(request.issueId);
  if (!issue) return reject("not_found", "There is no such job.");
  if (!isOpenIssue(issue.status))
    return reject("issue_closed", `This job is ${issue.status}: reopen it before booking a visit.`);

  const candidate = {
    engineer,
    trade: issue.category,
    startsAt: request.startsAt,
    endsAt: request.endsAt,
    postcode: issue.postcode,
  };
  const booked = await deps.appointments.book(request, (calendar) => checkBooking(candidate, calendar, deps.now()), {
    at: deps.now(),
    ...actor,
  });
  if (!booked.ok) return booked;

  if (issue.status === "open" || issue.status === "quoted") {
    const moved = await deps.issues.setStatus(issue.id, "scheduled");
    if (moved.ok)
      await deps.audit.record({
        who: actor.who,
        what: `status ${issue.status} → scheduled`,
        entity: "issue",
        entityId: issue.id,
        at: deps.now(),
        details: { appointmentId: booked.value.id },
      });
  }
  return ok(booked.value);
}
