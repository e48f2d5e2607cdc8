import { ok, reject, type Result } from "../result.ts";
import type { Engineer } from "./engineers.ts";
import { addLondonDays, londonInstant, londonWallTime, parseClock } from "./london-clock.ts";

/** The dispatch board shows one London day or one week (Monday to Sunday). */
export type BoardView = "day" | "week";

/** What the board shows: which view, the London dates as columns, and the instants they cover. */
export interface BoardPeriod {
  view: BoardView;
  /** YYYY-MM-DD, London calendar, in order. */
  days: string[];
  from: Date;
  to: Date;
  /** The same view one step back and forward, for the arrows. */
  previous: string;
  next: string;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A London date as typed in `?date=`, or null when it is not a real calendar date. */
export function parseBoardDate(text: string): string | null {
  if (!DATE.test(text)) return null;
  // A month past 12 is no date at all; 30 February rolls into March: both refused.
  const noon = new Date(`${text}T12:00:00Z`);
  return !Number.isNaN(noon.getTime()) && noon.toISOString().slice(0, 10) === text ? text : null;
}

/** 0 = Monday … 6 = Sunday, for a London date (read at noon, clear of clock changes). */
export const weekdayOf = (date: string): number => londonWallTime(londonInstant(date, 12 * 60)).weekday;

/**
 * The days and instants a board of `view` around `date` covers: the day itself, or the Monday to
 * Sunday week holding it, from London midnight to London midnight (23 or 25 hours on clock-change
 * days).
 * @example boardPeriod("week", "2026-11-27").days[0] // "2026-11-23"
 */
export function boardPeriod(view: BoardView, date: string): BoardPeriod {
  const first = view === "week" ? addLondonDays(date, -weekdayOf(date)) : date;
  const length = view === "week" ? 7 : 1;
  const days = Array.from({ length }, (_, i) => addLondonDays(first, i));
  return {
    view,
    days,
    from: londonInstant(first, 0),
    to: londonInstant(addLondonDays(first, length), 0),
    previous: addLondonDays(first, -length),
    next: addLondonDays(first, length),
  };
}

/** One engineer's row: their visits by column, each column in start order. */
export interface BoardRow<V> {
  engineer: Engineer;
  cells: V[][];
}

/**
 * Engineers as rows, the period's days as columns: each visit goes to its engineer's row on the
 * London day it starts. Visits of engineers not listed (disabled since) are left out.
 */
export function boardRows<V extends { engineerId: string; startsAt: Date }>(
  engineers: readonly Engineer[],
  visits: readonly V[],
  days: readonly string[],
): BoardRow<V>[] {
  const column = new Map(days.map((day, index) => [day, index]));
  const rows = new Map(engineers.map((engineer) => [engineer.userId, days.map((): V[] => [])]));
  const sorted = [...visits].sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
  for (const visit of sorted) {
    const index = column.get(londonWallTime(visit.startsAt).date);
    if (index !== undefined) rows.get(visit.engineerId)?.[index]!.push(visit);
  }
  return engineers.map((engineer) => ({ engineer, cells: rows.get(engineer.userId)! }));
}

/**
 * A visit's date and clock times as the board's form sends them (London), as instants; the
 * rules then decide whether the engineer can do it.
 * @example visitTimes("2026-12-01", "08:30", "10:30") // ok({ startsAt: 08:30Z, endsAt: 10:30Z })
 */
export function visitTimes(
  date: string,
  start: string,
  end: string,
): Result<{ startsAt: Date; endsAt: Date }, "invalid_time"> {
  const day = parseBoardDate(date);
  if (!day) return reject("invalid_time", "Give the visit's date as a calendar date.");
  const from = parseClock(start);
  const to = parseClock(end);
  if (from === null || to === null) return reject("invalid_time", "Give the start and end as clock times, e.g. 08:30.");
  return ok({ startsAt: londonInstant(day, from), endsAt: londonInstant(day, to) });
}
