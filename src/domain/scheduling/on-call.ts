import { ok, reject, type Result } from "../result.ts";
import { parseWorkingDay, WEEKDAY_NAMES, type WorkingDay, type WorkingWeek } from "./engineers.ts";
import { londonInstant, londonWallTime, parseClock } from "./london-clock.ts";

/** When the office answers: Monday first, seven entries of London clock minutes, null = closed. */
export type OfficeHours = WorkingWeek;

/** One stretch of the on-call rota: this engineer answers from `startsAt` until `endsAt` (UTC instants). */
export interface RotaPeriod {
  id: string;
  engineerId: string;
  startsAt: Date;
  endsAt: Date;
}

/** Who takes a call arriving now: the office, the engineer on call, or nobody set (the fallback). */
export type Answerer =
  | { kind: "office" }
  | { kind: "on_call"; engineerId: string; periodId: string }
  | { kind: "nobody" };

/** Whether the London clock at `at` falls inside that weekday's office hours (read as the wall clock shows). */
export function isOfficeOpen(at: Date, officeHours: OfficeHours): boolean {
  const wall = londonWallTime(at);
  const day = officeHours[wall.weekday];
  return day != null && wall.minutes >= day.start && wall.minutes < day.end;
}

/**
 * Who answers a call at `at`: the office in its hours; out of them the engineer whose rota
 * period covers the instant (the one that started last, should two overlap); otherwise nobody,
 * and the caller falls back to the staff numbers. Rota periods are instants, so a night that
 * spans a clock change is as long as it really is.
 * @example whoAnswers(new Date("2026-12-05T22:00:00Z"), DEFAULT_WORKING_WEEK, rota) // { kind: "on_call", … }
 */
export function whoAnswers(at: Date, officeHours: OfficeHours, rota: readonly RotaPeriod[]): Answerer {
  if (isOfficeOpen(at, officeHours)) return { kind: "office" };
  const t = at.getTime();
  const covering = rota
    .filter((p) => p.startsAt.getTime() <= t && t < p.endsAt.getTime())
    .sort((a, b) => b.startsAt.getTime() - a.startsAt.getTime())[0];
  return covering ? { kind: "on_call", engineerId: covering.engineerId, periodId: covering.id } : { kind: "nobody" };
}

/** "2026-12-05T17:00" (a form's datetime-local, read on the London clock) → the instant, or null. */
export function parseLondonDateTime(text: string): Date | null {
  const match = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})$/.exec(text.trim());
  if (!match) return null;
  const minutes = parseClock(match[2]!);
  if (minutes === null || minutes >= 24 * 60 || Number.isNaN(Date.parse(`${match[1]}T00:00:00Z`))) return null;
  return londonInstant(match[1]!, minutes);
}

/** At most this long a period: a fortnight covers any rota anyone writes; longer is a typo. */
const LONGEST_PERIOD_MS = 14 * 24 * 3600_000;

/** The rule for a new rota period: it ends after it starts, is not absurdly long, and overlaps no other. */
export function checkRotaPeriod(
  period: Omit<RotaPeriod, "id">,
  rota: readonly RotaPeriod[],
): Result<Omit<RotaPeriod, "id">, "invalid_period" | "overlap"> {
  if (period.endsAt.getTime() <= period.startsAt.getTime())
    return reject("invalid_period", "The on-call period ends before it starts.");
  if (period.endsAt.getTime() - period.startsAt.getTime() > LONGEST_PERIOD_MS)
    return reject("invalid_period", "An on-call period can be at most 14 days long.");
  const clash = rota.find(
    (p) => p.startsAt.getTime() < period.endsAt.getTime() && period.startsAt.getTime() < p.endsAt.getTime(),
  );
  if (clash) return reject("overlap", "That period overlaps another on the rota: remove or shorten that one first.");
  return ok(period);
}

/**
 * Office hours as the settings form sends them: seven entries, Monday first, each "08:00-17:30"
 * or blank / "closed". At least one day must be open (a week with none would never ring the office).
 */
export function parseOfficeHours(days: readonly string[]): Result<OfficeHours, "invalid_hours"> {
  if (days.length !== 7) return reject("invalid_hours", "Give the hours for each of the seven weekdays.");
  const week: (WorkingDay | null)[] = [];
  for (const [index, text] of days.entries()) {
    if (text.trim() === "" || text.trim().toLowerCase() === "closed") {
      week.push(null);
      continue;
    }
    const day = parseWorkingDay(text);
    if (!day.ok) return reject("invalid_hours", `${WEEKDAY_NAMES[index]}: ${day.message}`);
    week.push(day.value);
  }
  if (week.every((day) => day === null))
    return reject("invalid_hours", "The office needs at least one open day; out of hours is what the rota is for.");
  return ok(week);
}
