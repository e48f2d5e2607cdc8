import type { Issues } from "../../ports/issues.ts";
import type { Actor, Appointments, Engineers, VisitPlacement } from "../../ports/scheduling.ts";
import { reject, type Result } from "../result.ts";
import type { Appointment } from "./appointments.ts";
import { checkBooking, checkDuration, type BookingRefusal } from "./rules.ts";

export interface MoveDeps {
  engineers: Engineers;
  appointments: Appointments;
  issues: Issues;
  now: () => Date;
}

export type MoveVisitRefusal = BookingRefusal | "unknown_engineer" | "not_found" | "stale" | "not_movable";

/**
 * Moves a visit to another time, another engineer, or both (the board's move and reassign).
 * `version` is the one the board was drawn from: if someone changed the visit since, nothing is
 * written and the answer is "stale". The booking rules run inside the repository's transaction
 * against the receiving engineer's calendar, the visit itself left out.
 * @example await moveVisit(deps, { appointmentId, version: 3, engineerId, startsAt, endsAt }, { who: "sam@…" })
 */
export async function moveVisit(
  deps: MoveDeps,
  request: VisitPlacement & { appointmentId: string; version: number },
  actor: Actor,
): Promise<Result<Appointment, MoveVisitRefusal>> {
  const length = checkDuration(request.startsAt, request.endsAt);
  if (!length.ok) return length;
  const engineer = await deps.engineers.byId(request.engineerId);
  if (!engineer) return reject("unknown_engineer", "There is no such engineer.");
  const visit = await deps.appointments.byId(request.appointmentId);
  if (!visit) return reject("not_found", "There is no such visit.");
  const issue = await deps.issues.byId(visit.issueId);
  if (!issue) return reject("not_found", "There is no such job.");
  const placement = { engineerId: engineer.userId, startsAt: request.startsAt, endsAt: request.endsAt };
  return deps.appointments.reschedule(
    visit.id,
    placement,
    request.version,
    (calendar) =>
      checkBooking(
        { engineer, trade: issue.category, postcode: issue.postcode, ...placement, appointmentId: visit.id },
        calendar,
        deps.now(),
      ),
    actor,
  );
}
