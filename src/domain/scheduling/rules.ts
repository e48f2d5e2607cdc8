import type { TradeCategory } from "../issues.ts";
import { formatDateTime, formatTime } from "../london-time.ts";
import { ok, reject, type Result } from "../result.ts";
import { holdsTime, MAX_VISIT_MINUTES, MIN_VISIT_MINUTES, type Visit } from "./appointments.ts";
import { checkTrade, type Engineer, type WorkingWeek } from "./engineers.ts";
import { formatClock, londonInstant, londonWallTime } from "./london-clock.ts";
import { travelMinutes } from "./travel.ts";

/**
 * The booking rules, each a pure function that allows a visit or says why not. The slot finder
 * and every booking path (form, board, call view) use these same functions; the repository
 * re-runs the double-booking one inside its transaction.
 */
export type BookingRefusal =
  | "invalid_time"
  | "in_the_past"
  | "missing_trade"
  | "outside_hours"
  | "double_booked"
  | "no_time_to_travel";

/** A visit someone wants to book (or move): who, when, where, for which trade. */
export interface Candidate {
  engineer: Engineer;
  trade: TradeCategory;
  startsAt: Date;
  endsAt: Date;
  /** The job's site postcode. */
  postcode: string | null;
  /** When moving an existing appointment: its id, so it does not clash with itself. */
  appointmentId?: string;
}

const minutesBetween = (from: Date, to: Date) => (to.getTime() - from.getTime()) / 60_000;
const who = (engineer: Pick<Engineer, "name" | "email">) => engineer.name ?? engineer.email;

/** A visit lasts between MIN_VISIT_MINUTES and MAX_VISIT_MINUTES and ends after it starts. */
export function checkDuration(startsAt: Date, endsAt: Date): Result<number, "invalid_time"> {
  const minutes = minutesBetween(startsAt, endsAt);
  if (!Number.isFinite(minutes)) return reject("invalid_time", "Give the visit a start and an end.");
  if (minutes < MIN_VISIT_MINUTES)
    return reject("invalid_time", `A visit lasts at least ${MIN_VISIT_MINUTES} minutes and ends after it starts.`);
  if (minutes > MAX_VISIT_MINUTES)
    return reject("invalid_time", `A visit lasts at most ${MAX_VISIT_MINUTES / 60} hours; book a second one.`);
  return ok(minutes);
}

/** Nobody can be sent yesterday. */
export function checkNotInPast(startsAt: Date, now: Date): Result<Date, "in_the_past"> {
  return startsAt.getTime() < now.getTime()
    ? reject("in_the_past", `${formatDateTime(startsAt)} has already passed.`)
    : ok(startsAt);
}

/**
 * The visit starts and ends within one working day of the engineer's week, read on a London
 * clock (so 08:00 is 08:00 GMT in winter and 08:00 BST in summer).
 */
export function checkWithinHours(
  engineer: Pick<Engineer, "name" | "email"> & { hours: WorkingWeek },
  startsAt: Date,
  endsAt: Date,
): Result<Date, "outside_hours"> {
  const start = londonWallTime(startsAt);
  const end = londonWallTime(endsAt);
  const day = engineer.hours[start.weekday];
  if (!day) return reject("outside_hours", `${who(engineer)} does not work on ${formatDay(startsAt)}.`);
  // An end at midnight reads as 00:00 the next day.
  const endMinutes = end.date === start.date ? end.minutes : end.minutes === 0 ? 24 * 60 : Number.POSITIVE_INFINITY;
  if (start.minutes < day.start || endMinutes > day.end)
    return reject(
      "outside_hours",
      `${who(engineer)} works ${formatClock(day.start)}–${formatClock(day.end)} on ${formatDay(startsAt)}; ` +
        `${formatTime(startsAt)}–${formatTime(endsAt)} is outside that.`,
    );
  return ok(startsAt);
}

const weekdayFormat = new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/London", weekday: "long" });
const formatDay = (at: Date) => `${weekdayFormat.format(at)} ${formatDateTime(at).split(",")[0]}`;

/** The engineer's other visits that still hold time, excluding the one being moved. */
const othersOf = (visits: readonly Visit[], candidate: Pick<Candidate, "engineer" | "appointmentId">) =>
  visits.filter(
    (v) => v.engineerId === candidate.engineer.userId && v.id !== candidate.appointmentId && holdsTime(v.status),
  );

