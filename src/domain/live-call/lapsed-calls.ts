import { isCallOver, type Call, type CallStatus } from "../calls.ts";
import { callStatusFrom, statusChanges } from "./call-status.ts";

/**
 * How often an instance renews the leases on its calls and looks for lapsed ones: three times a
 * lease, so two missed renewals (a database hiccup) do not yet let another instance take a call
 * that is still live, and a dead instance's call is closed within about 1⅓ leases.
 * @example leaseTimings(30) // { leaseMs: 30000, renewEveryMs: 10000, sweepEveryMs: 10000 }
 */
export function leaseTimings(leaseSeconds: number) {
  const leaseMs = leaseSeconds * 1000;
  return {
    leaseMs,
    renewEveryMs: Math.max(200, Math.floor(leaseMs / 3)),
    sweepEveryMs: Math.max(200, Math.floor(leaseMs / 3)),
  };
}

/** What the telephony provider says of a call, when asked; null without its keys or when it cannot say. */
export type ProviderCallState = { status: string; endedAt: Date | null; durationSeconds: number | null } | null;

/**
 * The status a call whose lease lapsed is closed with. A call the provider says has ended takes
 * that ending (the caller hung up while the instance was dying); otherwise its audio is lost —
 * whether or not the line is still up, no instance is hearing it — and it is "interrupted". A
 * call already over (its instance died while filing it) keeps its status: null.
 */
export function lapsedCallEnding(
  call: Pick<Call, "status" | "answeredAt">,
  provider: ProviderCallState,
  now: Date,
): { status: CallStatus; changes: Partial<Call> } | null {
  if (isCallOver(call.status)) return null;
  const reported = provider ? callStatusFrom(provider.status) : null;
  if (reported && isCallOver(reported) && reported !== "interrupted") {
    return {
      status: reported,
      changes: statusChanges(reported, {
        at: provider?.endedAt ?? now,
        durationSeconds: provider?.durationSeconds ?? null,
      }),
    };
  }
  const heardFor = call.answeredAt ? Math.max(0, Math.round((now.getTime() - call.answeredAt.getTime()) / 1000)) : null;
  return { status: "interrupted", changes: statusChanges("interrupted", { at: now, durationSeconds: heardFor }) };
}
