import ical, { ICalEventStatus } from "ical-generator";
import type { CalendarEntry } from "../../domain/scheduling/calendar-feed.ts";

/** Writes a calendar feed: the engineer's name and their visits, as iCalendar text. */
export type CalendarFeedWriter = (feed: { name: string; entries: readonly CalendarEntry[]; now: Date }) => string;

/** Phones poll a subscribed calendar on their own schedule; this asks for hourly where they listen. */
const REFRESH_SECONDS = 3600;

/**
 * The feed as iCalendar (RFC 5545) text, made with ical-generator. Times are written as UTC
 * instants (`…Z`): every calendar app shows them in its own zone, and no VTIMEZONE is needed.
 * (ical-generator writes a plain Date given a `timezone` in the server's own zone, which on a
 * UTC server would put a summer visit an hour early: so no timezone is given.)
 * @example createIcalFeedWriter()({ name: "Alice Pipe", entries, now: new Date() })
 */
export function createIcalFeedWriter(): CalendarFeedWriter {
  return ({ name, entries, now }) => {
    const calendar = ical({
      name: `${name}: visits`,
      prodId: { company: "Switchboard", product: "visits", language: "EN" },
      ttl: REFRESH_SECONDS,
    });
    for (const entry of entries) {
      calendar.createEvent({
        id: entry.uid,
        start: entry.start,
        end: entry.end,
        stamp: now,
        summary: entry.summary,
        location: entry.location,
        description: entry.description,
        url: entry.url,
        status: entry.status === "tentative" ? ICalEventStatus.TENTATIVE : ICalEventStatus.CONFIRMED,
      });
    }
    return calendar.toString();
  };
}
