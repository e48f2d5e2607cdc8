/**
 * Times are stored in UTC; people read them, and "today", "this week" and "valid until" are
 * reckoned, in Europe/London, whatever the server's time zone. Intl is pure, so the domain,
 * the views, the routes and the invoice PDF all share these.
 */
const LONDON = "Europe/London";

const dateTime = new Intl.DateTimeFormat("en-GB", {
  timeZone: LONDON,
  day: "numeric",
  month: "short",
  hour: "2-digit",
  minute: "2-digit",
});
const dateOnly = new Intl.DateTimeFormat("en-GB", {
  timeZone: LONDON,
  day: "numeric",
  month: "short",
  year: "numeric",
});
const longDate = new Intl.DateTimeFormat("en-GB", { timeZone: LONDON, day: "numeric", month: "long", year: "numeric" });
const timeOnly = new Intl.DateTimeFormat("en-GB", { timeZone: LONDON, hour: "2-digit", minute: "2-digit" });
// en-CA writes dates as YYYY-MM-DD.
const isoDate = new Intl.DateTimeFormat("en-CA", {
  timeZone: LONDON,
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
});
const parts = new Intl.DateTimeFormat("en-GB", {
  timeZone: LONDON,
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hourCycle: "h23",
  weekday: "short",
});

const dayWords = {
  long: new Intl.DateTimeFormat("en-GB", { timeZone: LONDON, weekday: "long", day: "numeric", month: "long" }),
  short: new Intl.DateTimeFormat("en-GB", { timeZone: LONDON, weekday: "short", day: "numeric", month: "short" }),
};

/** @example formatDateTime(new Date("2026-11-27T14:05:00Z")) // "27 Nov, 14:05" */
export const formatDateTime = (date: Date): string => dateTime.format(date);

/** @example formatDate(new Date("2026-11-27T14:05:00Z")) // "27 Nov 2026" */
export const formatDate = (date: Date): string => dateOnly.format(date);

/** The invoice's dates. @example formatLongDate(new Date("2026-11-27T14:05:00Z")) // "27 November 2026" */
export const formatLongDate = (date: Date): string => longDate.format(date);

/** @example formatTime(new Date("2026-11-27T14:05:00Z")) // "14:05" */
export const formatTime = (date: Date): string => timeOnly.format(date);

/**
 * A span of time on one London day: a visit's slot in a message or on a page.
 * @example formatDaySpan(start, end) // "Tuesday 8 December, 08:30–10:30"
 * @example formatDaySpan(start, end, "short") // "Tue 8 Dec, 08:30–10:30"
 */
export const formatDaySpan = (startsAt: Date, endsAt: Date, words: "long" | "short" = "long"): string =>
  `${dayWords[words].format(startsAt)}, ${formatTime(startsAt)}–${formatTime(endsAt)}`;

/** The London calendar date of an instant, YYYY-MM-DD. @example londonDate(new Date("2026-06-30T23:30:00Z")) // "2026-07-01" */
export const londonDate = (at: Date): string => isoDate.format(at);

/** The London date `days` after `at`. */
export const londonDateAfter = (at: Date, days: number): string =>
  londonDate(new Date(at.getTime() + days * 86_400_000));

function londonParts(at: Date) {
  const p = Object.fromEntries(parts.formatToParts(at).map((x) => [x.type, x.value]));
  return { y: +p.year!, m: +p.month!, d: +p.day!, h: +p.hour!, min: +p.minute!, s: +p.second!, weekday: p.weekday! };
}

/** The UTC instant of London midnight on the day `at` falls on in London. */
export function startOfLondonDay(at: Date): Date {
  const p = londonParts(at);
  const sinceMidnightMs = ((p.h * 60 + p.min) * 60 + p.s) * 1000 + at.getUTCMilliseconds();
  return new Date(at.getTime() - sinceMidnightMs);
}

const WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/** London midnight on the Monday of the week `at` falls in. */
export function startOfLondonWeek(at: Date): Date {
  const daysSinceMonday = WEEKDAYS.indexOf(londonParts(at).weekday);
  const day = startOfLondonDay(at);
  // Step back whole days from noon to stay clear of the clock change, then find that day's midnight.
  return startOfLondonDay(new Date(day.getTime() + 12 * 3600_000 - daysSinceMonday * 86_400_000));
}

/** London midnight on the first of the month `at` falls in. */
export function startOfLondonMonth(at: Date): Date {
  const [y, m] = londonDate(at).split("-").map(Number) as [number, number];
  return startOfLondonDay(new Date(Date.UTC(y, m - 1, 1, 12)));
}

/** The last instant of a London calendar day (a quote is valid until the end of its date). */
export function endOfLondonDay(date: string): Date {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  return new Date(startOfLondonDay(new Date(Date.UTC(y, m - 1, d + 1, 12))).getTime() - 1);
}
