import type { Log } from "../../ports/log.ts";
import type { OnCall } from "../../ports/on-call.ts";
import type { Engineers } from "../../ports/scheduling.ts";
import type { CallDetails } from "../extraction/call-details.ts";
import type { Extraction } from "../extraction/extraction.ts";
import { queueStaffText, type StaffTextDeps } from "../messaging/staff-texts.ts";
import type { E164 } from "../phone.ts";
import type { Issue } from "../issues.ts";
import type { Lead } from "../leads.ts";
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

/**
 * The emergency text: who, where, what the job is, and the page to open (the live call's, or the
 * job's when staff set the emergency by hand).
 */
export function emergencyText(
  details: { extraction: Pick<Extraction, "name" | "address" | "postcode" | "title" | "summary"> },
  link: string,
  about: "call" | "job" = "call",
): string {
  const { name, address, postcode, title, summary } = details.extraction;
  const where = [address, postcode].filter(Boolean).join(", ") || "address not given yet";
  const job = (title?.trim() || summary?.trim() || "job not described yet").slice(0, 160);
  const who = name?.trim() || (about === "call" ? "an unnamed caller" : "an unnamed customer");
  return `EMERGENCY ${about === "call" ? "call from" : "job for"} ${who}, ${where}: ${job}. ${link}`;
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
  const body = emergencyText(details, `${deps.publicBaseUrl}/calls/${callId}`);
  return textOnCallAndOffice(deps, { keyPrefix: emergencyKeyPrefix(callId), body, issueId: null }, { callId });
}

/** The prefix of the texts sent when staff made a job an emergency by hand: one text a job and recipient. */
export const jobEmergencyKeyPrefix = (issueId: string) => `emergency-job:${issueId}:`;

/**
 * Staff made a job an emergency by hand (its urgency changed to emergency): the same texts as an
 * emergency heard on a call, to the engineer on call and the office, linking to the job. Once per
 * job: keyed by job and recipient, and nothing at all when the call that opened the job already
 * raised the alarm. Returns how many texts were queued.
 */
export async function alertJobEmergency(
  deps: EmergencyAlertDeps,
  job: Pick<Issue, "id" | "title" | "description" | "address" | "postcode" | "sourceCallId">,
  customer: Pick<Lead, "name" | "organisation"> | null,
): Promise<number> {
  if (job.sourceCallId && (await deps.messages.byKeyPrefix(emergencyKeyPrefix(job.sourceCallId))).length > 0) {
    deps.log.info({ issueId: job.id }, "emergency set by hand: its call already texted on-call and office");
    return 0;
  }
  const body = emergencyText(
    {
      extraction: {
        name: customer?.name ?? customer?.organisation ?? null,
        address: job.address,
        postcode: job.postcode,
        title: job.title,
        summary: job.description,
      },
    },
    `${deps.publicBaseUrl}/issues/${job.id}`,
    "job",
  );
  return textOnCallAndOffice(
    deps,
    { keyPrefix: jobEmergencyKeyPrefix(job.id), body, issueId: job.id },
    { issueId: job.id },
  );
}

/** One SMS to the engineer on call now (with a phone) and one to each office number, never twice per key. */
async function textOnCallAndOffice(
  deps: EmergencyAlertDeps,
  alert: { keyPrefix: string; body: string; issueId: string | null },
  logFields: Record<string, string>,
): Promise<number> {
  const { engineer } = await whoAnswersAt(deps, deps.now());
  const recipients: { to: string; key: string }[] = [];
  if (engineer?.phone) recipients.push({ to: engineer.phone, key: `${alert.keyPrefix}engineer:${engineer.userId}` });
  deps.staffNumbers.forEach((to, index) => {
    if (!recipients.some((r) => r.to === to)) recipients.push({ to, key: `${alert.keyPrefix}office:${index}` });
  });
  let queued = 0;
  for (const recipient of recipients) {
    const message = await queueStaffText(deps, {
      to: recipient.to as E164,
      body: alert.body,
      idempotencyKey: recipient.key,
      issueId: alert.issueId,
    });
    if (message.created !== false) queued += 1;
  }
  deps.log.warn(
    { ...logFields, onCallEngineerId: engineer?.userId ?? null, texts: recipients.length, queued },
    "emergency: on-call engineer and office texted",
  );
  return queued;
}
