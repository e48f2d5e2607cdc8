import type { Log } from "../../ports/log.ts";
import type { OnCall } from "../../ports/on-call.ts";
import type { Engineers } from "../../ports/scheduling.ts";
import type { CallDetails } from "../extraction/call-details.ts";
import { queueStaffText, type StaffTextDeps } from "../messaging/staff-texts.ts";
import type { E164 } from "../phone.ts";
import type { Engineer } from "./engineers.ts";
import { type Answerer, whoAnswers } from "./on-call.ts";

export interface OnCallDeps {
  onCall: Pick<OnCall, "officeHours" | "rota">;
  engineers: Pick<Engineers, "byId">;
}

/** Who answers at `at`, with the on-call engineer's profile when it is one of them. */
export async function whoAnswersAt(
  deps: OnCallDeps,
  at: Date,
): Promise<{ answer: Answerer; engineer: Engineer | null }> {
  const [officeHours, rota] = await Promise.all([
    deps.onCall.officeHours(),
    deps.onCall.rota({ from: at, to: new Date(at.getTime() + 1) }),
  ]);
  const answer = whoAnswers(at, officeHours, rota);
  const engineer = answer.kind === "on_call" ? await deps.engineers.byId(answer.engineerId) : null;
  return { answer, engineer };
}

/** Where an incoming call rings, and why (for the log: never the numbers themselves). */
export interface Ringing {
  routedTo: "office" | "on_call" | "fallback";
  numbers: readonly string[];
  engineerId: string | null;
}

/**
 * The numbers to dial: the office's in office hours; the on-call engineer's phone out of them;
 * the staff numbers as the fallback when nobody is on call or the engineer has no phone.
 */
export function numbersToRing(
  now: { answer: Answerer; engineer: Pick<Engineer, "userId" | "phone"> | null },
  staffNumbers: readonly string[],
): Ringing {
  if (now.answer.kind === "office") return { routedTo: "office", numbers: staffNumbers, engineerId: null };
  if (now.answer.kind === "on_call" && now.engineer?.phone)
    return { routedTo: "on_call", numbers: [now.engineer.phone], engineerId: now.engineer.userId };
  return { routedTo: "fallback", numbers: staffNumbers, engineerId: null };
}

/** The prefix of a call's emergency texts' idempotency keys: one text a call and recipient. */
export const emergencyKeyPrefix = (callId: string) => `emergency:${callId}:`;

/** Who an emergency text went to, read from its key: the on-call engineer or the office. */
export const emergencyRecipient = (key: string | null): "on-call engineer" | "office" =>
  key?.split(":")[2] === "engineer" ? "on-call engineer" : "office";

/** The emergency text: who called, where, what the job is, and the live call's page. */
export function emergencyText(details: Pick<CallDetails, "extraction">, callLink: string): string {
  const { name, address, postcode, title, summary } = details.extraction;
  const where = [address, postcode].filter(Boolean).join(", ") || "address not given yet";
  const job = (title?.trim() || summary?.trim() || "job not described yet").slice(0, 160);
  return `EMERGENCY call from ${name?.trim() || "an unnamed caller"}, ${where}: ${job}. ${callLink}`;
}

export interface EmergencyAlertDeps extends OnCallDeps, StaffTextDeps {
  log: Log;
  /** The office's numbers (STAFF_PHONE_NUMBERS). */
  staffNumbers: readonly string[];
  publicBaseUrl: string;
}

/**
 * An emergency was heard on a call: the engineer on call now (if any, with a phone) and the
 * office (each staff number) get one SMS each through the durable outbox. Keyed by call and
 * recipient, so hearing it again, on this instance or another, sends nothing more.
 */
export async function alertEmergency(
  deps: EmergencyAlertDeps,
  callId: string,
  details: Pick<CallDetails, "extraction">,
): Promise<number> {
  const { engineer } = await whoAnswersAt(deps, deps.now());
  const body = emergencyText(details, `${deps.publicBaseUrl}/calls/${callId}`);
  const recipients: { to: string; key: string }[] = [];
  if (engineer?.phone)
    recipients.push({ to: engineer.phone, key: `${emergencyKeyPrefix(callId)}engineer:${engineer.userId}` });
  deps.staffNumbers.forEach((to, index) => {
    if (!recipients.some((r) => r.to === to))
      recipients.push({ to, key: `${emergencyKeyPrefix(callId)}office:${index}` });
  });
  let queued = 0;
  for (const recipient of recipients) {
    const message = await queueStaffText(deps, { to: recipient.to as E164, body, idempotencyKey: recipient.key });
    if (message.created !== false) queued += 1;
  }
  deps.log.warn(
    { callId, onCallEngineerId: engineer?.userId ?? null, texts: recipients.length, queued },
    "emergency: on-call engineer and office texted",
  );
  return queued;
}
