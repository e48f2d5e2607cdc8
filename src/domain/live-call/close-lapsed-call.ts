import type { Call } from "../calls.ts";
import type { AuditTrail } from "../../ports/audit.ts";
import type { CallLeases } from "../../ports/call-leases.ts";
import type { Calls } from "../../ports/calls.ts";
import type { Extractor } from "../../ports/extractor.ts";
import type { Issues } from "../../ports/issues.ts";
import type { Leads } from "../../ports/leads.ts";
import type { LiveEvents } from "../../ports/live-events.ts";
import { withFields, type Log } from "../../ports/log.ts";
import { fileCall } from "../extraction/call-intake.ts";
import { CALL_FILING_ACTOR } from "../extraction/filing-corrections.ts";
import { transcriptFromSegments } from "../extraction/transcript.ts";
import { isMissedCall } from "../messaging/missed-calls.ts";
import { holdFiling } from "./caller-check.ts";
import { CALLS_CHANNEL, callChannel, callStatusEvent } from "./channels.ts";
import { statusesBefore } from "./call-status.ts";
import { lapsedCallEnding, type ProviderCallState } from "./lapsed-calls.ts";

export interface LapsedCallDeps {
  calls: Calls;
  leads: Leads;
  issues: Issues;
  auditTrail: AuditTrail;
  leases: CallLeases;
  extractor: Extractor;
  liveEvents: LiveEvents;
  log: Log;
  now: () => Date;
  /** The provider's word on the call (Twilio's calls(sid).fetch()); null without its keys. */
  providerState: (call: Call) => Promise<ProviderCallState>;
  /** This instance: it holds the claimed call's lease while closing it. */
  owner: string;
  /** A call the provider says nobody answered: the missed-call follow-up, as a status report would start it. */
  missedCall: (call: Call) => Promise<void>;
}

/** The audit trail's name for a sweep closing a call: no one pressed a button, a lapsed lease did. */
export const LAPSED_CALL_ACTOR = "call lease sweep";

/**
 * Closes a call whose instance died: its status from the provider's word (or "interrupted"),
 * every stored line kept, the lead and job filed from what was said, viewers told as a normal
 * end tells them, an audit entry, and the lease let go. A failure leaves the lease held by this
 * instance, so it lapses again and the call is retried.
 */
export async function closeLapsedCall(deps: LapsedCallDeps, call: Call): Promise<Call> {
  const log = withFields(deps.log, { callId: call.id, callSid: call.providerCallId });
  const provider = await deps.providerState(call).catch((error: unknown) => {
    log.warn({ err: error }, "could not ask the provider how the lapsed call stands; closing it as interrupted");
    return null;
  });
  const ending = lapsedCallEnding(call, provider, deps.now());
  // Null when the call was already over, or a status report closed it meanwhile: nothing to announce.
  const advanced = ending ? await deps.calls.advance(call.id, statusesBefore(ending.status), ending.changes) : null;
  if (advanced) {
    await deps.liveEvents.publish(callChannel(call.id), callStatusEvent(advanced));
    await deps.liveEvents.publish(CALLS_CHANNEL, { type: "call", data: { callId: call.id, status: advanced.status } });
    if (isMissedCall(advanced)) await deps.missedCall(advanced);
  }
  const closed = advanced ?? (await deps.calls.byId(call.id)) ?? call;

  const filed = await fileFromWhatWasSaid(deps, closed, log);
  await deps.liveEvents.publish(callChannel(call.id), { type: "filed", data: { ok: true } });
  await deps.auditTrail.record({
    who: LAPSED_CALL_ACTOR,
    what: advanced ? `status ${call.status} → ${advanced.status}` : "filed after its server stopped",
    entity: "call",
    entityId: call.id,
    at: deps.now(),
    details: { providerStatus: provider?.status ?? null, issueId: filed?.issueId ?? null, lines: filed?.lines ?? 0 },
  });
  await deps.leases.release(call.id, deps.owner);
  log.info({ status: closed.status, issueId: filed?.issueId ?? null }, "lapsed call closed");
  return (await deps.calls.byId(call.id)) ?? closed;
}

/**
 * The extraction is run once more over every stored final line (the dead instance's last one may
 * never have run), then the call is filed as a normal end files it. A call nobody spoke on files nothing.
 */
async function fileFromWhatWasSaid(deps: LapsedCallDeps, call: Call, log: Log) {
  const transcript = transcriptFromSegments(await deps.calls.transcript(call.id));
  if (transcript.lines.length === 0 && !call.extracted) return null;
  let fresh = call;
  if (transcript.lines.length > 0) {
    const extraction = await deps.extractor.extract(transcript).catch((error: unknown) => {
      log.warn(
        { err: error, extractor: deps.extractor.name },
        "extraction of the lapsed call failed; filing what was last extracted",
      );
      return null;
    });
    if (extraction) fresh = (await deps.calls.update(call.id, { extracted: extraction })) ?? call;
  }
  if (
    fresh.callerCheck?.state === "pending" &&
    (await holdFiling(deps.calls, fresh, fresh.extracted?.summary ?? null))
  ) {
    log.info({}, "filing waits for staff to say who the caller is");
    return { issueId: null, lines: transcript.lines.length };
  }
  const { issue, createdIssue } = await fileCall(deps, fresh);
  if (issue) {
    log.info(
      { issueId: issue.id, createdIssue, actor: CALL_FILING_ACTOR },
      createdIssue ? "job opened from the call" : "call attached to an open job",
    );
    await deps.liveEvents.publish(callChannel(call.id), {
      type: "intake",
      data: { issueId: issue.id, title: issue.title, created: createdIssue },
    });
  }
  return { issueId: issue?.id ?? null, lines: transcript.lines.length };
}
