import type { Issues } from "../../ports/issues.ts";
import type { Leads } from "../../ports/leads.ts";
import type { Log } from "../../ports/log.ts";
import type { Messenger } from "../../ports/messengers.ts";
import type { NewTask } from "../../ports/tasks.ts";
import type { AppointmentView } from "../../ports/scheduling.ts";
import { formatDaySpan } from "../london-time.ts";
import { VISIT_NOTICE_TASK, type TaskPayload, type VISIT_NOTICES } from "../tasks/kinds.ts";
import type { AppointmentStatus } from "./appointments.ts";
import { addLondonDays, londonInstant, londonWallTime } from "./london-clock.ts";

export { VISIT_NOTICE_TASK };
export type VisitNotice = (typeof VISIT_NOTICES)[number];

/** The reminder goes out at this London clock time on the day before the visit. */
export const REMINDER_MINUTES = 18 * 60;

/** The customer's page for one visit: /a/<token>. */
export const visitLinkPath = (token: string) => `/a/${token}`;

export type NoticeTask = NewTask<typeof VISIT_NOTICE_TASK> & { runAt: Date };

/** One task per notice and slot: a replayed booking or status change finds it there already. */
export const noticeKey = (appointment: { id: string; startsAt: Date }, notice: VisitNotice) =>
  `${appointment.id}:${notice}:${appointment.startsAt.toISOString()}`;

const noticeTask = (
  appointment: { id: string; startsAt: Date },
  notice: VisitNotice,
  link: string | null,
  runAt: Date,
): NoticeTask => ({
  kind: VISIT_NOTICE_TASK,
  key: noticeKey(appointment, notice),
  payload: { appointmentId: appointment.id, notice, startsAt: appointment.startsAt.toISOString(), link },
  runAt,
});

/** When the day-before reminder is due: 18:00 London the evening before, or null when that has passed already. */
export function reminderAt(startsAt: Date, now: Date): Date | null {
  const at = londonInstant(addLondonDays(londonWallTime(startsAt).date, -1), REMINDER_MINUTES);
  return at.getTime() > now.getTime() ? at : null;
}

/**
 * What a new booking owes the customer: the booked message with their link now, and the reminder
 * the evening before (none when the visit is sooner than that). Written with the booking, in its
 * transaction, so a booking is never left without its messages.
 */
export function noticesOnBooking(appointment: { id: string; startsAt: Date }, token: string, now: Date): NoticeTask[] {
  const link = visitLinkPath(token);
  const reminder = reminderAt(appointment.startsAt, now);
  return [
    noticeTask(appointment, "booked", link, now),
    ...(reminder ? [noticeTask(appointment, "reminder", link, reminder)] : []),
  ];
}

/**
 * What moving a visit (another time or engineer) owes the customer: one message with the new slot
 * and a new link, and the new slot's reminder. The move must store the new token's hash in place
 * of the old one, so the old link opens nothing; the old slot's reminder finds the visit moved and
 * stays silent.
 */
export function noticesOnMove(moved: { id: string; startsAt: Date }, token: string, now: Date): NoticeTask[] {
  const link = visitLinkPath(token);
  const reminder = reminderAt(moved.startsAt, now);
  return [noticeTask(moved, "moved", link, now), ...(reminder ? [noticeTask(moved, "reminder", link, reminder)] : [])];
}

/** What a status change owes the customer: "on the way" when the engineer sets off, a word when it is cancelled. */
export function noticeOnStatus(
  appointment: { id: string; startsAt: Date },
  to: AppointmentStatus,
  now: Date,
): NoticeTask | null {
  if (to === "en_route") return noticeTask(appointment, "en_route", null, now);
  if (to === "cancelled") return noticeTask(appointment, "cancelled", null, now);
  return null;
}

/** "Tuesday 8 December, 08:30–10:30" on the London clock. */
export const visitSlotWords = (startsAt: Date, endsAt: Date) => formatDaySpan(startsAt, endsAt);

