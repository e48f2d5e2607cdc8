import type { Call } from "../calls.ts";
import { callerMatch, mismatchSentence, onFileNeeded, type CallerCheck, type CallerSays } from "../caller-match.ts";
import type { Extraction } from "../extraction/extraction.ts";
import type { Calls } from "../../ports/calls.ts";
import type { Issues } from "../../ports/issues.ts";
import type { LeadContacts, Leads } from "../../ports/leads.ts";
import type { LiveEvents } from "../../ports/live-events.ts";
import type { Log } from "../../ports/log.ts";
import { CALLS_CHANNEL, callChannel } from "./channels.ts";

export interface CallerCheckDeps {
  calls: Calls;
  leads: Pick<Leads, "byId">;
  leadContacts: Pick<LeadContacts, "forLead">;
  issues: Pick<Issues, "forLead">;
  liveEvents: LiveEvents;
  log: Log;
}

export const callerSays = (extraction: Pick<Extraction, keyof CallerSays>): CallerSays => ({
  name: extraction.name,
  organisation: extraction.organisation,
  address: extraction.address,
  postcode: extraction.postcode,
});

/**
 * Compares who the caller says they are with the number's lead as the call is understood
 * (`callerMatch`), and flags the call "check caller" the moment they differ: the live page shows
 * the notice and the calls list and dashboard the flag. A flag clears itself when a later
 * reading (or staff's correction) matches again; once staff have chosen, nothing is re-checked.
 * `readCall` is the call as just read by the caller of this (live extraction reads it anyway);
 * the flag is swapped only if it is still what that call held, so a stale read changes nothing.
 * Only what the match looks at is read (`onFileNeeded`): a caller who gave no name, organisation
 * or postcode costs no reads at all.
 */
export async function checkCaller(
  deps: CallerCheckDeps,
  callId: string,
  extraction: Extraction,
  readCall?: Call,
): Promise<void> {
  const call = readCall ?? (await deps.calls.byId(callId));
  // Once staff chose, or the call ended waiting for them to, only their choice settles it.
  if (!call?.leadId || call.callerCheck?.state === "resolved" || call.callerCheck?.filingHeld) return;
  const says = callerSays(extraction);
  const needed = onFileNeeded(says);
  // Nothing to compare, and no flag to clear: the match would change nothing.
  if (!needed.lead && call.callerCheck === null) return;
  const lead = await deps.leads.byId(call.leadId);
  if (!lead) return;
  const [contacts, issues] = await Promise.all([
    needed.contacts ? deps.leadContacts.forLead(lead.id) : [],
    needed.sites ? deps.issues.forLead(lead.id) : [],
  ]);
  const sitePostcodes = issues.flatMap((issue) => (issue.postcode ? [issue.postcode] : []));
  const match = callerMatch(says, { lead, contacts, sitePostcodes });
  const next: CallerCheck | null = match.matches
    ? null
    : {
        state: "pending",
        says,
        reason: match.reason,
        leadId: lead.id,
        notice: mismatchSentence(says, match.reason, lead),
        filingHeld: call.callerCheck?.filingHeld ?? false,
      };
  if (JSON.stringify(next) === JSON.stringify(call.callerCheck)) return;
  const updated = await deps.calls.swapCallerCheck(call.id, call.callerCheck, next);
  // Staff chose (or another reading landed) in between: theirs stands.
  if (!updated) return;
  if (next) deps.log.info({ callId, leadId: lead.id, reason: next.reason }, "caller does not match the number's lead");
  await publishCallerCheck(deps, updated);
}

/** Tells the call page (its notice) and the calls list and dashboard (their flag). */
export async function publishCallerCheck(deps: Pick<CallerCheckDeps, "liveEvents">, call: Call): Promise<void> {
  await deps.liveEvents.publish(callChannel(call.id), { type: "callerCheck", data: call.callerCheck });
  await deps.liveEvents.publish(CALLS_CHANNEL, { type: "call", data: { callId: call.id, status: call.status } });
}

/**
 * At the end of a call still flagged "check caller": its filing waits for staff's choice, so the
 * job is never opened under the wrong customer nor the caller's name given to the lead on file.
 * False when the flag had been settled meanwhile (then the call is filed as usual).
 */
export async function holdFiling(calls: Pick<Calls, "swapCallerCheck">, call: Call, summary: string | null) {
  const check = call.callerCheck;
  if (check?.state !== "pending") return false;
  const held = await calls.swapCallerCheck(call.id, check, { ...check, filingHeld: true }, { summary });
  return held !== null;
}