/** No two visits of one engineer overlap (touching end to start is fine; travel is its own rule). */
export function checkNoOverlap(visits: readonly Visit[], candidate: Candidate): Result<Date, "double_booked"> {
  const clash = othersOf(visits, candidate).find(
    (v) => v.startsAt.getTime() < candidate.endsAt.getTime() && candidate.startsAt.getTime() < v.endsAt.getTime(),
  );
  return clash
    ? reject(
        "double_booked",
        `${who(candidate.engineer)} already has a visit ${formatTime(clash.startsAt)}–${formatTime(clash.endsAt)} on ${formatDay(clash.startsAt)}.`,
      )
    : ok(candidate.startsAt);
}

/**
 * There is time to get there and on to the next visit: from the previous visit of the same
 * London day (or from home at the start of the working day) and to the next one, at the
 * estimate `travelMinutes` gives for the two postcodes.
 */
export function checkTravel(visits: readonly Visit[], candidate: Candidate): Result<Date, "no_time_to_travel"> {
  const short = travelShortfall(visits, candidate);
  return short
    ? reject("no_time_to_travel", `Not enough time to travel ${short.leg()}: allow about ${short.minutes} minutes.`)
    : ok(candidate.startsAt);
}

/**
 * checkTravel's decision without its words: null when there is time, else the minutes needed
 * and the leg that is too short (described only when asked, as the slot finder asks thousands of
 * times and shows none of them).
 */
export function travelShortfall(
  visits: readonly Visit[],
  candidate: Candidate,
): { minutes: number; leg: () => string } | null {
  const { engineer, startsAt, endsAt, postcode } = candidate;
  const date = londonWallTime(startsAt).date;
  const sameDay = othersOf(visits, candidate).filter((v) => londonWallTime(v.startsAt).date === date);
  const before = sameDay.filter((v) => v.endsAt.getTime() <= startsAt.getTime());
  const after = sameDay.filter((v) => v.startsAt.getTime() >= endsAt.getTime());
  const previous = before.reduce<Visit | null>((a, v) => (!a || v.endsAt > a.endsAt ? v : a), null);
  const next = after.reduce<Visit | null>((a, v) => (!a || v.startsAt < a.startsAt ? v : a), null);

  if (previous) {
    const needed = travelMinutes(previous.postcode, postcode);
    if (minutesBetween(previous.endsAt, startsAt) < needed)
      return {
        minutes: needed,
        leg: () => `from the ${formatTime(previous.startsAt)} visit (${previous.postcode ?? "no postcode"})`,
      };
  } else {
    const day = engineer.hours[londonWallTime(startsAt).weekday];
    if (day) {
      const needed = travelMinutes(engineer.homePostcode, postcode);
      const leavesHome = londonInstant(date, day.start);
      if (minutesBetween(leavesHome, startsAt) < needed)
        return {
          minutes: needed,
          leg: () =>
            `from home (${engineer.homePostcode ?? "no home postcode"}) after starting at ${formatClock(day.start)}`,
        };
    }
  }
  if (next) {
    const needed = travelMinutes(postcode, next.postcode);
    if (minutesBetween(endsAt, next.startsAt) < needed)
      return {
        minutes: needed,
        leg: () => `to the ${formatTime(next.startsAt)} visit (${next.postcode ?? "no postcode"})`,
      };
  }
  return null;
}

/**
 * Every rule in turn; the first refusal wins. `visits` is the engineer's calendar (other
 * engineers' visits are ignored).
 * @example checkBooking({ engineer, trade: "plumbing", startsAt, endsAt, postcode: "LS6 2QR" }, visits, now)
 */
export function checkBooking(
  candidate: Candidate,
  visits: readonly Visit[],
  now: Date,
): Result<Candidate, BookingRefusal> {
  const checks = [
    () => checkDuration(candidate.startsAt, candidate.endsAt),
    () => checkNotInPast(candidate.startsAt, now),
    () => checkTrade(candidate.engineer, candidate.trade),
    () => checkWithinHours(candidate.engineer, candidate.startsAt, candidate.endsAt),
    () => checkNoOverlap(visits, candidate),
    () => checkTravel(visits, candidate),
  ];
  for (const check of checks) {
    const result = check();
    if (!result.ok) return result;
  }
  return ok(candidate);
}
