import type { AuditTrail } from "../../ports/audit.ts";
import type { Calls } from "../../ports/calls.ts";
import type { Log } from "../../ports/log.ts";
import type { OutboundCaller } from "../../ports/outbound-caller.ts";
import type { Call } from "../calls.ts";
import { ok, reject, type Result } from "../result.ts";
import type { AssistantCallGate } from "./call-consent.ts";
import { SCRIPTS } from "./scripts.ts";
import type { CallSubject } from "./subjects.ts";

export interface PlaceCallDeps {
  calls: Pick<Calls, "record" | "placed" | "update">;
  caller: OutboundCaller;
  /** Calling hours, once a London day, the opt-out register (src/domain/assistant/call-consent.ts). */
  consent: Pick<AssistantCallGate, "mayPlaceAssistantCall" | "attachCall" | "releaseReservation">;
  audit: Pick<AuditTrail, "record">;
  log: Log;
  now: () => Date;
  newId: () => string;
  /** The stream's token for a call id (an HMAC, as the inbound stream's). */
  streamToken: (callId: string) => string;
  publicBaseUrl: () => string;
}

/**
 * Rings the customer with the assistant. The call is stored first (outbound, queued, with its
 * script and subject), so its stream finds it however quickly it is answered; then the provider
 * places it and the call gets the provider's id. Refused (nothing stored) when consent says no
 * (the reservation it takes is the number's one automated call of the day);
 * a provider that fails leaves the call failed, with the reason in the audit trail.
 */
export async function placeAssistantCall(
  deps: PlaceCallDeps,
  subject: CallSubject,
  actor: { who: string },
): Promise<Result<Call, "not_allowed" | "call_failed">> {
  const at = deps.now();
  const allowed = await deps.consent.mayPlaceAssistantCall({ phone: subject.lead.phone, now: at });
  if (!allowed.ok) return reject("not_allowed", allowed.message);
  const reservation = allowed.value;
  const id = deps.newId();
  const base = deps.publicBaseUrl();
  const call = await deps.calls.record({
    id,
    providerCallId: `pending:${id}`,
    direction: "outbound",
    from: deps.caller.from ?? "assistant",
    to: subject.lead.phone,
    leadId: subject.lead.id,
    status: "queued",
    startedAt: at,
    assistant: subject.call,
  });
  await deps.consent.attachCall(reservation, call.id);
  const audit = (what: string, details: Record<string, unknown>) =>
    deps.audit.record({ who: actor.who, what, entity: "call", entityId: call.id, at, details });
  const script = SCRIPTS[subject.call.script].label;
  try {
    const placed = await deps.caller.place({
      callId: call.id,
      to: subject.lead.phone,
      streamUrl: `${base.replace(/^http/, "ws")}/api/twilio/assistant-stream`,
      parameters: { callId: call.id, streamToken: deps.streamToken(call.id) },
      statusCallback: `${base}/api/twilio/status`,
      recordingCallback: `${base}/api/twilio/recording`,
    });
    const stored = (await deps.calls.placed(call.id, placed.providerCallId)) ?? call;
    await audit("assistant call placed", { script, subjectId: subject.call.subjectId, via: deps.caller.name });
    deps.log.info({ callId: call.id, script: subject.call.script, via: deps.caller.name }, "assistant call placed");
    return ok(stored);
  } catch (error) {
    const message = (error as Error).message;
    // Never rang: the number's one call of the day is given back.
    await deps.consent.releaseReservation(reservation);
    await deps.calls.update(call.id, {
      status: "failed",
      endedAt: deps.now(),
      summary: `Assistant call not placed: ${message}`,
    });
    await audit("assistant call failed", { script, reason: message });
    deps.log.warn({ callId: call.id, err: error }, "assistant call could not be placed");
    return reject("call_failed", `The call could not be placed: ${message}`);
  }
}
