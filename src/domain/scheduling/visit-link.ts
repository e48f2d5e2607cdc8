import { ok, reject, type Result } from "../result.ts";
import type { Appointment } from "./appointments.ts";

/** Where a visit stands as its customer's link sees it. */
export type VisitLinkState = "open" | "confirmed" | "change_requested" | "passed" | "cancelled" | "underway";

type Seen = Pick<Appointment, "status" | "endsAt" | "changeRequestedAt">;

/** @example visitLinkState({ status: "booked", endsAt: tomorrow, changeRequestedAt: null }, now) // "open" */
export function visitLinkState(visit: Seen, now: Date): VisitLinkState {
  if (visit.status === "cancelled") return "cancelled";
  if (visit.status === "done" || visit.status === "no_access" || visit.endsAt.getTime() <= now.getTime())
    return "passed";
  if (visit.status === "en_route" || visit.status === "on_site") return "underway";
  if (visit.changeRequestedAt) return "change_requested";
  return visit.status === "confirmed" ? "confirmed" : "open";
}

const CLOSED = "This visit can no longer be changed from this link: please contact us.";

/** The customer may confirm a visit still ahead that nobody has changed since it was booked. Confirming twice is fine. */
export function customerMayConfirm(visit: Seen, now: Date): Result<"confirm" | "already", "visit_closed"> {
  const state = visitLinkState(visit, now);
  if (state === "open") return ok("confirm");
  if (state === "confirmed") return ok("already");
  if (state === "change_requested")
    return reject("visit_closed", "You asked for another time: we will be in touch to rebook.");
  return reject("visit_closed", CLOSED);
}

/** The customer may ask for another time while the visit is ahead and the engineer has not set off. */
export function customerMayAskAgain(visit: Seen, now: Date): Result<true, "visit_closed"> {
  const state = visitLinkState(visit, now);
  return state === "open" || state === "confirmed" || state === "change_requested"
    ? ok(true)
    : reject("visit_closed", CLOSED);
}
