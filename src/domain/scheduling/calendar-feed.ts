import type { Issue } from "../issues.ts";
import type { Appointment } from "./appointments.ts";

/** 16 random bytes (128 bits), base64url without padding: 22 characters. */
export const CALENDAR_TOKEN_BYTES = 16;
const TOKEN = /^[A-Za-z0-9_-]{22}$/;

/** Whether `text` has the shape of a feed secret (so nothing else reaches the database). */
export const isCalendarToken = (text: string): boolean => TOKEN.test(text);

/** The feed's address: the secret is the whole credential, so the URL is shown only to its engineer. */
export const calendarFeedPath = (token: string) => `/calendar/${token}.ics`;

/** The engineer's page for one visit (any day), which the feed links to. */
export const visitPagePath = (appointmentId: string) => `/my-day/visits/${appointmentId}`;

/** How far back and ahead a feed reaches: phones keep what they saw, so a fortnight back is plenty. */
export const FEED_DAYS_BACK = 14;
export const FEED_DAYS_AHEAD = 90;

/** One event in an engineer's calendar, in the words their phone shows. */
export interface CalendarEntry {
  /** Stable across refreshes (the visit's id), so a moved visit moves rather than duplicates. */
  uid: string;
  start: Date;
  end: Date;
  summary: string;
  location: string | null;
  description: string;
  url: string;
  /** A visit already finished or missed stays in the calendar, marked. */
  status: "confirmed" | "tentative";
}

/**
 * A calendar event for each visit: the job's title and trade, its site, its access notes and a
 * link to the job. Only what the engineer needs at the door: no caller's phone number.
 * @example calendarEntries([{ appointment, issue }], "https://ops.example")
 */
export function calendarEntries(
  visits: readonly { appointment: Appointment; issue: Issue }[],
  baseUrl: string,
): CalendarEntry[] {
  return visits.map(({ appointment, issue }) => {
    // The engineer's own page for the visit: office pages are not theirs to open.
    const url = `${baseUrl}${visitPagePath(appointment.id)}`;
    const location = [issue.address, issue.postcode].filter(Boolean).join(", ") || null;
    const description = [issue.accessNotes ? `Access: ${issue.accessNotes}` : null, issue.description, `Job: ${url}`]
      .filter(Boolean)
      .join("\n\n");
    return {
      uid: `${appointment.id}@switchboard`,
      start: appointment.startsAt,
      end: appointment.endsAt,
      summary: `${issue.title} (${issue.category})`,
      location,
      description,
      url,
      status: appointment.status === "booked" ? "tentative" : "confirmed",
    };
  });
}
