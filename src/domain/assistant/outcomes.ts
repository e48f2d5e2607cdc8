import type { AuditTrail } from "../../ports/audit.ts";
import type { Calls } from "../../ports/calls.ts";
import type { Log } from "../../ports/log.ts";
import type { MissedCalls } from "../../ports/messages.ts";
import type { Appointments } from "../../ports/scheduling.ts";
import type { Call } from "../calls.ts";
import { londonDate } from "../london-time.ts";
import type { Result } from "../result.ts";
import type { Appointment } from "../scheduling/appointments.ts";
import { customerMayAskAgain, customerMayConfirm } from "../scheduling/visit-link.ts";
import type { AssistantCallGate } from "./call-consent.ts";
import type { Outcome } from "./conversation.ts";

/** Who the audit trail names for what the customer decided on an assistant call. */
export const ASSISTANT_ACTOR = "customer (assistant call)";

export interface OutcomeDeps {
  appointments: Pick<Appointments, "byId" | "setStatus" | "requestAnotherTime">;
  /** Texts a quote's link again through the outbox (resendQuote). */
  resendQuote(quoteId: string): Promise<Result<unknown, string>>;
  calls: Pick<Calls, "update">;
  missedCalls: Pick<MissedCalls, "record" | "setReply">;
  audit: Pick<AuditTrail, "record">;
  /** Tells the board and the job's page that a visit changed. */
  visitChanged(visit: Appointment): Promise<unknown>;
  /** The opt-out register: the number is never rung by the assistant again. */
  consent: Pick<AssistantCallGate, "recordOptOut">;
  /** A follow-up joined the dashboard's list: tell whoever watches it. */
  followUpAdded(callId: string): Promise<unknown>;
  log: Log;
  now: () => Date;
}

/**
 * Does what the customer decided: a visit confirmed (or a change asked for, which the office
 * rebooks), a quote's link texted again, an opt-out passed on, or a hand-over: a note on the
 * call (the lead's timeline shows it) and a follow-up on the dashboard. Each leaves an audit
 * entry and the call's summary says what happened. Returns that summary.
 */
export async function actOnOutcome(
  deps: OutcomeDeps,
  call: Pick<Call, "id" | "to" | "leadId" | "startedAt" | "assistant">,
  outcome: Outcome,
  how: "dtmf" | "speech" | null,
): Promise<string> {
  const subject = call.assistant;
  if (!subject) throw new Error(`call ${call.id} is not an assistant call`);
  const at = deps.now();
  const actor = { who: ASSISTANT_ACTOR, at };
  let summary: string;
  if (outcome === "opted_out") {
    const recorded = await deps.consent.recordOptOut({
      phone: call.to,
      callId: call.id,
      source: how === "dtmf" ? "pressed_9" : "said_stop",
      at,
    });
    if (!recorded.ok) deps.log.warn({ callId: call.id, reason: recorded.reason }, "opt-out not recorded");
    summary = "Assistant: the customer asked not to be called again.";
  } else if (outcome === "handed_over") {
    summary = "Assistant handed over: the answer was not understood twice. Please call the customer back.";
    const missed = await deps.missedCalls.record({
      callId: call.id,
      leadId: call.leadId,
      phone: call.to,
      day: londonDate(call.startedAt),
    });
    if (missed) {
      await deps.missedCalls.setReply(missed.id, null, summary);
      await deps.followUpAdded(call.id);
    }
  } else if (subject.script === "visit_confirmation") {
    summary = await visitOutcome(deps, subject.subjectId, outcome, actor);
  } else {
    summary = await quoteOutcome(deps, subject.subjectId, outcome);
  }
  await deps.calls.update(call.id, { summary });
  await deps.audit.record({
    who: ASSISTANT_ACTOR,
    what: `assistant call: ${outcome.replace("_", " ")}`,
    entity: "call",
    entityId: call.id,
    at,
    details: { script: subject.script, subjectId: subject.subjectId, how },
  });
  deps.log.info({ callId: call.id, outcome, how }, "assistant call outcome");
  return summary;
}

async function visitOutcome(
  deps: OutcomeDeps,
  appointmentId: string,
  outcome: "yes" | "no",
  actor: { who: string; at: Date },
): Promise<string> {
  const visit = await deps.appointments.byId(appointmentId);
  if (!visit) return "Assistant: the visit no longer exists.";
  if (outcome === "yes") {
    const allowed = customerMayConfirm(visit, actor.at);
    if (!allowed.ok) return `Assistant: the customer confirmed, but ${allowed.message}`;
    if (allowed.value === "already") return "Assistant: the customer confirmed the visit (it already was).";
    const confirmed = await deps.appointments.setStatus(visit.id, "confirmed", actor, visit.version);
    if (!confirmed.ok) return `Assistant: the customer confirmed, but the visit could not be: ${confirmed.message}`;
    await deps.visitChanged(confirmed.value);
    return "Assistant: the customer confirmed the visit.";
  }
  const allowed = customerMayAskAgain(visit, actor.at);
  if (!allowed.ok) return `Assistant: the customer asked for another time, but ${allowed.message}`;
  const asked = await deps.appointments.requestAnotherTime(visit.id, actor, "Asked on an assistant call.");
  if (!asked.ok) return `Assistant: the customer asked for another time, but ${asked.message}`;
  await deps.visitChanged(asked.value);
  return "Assistant: the customer asked for another time; please rebook.";
}

async function quoteOutcome(deps: OutcomeDeps, quoteId: string, outcome: "yes" | "no"): Promise<string> {
  if (outcome === "no") return "Assistant: the customer did not want the quote's link again.";
  const sent = await deps.resendQuote(quoteId);
  return sent.ok
    ? "Assistant: the customer asked for the quote's link again; it was texted."
    : `Assistant: the customer asked for the quote's link again, but it could not be sent: ${sent.message}`;
}