/** The first name to greet someone by: nothing more of them goes into a message or onto the public page. */
export const firstName = (name: string | null): string | null => name?.trim().split(/\s+/)[0] || null;

/** The message for a notice. Addresses and job details stay out of it: the slot, the link, the company. */
export function visitNoticeText(input: {
  notice: VisitNotice;
  companyName: string;
  customerName: string | null;
  engineerName: string;
  startsAt: Date;
  endsAt: Date;
  url: string | null;
}): string {
  const hello = firstName(input.customerName) ? `Hi ${firstName(input.customerName)}, ` : "Hello, ";
  const slot = visitSlotWords(input.startsAt, input.endsAt);
  const engineer = firstName(input.engineerName) ?? "our engineer";
  switch (input.notice) {
    case "booked":
      return `${hello}${input.companyName} has booked your visit for ${slot}. Please confirm, or ask for another time: ${input.url}`;
    case "reminder":
      return `${hello}a reminder from ${input.companyName}: ${engineer} visits tomorrow, ${slot}. Confirm or ask for another time: ${input.url}`;
    case "en_route":
      return `${hello}${engineer} from ${input.companyName} is on the way for your visit (${slot}).`;
    case "moved":
      return `${hello}${input.companyName} has moved your visit to ${slot}. The earlier link no longer works; confirm, or ask for another time: ${input.url}`;
    case "cancelled":
      return `${hello}${input.companyName} has cancelled your visit for ${slot}. The earlier link no longer works; we will be in touch to rebook.`;
  }
}

export interface VisitNoticeDeps {
  appointments: { byId(id: string): Promise<AppointmentView | null> };
  issues: Pick<Issues, "byId">;
  leads: Pick<Leads, "byId">;
  messenger: Messenger;
  companyName: string;
  publicBaseUrl: () => string;
  log: Log;
}

/** Whether a notice still says something true when its task runs. */
function stillTrue(notice: VisitNotice, visit: AppointmentView, startsAt: string): boolean {
  // A visit moved since the notice was written: that slot's words are void (the move sends its own).
  if (visit.startsAt.toISOString() !== startsAt) return false;
  if (notice === "reminder") return visit.status === "booked" || visit.status === "confirmed";
  if (notice === "booked" || notice === "moved") return visit.status !== "cancelled";
  if (notice === "en_route") return visit.status === "en_route";
  return visit.status === "cancelled";
}

/**
 * The durable task behind every visit notice: checks the notice still holds, then hands the
 * message to the messenger (SMS or WhatsApp, as the messaging rules choose) under an idempotency
 * key, so a task that runs twice queues one message. A customer who cannot be texted is logged
 * (without their number) and not retried: staff see the visit unconfirmed.
 */
export function sendVisitNotice(deps: VisitNoticeDeps) {
  return async (payload: TaskPayload<typeof VISIT_NOTICE_TASK>) => {
    const visit = await deps.appointments.byId(payload.appointmentId);
    if (!visit || !stillTrue(payload.notice, visit, payload.startsAt)) return;
    const issue = await deps.issues.byId(visit.issueId);
    const lead = issue?.leadId ? await deps.leads.byId(issue.leadId) : null;
    if (!issue || !lead) {
      deps.log.warn(
        { appointmentId: visit.id, notice: payload.notice },
        "visit notice: the job has no customer to tell",
      );
      return;
    }
    const sent = await deps.messenger.send({
      leadId: lead.id,
      issueId: issue.id,
      purpose: "notification",
      text: visitNoticeText({
        notice: payload.notice,
        companyName: deps.companyName,
        customerName: lead.name,
        engineerName: visit.engineerName,
        startsAt: visit.startsAt,
        endsAt: visit.endsAt,
        url: payload.link ? `${deps.publicBaseUrl()}${payload.link}` : null,
      }),
      idempotencyKey: `visit:${visit.id}:${payload.notice}:${payload.startsAt}`,
    });
    if (!sent.ok)
      deps.log.warn(
        { appointmentId: visit.id, notice: payload.notice, reason: sent.reason },
        "visit notice not handed to messaging",
      );
  };
}
