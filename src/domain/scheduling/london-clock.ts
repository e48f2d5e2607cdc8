/**
 * London wall-clock time for scheduling: working hours are written as London clock times
 * ("08:00–17:00"), appointments are stored as UTC instants. These two functions turn one into
 * the other across the clock changes (GMT in winter, BST = UTC+1 in summer). Pure: Intl only.
 */
const wall = new Intl.DateTimeFormat("en-GB", {
  timeZone: "Europe/London",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
  weekday: "short",
});

const WEEKDAY_INDEX: Record<string, number> = { Mon: 0, Tue: 1, Wed: 2, Thu: 3, Fri: 4, Sat: 5, Sun: 6 };

/** What a London clock and calendar show at an instant. */
export interface LondonWallTime {
  /** YYYY-MM-DD */
  date: string;
  /** 0 = Monday … 6 = Sunday. */
  weekday: number;
  /** Minutes since London midnight on `date` (0–1439) as the clock reads, not as time elapsed. */
  minutes: number;
}

/**
 * Intl's formatToParts costs microseconds, and the slot finder asks about the same few hundred
 * instants thousands of times: remember recent answers (bounded, cleared when full).
 */
const remembered = new Map<number, LondonWallTime>();
const REMEMBER_AT_MOST = 50_000;

/** @example londonWallTime(new Date("2026-07-01T07:00:00Z")) // { date: "2026-07-01", weekday: 2, minutes: 480 } */
export function londonWallTime(at: Date): LondonWallTime {
  const key = at.getTime();
  const known = remembered.get(key);
  if (known) return known;
  const p: Record<string, string> = {};
  for (const part of wall.formatToParts(at)) p[part.type] = part.value;
  const read = Object.freeze({
    date: `${p.year}-${p.month}-${p.day}`,
    weekday: WEEKDAY_INDEX[p.weekday!]!,
    minutes: Number(p.hour) * 60 + Number(p.minute),
  });
  if (remembered.size >= REMEMBER_AT_MOST) remembered.clear();
  remembered.set(key, read);
  return read;
}

/**
 * The instant a London clock shows `minutes` after midnight on `date`. In the autumn hour that
 * happens twice, the first (BST); in the spring hour that never happens, the clock time an hour
 * on (01:30 on the last Sunday of March is 02:30 BST).
 * @example londonInstant("2026-07-01", 8 * 60).toISOString() // "2026-07-01T07:00:00.000Z"
 */
export function londonInstant(date: string, minutes: number): Date {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  const asIfUtc = Date.UTC(y, m - 1, d, 0, minutes);
  // London is UTC+1 or UTC+0: keep the first offset whose reading matches.
  for (const offsetMinutes of [60, 0]) {
    const at = new Date(asIfUtc - offsetMinutes * 60_000);
    const read = londonWallTime(at);
    if (read.date === date && read.minutes === minutes) return at;
  }
  return new Date(asIfUtc);
}

/** The London date `days` calendar days after `date` (calendar arithmetic, no clock involved). */
export function addLondonDays(date: string, days: number): string {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** "08:00" → 480, or null when it is not a 24-hour clock time. "24:00" is allowed as an end. */
export function parseClock(text: string): number | null {
  const match = /^([01]?\d|2[0-4]):([0-5]\d)$/.exec(text.trim());
  if (!match) return null;
  const minutes = Number(match[1]) * 60 + Number(match[2]);
  return minutes <= 24 * 60 ? minutes : null;
}

/** 480 → "08:00" */
export const formatClock = (minutes: number): string =>
  `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
