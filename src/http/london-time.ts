/** "Today" and "this week" are London's, whatever the server's time zone. */
const parts = new Intl.DateTimeFormat("en-GB", {
  timeZone: "Europe/London",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hourCycle: "h23",
  weekday: "short",
});

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
