import type { AuditTrail } from "../../ports/audit.ts";
import type { MissedCall, MissedCalls } from "../../ports/messages.ts";

export interface FollowUpDeps {
  missedCalls: Pick<MissedCalls, "resolve" | "resolveForLead">;
  auditTrail: Pick<AuditTrail, "record">;
  now: () => Date;
}

/** The staff member following up: their id is kept on the missed call, their email in the audit trail. */
export interface Follower {
  id: string | null;
  email: string;
}

async function audited(deps: FollowUpDeps, missed: MissedCall, who: Follower, how: string) {
  await deps.auditTrail.record({
    who: who.email,
    what: "missed call followed up",
    entity: "call",
    entityId: missed.callId,
    at: missed.resolvedAt ?? deps.now(),
    details: { missedCallId: missed.id, how },
  });
}

/**
 * Staff pressed "Followed up": the missed call leaves the dashboard's list, with who and when
 * kept on it and in the audit trail. Null when it was not open (followed up already, or no such
 * call), changing nothing.
 */
export async function followUpMissedCall(
  deps: FollowUpDeps,
  missedCallId: string,
  who: Follower,
): Promise<MissedCall | null> {
  const missed = await deps.missedCalls.resolve(missedCallId, deps.now(), who.id);
  if (missed) await audited(deps, missed, who, "marked followed up");
  return missed;
}

/**
 * Staff wrote to the customer (a reply by SMS or WhatsApp): that answers their missed calls too,
 * so each leaves the list, audited with how it was followed up.
 */
export async function followUpByMessage(
  deps: FollowUpDeps,
  leadId: string,
  who: Follower,
  how: string,
): Promise<MissedCall[]> {
  const resolved = await deps.missedCalls.resolveForLead(leadId, deps.now(), who.id);
  for (const missed of resolved) await audited(deps, missed, who, how);
  return resolved;
}
