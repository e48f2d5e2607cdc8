import type { Issues } from "../../ports/issues.ts";
import type { Leads } from "../../ports/leads.ts";
import type { Quotes } from "../../ports/quotes.ts";
import type { Appointments } from "../../ports/scheduling.ts";
import type { AssistantCall } from "../calls.ts";
import type { Lead } from "../leads.ts";
import type { Quote } from "../quotes.ts";
import { ok, reject, type Result } from "../result.ts";
import type { Appointment } from "../scheduling/appointments.ts";
import { visitLinkState } from "../scheduling/visit-link.ts";
import { firstName, visitSlotWords } from "../scheduling/visit-notices.ts";
import type { ScriptContext } from "./scripts.ts";

/** Why the assistant may not call about something; each becomes a 4xx with its sentence. */
export type NotCallable = "not_found" | "nothing_to_ask" | "no_phone";

/** What the assistant would call about, ready to ring: the lead and the script's words. */
export interface CallSubject {
  call: AssistantCall;
  lead: Lead & { phone: NonNullable<Lead["phone"]> };
  /** The subject in words for the script ("Thursday 4 December, 10 am to 12 pm"; a job's title). */
  about: string;
}

export interface SubjectPorts {
  appointments: Pick<Appointments, "byId">;
  quotes: Pick<Quotes, "byId" | "forLead">;
  issues: Pick<Issues, "byId" | "forLead">;
  leads: Pick<Leads, "byId">;
  visitsForIssue: Appointments["forIssue"];
}

/** A visit is worth a confirmation call while it is ahead, booked, and nobody asked to change it. */
export const visitAwaitsConfirmation = (
  visit: Pick<Appointment, "status" | "endsAt" | "changeRequestedAt">,
  now: Date,
) => visitLinkState(visit, now) === "open";

/** A quote is worth a follow-up once sent and until the customer accepts, declines or pays. */
export const quoteAwaitsAnswer = (quote: Pick<Quote, "status">) => quote.status === "sent" || quote.status === "viewed";

async function withLead(ports: SubjectPorts, issueId: string, call: AssistantCall, about: (title: string) => string) {
  const issue = await ports.issues.byId(issueId);
  const lead = issue ? await ports.leads.byId(issue.leadId) : null;
  if (!issue || !lead) return reject("not_found", "The job or its customer is missing.");
  if (!lead.phone) return reject("no_phone", "The customer has no phone number. Add one to the lead first.");
  return ok<CallSubject>({ call, lead: { ...lead, phone: lead.phone }, about: about(issue.title) });
}

/** The visit confirmation call for an appointment, or why there is none to make. */
export async function visitSubject(
  ports: SubjectPorts,
  appointmentId: string,
  now: Date,
): Promise<Result<CallSubject, NotCallable>> {
  const visit = await ports.appointments.byId(appointmentId);
  if (!visit) return reject("not_found", "There is no such visit.");
  if (!visitAwaitsConfirmation(visit, now))
    return reject(
      "nothing_to_ask",
      "Only a booked visit that is still ahead and not yet confirmed can be confirmed by phone.",
    );
  return withLead(ports, visit.issueId, { script: "visit_confirmation", subjectId: visit.id }, () =>
    visitSlotWords(visit.startsAt, visit.endsAt),
  );
}

/** The follow-up call for a sent quote, or why there is none to make. */
export async function quoteSubject(ports: SubjectPorts, quoteId: string): Promise<Result<CallSubject, NotCallable>> {
  const quote = await ports.quotes.byId(quoteId);
  if (!quote) return reject("not_found", "There is no such quote.");
  if (!quoteAwaitsAnswer(quote))
    return reject(
      "nothing_to_ask",
      `A ${quote.status} quote has nothing to follow up: only a sent one waiting for an answer.`,
    );
  return withLead(ports, quote.issueId, { script: "quote_follow_up", subjectId: quote.id }, (title) => title);
}

/**
 * From a lead: the soonest visit waiting for confirmation, else the newest quote waiting for an
 * answer; otherwise there is nothing for the assistant to ask.
 */
export async function leadSubject(
  ports: SubjectPorts,
  leadId: string,
  now: Date,
): Promise<Result<CallSubject, NotCallable>> {
  const lead = await ports.leads.byId(leadId);
  if (!lead) return reject("not_found", "There is no such lead.");
  for (const issue of await ports.issues.forLead(leadId)) {
    const visits = (await ports.visitsForIssue(issue.id)).filter((v) => visitAwaitsConfirmation(v, now));
    if (visits[0]) return visitSubject(ports, visits[0].id, now);
  }
  const quotes = (await ports.quotes.forLead(leadId)).filter(quoteAwaitsAnswer);
  const newest = quotes.sort((a, b) => (b.sentAt?.getTime() ?? 0) - (a.sentAt?.getTime() ?? 0))[0];
  if (newest) return quoteSubject(ports, newest.id);
  return reject("nothing_to_ask", "This lead has no visit to confirm and no sent quote waiting for an answer.");
}

/** The words the script needs. */
export const scriptContext = (subject: CallSubject, companyName: string): ScriptContext => ({
  companyName,
  firstName: firstName(subject.lead.name),
  about: subject.about,
});

/**
 * The script's words for a call already placed, read when its stream starts: the subject may
 * have moved on meanwhile (the script still says what it was called about).
 */
export async function contextForCall(
  ports: Omit<SubjectPorts, "visitsForIssue">,
  call: { leadId: string | null; assistant: AssistantCall },
  companyName: string,
): Promise<ScriptContext> {
  const lead = call.leadId ? await ports.leads.byId(call.leadId) : null;
  let about = "your job";
  if (call.assistant.script === "visit_confirmation") {
    const visit = await ports.appointments.byId(call.assistant.subjectId);
    if (visit) about = visitSlotWords(visit.startsAt, visit.endsAt);
  } else {
    const quote = await ports.quotes.byId(call.assistant.subjectId);
    const issue = quote ? await ports.issues.byId(quote.issueId) : null;
    if (issue) about = issue.title;
  }
  return { companyName, firstName: firstName(lead?.name ?? null), about };
}
