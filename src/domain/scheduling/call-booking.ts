import type { Calls } from "../../ports/calls.ts";
import type { Leads } from "../../ports/leads.ts";
import type { Actor } from "../../ports/scheduling.ts";
import { isCallOver, type Call } from "../calls.ts";
import { openJobForCall } from "../extraction/call-intake.ts";
import type { Extraction } from "../extraction/extraction.ts";
import type { Issue, TradeCategory } from "../issues.ts";
import { ok, reject, type Result } from "../result.ts";
import type { Appointment } from "./appointments.ts";
import { bookVisit, type BookingDeps, type BookVisitRefusal } from "./book-visit.ts";
import { checkBooking } from "./rules.ts";

const DAY_MS = 86_400_000;

/**
 * Booking a visit while the caller is still on the line.
 *
 * Design: the job is opened (or the lead's open job at the same site matched) at the moment
 * staff pick a slot, and the visit is booked on it there and then, through the same rules and
 * engineer lock as any booking. The alternative, holding the slot on the call until the call is
 * filed, would tell the caller "booked" for a slot nobody had reserved: another booking could
 * take it before the call ends. Opening the job early costs nothing at filing: `fileCall` already
 * files a call that has a job under that job, carries staff's corrections to it, and fills in
 * what the caller said after the booking (`jobUpdatesFrom`).
 */

/** What slots are looked up for: the job's trade and site once there is one, else the call's details. */
export type CallSlotNeeds =
  | { ok: true; trade: TradeCategory; postcode: string }
  | { ok: false; missing: ("trade" | "postcode")[] };

/**
 * Whether the call knows enough to offer slots: a trade and the site's postcode (travel is
 * reckoned from it). A job the call is already filed under speaks for the call.
 * @example callSlotNeeds(call.extracted, null) // { ok: false, missing: ["postcode"] }
 */
export function callSlotNeeds(
  details: Pick<Extraction, "category" | "postcode"> | null,
  issue: Pick<Issue, "category" | "postcode"> | null,
): CallSlotNeeds {
  const trade = issue?.category ?? details?.category ?? null;
  const postcode = issue ? issue.postcode : (details?.postcode ?? null);
  if (trade && postcode) return { ok: true, trade, postcode };
  const missing: ("trade" | "postcode")[] = [];
  if (!trade) missing.push("trade");
  if (!postcode) missing.push("postcode");
  return { ok: false, missing };
}

export type CallBookingRefusal = BookVisitRefusal | "caller_unconfirmed" | "call_ended" | "details_missing";

export interface CallBookingDeps extends BookingDeps {
  calls: Calls;
  leads: Leads;
}

/**
 * Books the chosen slot on the job the call opens: the call's job when it has one, else the job
 * is opened now from the call's details (staff's corrections over the extraction), with an audit
 * entry, and the call noted as filed under it. Refused while staff have not said who the caller
 * is (that decides whose job it is) and after a call has ended unfiled (its filing opens the job).
 */
export async function bookVisitFromCall(
  deps: CallBookingDeps,
  call: Call,
  details: Extraction,
  slot: { engineerId: string; startsAt: Date; endsAt: Date },
  actor: Actor,
): Promise<Result<{ appointment: Appointment; issue: Issue; openedJob: boolean }, CallBookingRefusal>> {
  if (call.callerCheck?.state === "pending")
    return reject("caller_unconfirmed", "Say who the caller is first: the visit goes on their job.");
  let issue = call.issueId ? await deps.issues.byId(call.issueId) : null;
  let openedJob = false;
  if (!issue) {
    if (isCallOver(call.status))
      return reject("call_ended", "The call has ended: book the visit from its job once the call is filed.");
    const needs = callSlotNeeds(details, null);
    if (!needs.ok)
      return reject("details_missing", `The call does not say the job's ${needs.missing.join(" or ")} yet.`);
    // The rules first, on the calendar as it is: a slot taken meanwhile opens no job. They run
    // again as the visit is written (under the engineer's lock), so a race loses there instead.
    const engineer = await deps.engineers.byId(slot.engineerId);
    if (!engineer) return reject("unknown_engineer", "There is no such engineer.");
    const calendar = await deps.appointments.visits({
      from: new Date(slot.startsAt.getTime() - DAY_MS),
      to: new Date(slot.endsAt.getTime() + DAY_MS),
      engineerIds: [engineer.userId],
    });
    const fits = checkBooking(
      { engineer, trade: needs.trade, postcode: needs.postcode, ...slot },
      calendar,
      deps.now(),
    );
    if (!fits.ok) return fits;
    const lead = call.leadId ? await deps.leads.byId(call.leadId) : null;
    if (!lead) return reject("not_found", "The call has no lead to open a job for.");
    const opened = await openJobForCall(deps, call, lead, details);
    issue = opened.issue;
    openedJob = opened.createdIssue;
    await deps.audit.record({
      who: actor.who,
      what: openedJob ? "opened from a live call to book a visit" : "a live call was filed under it to book a visit",
      entity: "issue",
      entityId: issue.id,
      at: deps.now(),
      details: { callId: call.id },
    });
  }
  const booked = await bookVisit(deps, { issueId: issue.id, ...slot }, actor);
  if (!booked.ok) return booked;
  return ok({ appointment: booked.value, issue: (await deps.issues.byId(issue.id)) ?? issue, openedJob });
}
