import { callTransitions, CALL_STATUSES, type Call, type CallStatus } from "../calls.ts";
import { statesLeadingTo } from "../state-machine.ts";

/** Twilio's call statuses and ours are the same words, but for "initiated" (an outbound call being set up). */
export function callStatusFrom(providerStatus: string): CallStatus | null {
  if (providerStatus === "initiated") return "queued";
  return (CALL_STATUSES as readonly string[]).includes(providerStatus) ? (providerStatus as CallStatus) : null;
}

/** The statuses a call may be in for `to` to be a step forward. */
export const statusesBefore = (to: CallStatus): readonly CallStatus[] => statesLeadingTo(callTransitions, to);

/**
 * What a status report changes on the call: the times it was answered and ended, and how long
 * it lasted. Reports can arrive late or twice; the caller applies this only when the call's
 * current status allows `to`, so a late "ringing" after "completed" changes nothing.
 */
export function statusChanges(to: CallStatus, report: { at: Date; durationSeconds: number | null }): Partial<Call> {
  const changes: Partial<Call> = { status: to };
  if (to === "in-progress") changes.answeredAt = report.at;
  if (callTransitions[to].length === 0) {
    changes.endedAt = report.at;
    if (report.durationSeconds !== null) changes.durationSeconds = report.durationSeconds;
  }
  return changes;
}
