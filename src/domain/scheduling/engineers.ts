import { TRADE_CATEGORIES, type TradeCategory } from "../issues.ts";
import { normalisePostcode } from "../postcode.ts";
import { normalisePhone, type E164 } from "../phone.ts";
import { ok, reject, type Result } from "../result.ts";
import { formatClock, parseClock } from "./london-clock.ts";

/** A working day in London clock minutes since midnight: [start, end). */
export interface WorkingDay {
  start: number;
  end: number;
}

/** Monday first, seven entries; null is a day off. */
export type WorkingWeek = readonly (WorkingDay | null)[];

export const WEEKDAY_NAMES = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;

/** Monday to Friday, 08:00–17:00; weekends off. */
export const DEFAULT_WORKING_WEEK: WorkingWeek = [0, 1, 2, 3, 4, 5, 6].map((day) =>
  day < 5 ? { start: 8 * 60, end: 17 * 60 } : null,
);

/**
 * An engineer: a staff user with the role `engineer`, what they can do, where they start from
 * and when they work. `userId` is the staff user's id; appointments point at it.
 */
export interface Engineer {
  userId: string;
  name: string | null;
  email: string;
  trades: readonly TradeCategory[];
  /** Written form ("LS6 2QR"); null when not known (travel from home is then estimated). */
  homePostcode: string | null;
  hours: WorkingWeek;
  /** Rung when they are on call and texted about emergencies; null: none given. Never logged. */
  phone: E164 | null;
}

export const isTrade = (value: string): value is TradeCategory =>
  (TRADE_CATEGORIES as readonly string[]).includes(value);

/** The rule "the engineer has the job's trade", with the reason when not. */
export function checkTrade(engineer: Pick<Engineer, "name" | "email" | "trades">, trade: TradeCategory) {
  return engineer.trades.includes(trade)
    ? ok(trade)
    : reject(
        "missing_trade",
        `${engineer.name ?? engineer.email} does not do ${trade} (their trades: ${engineer.trades.join(", ") || "none"}).`,
      );
}

/** Trades as typed on the command line or a form: each known, at least one, no repeats. */
export function parseTrades(inputs: readonly string[]): Result<TradeCategory[], "invalid_trade"> {
  const trades = [...new Set(inputs.map((t) => t.trim().toLowerCase()).filter((t) => t !== ""))];
  if (trades.length === 0) return reject("invalid_trade", `Give at least one trade: ${TRADE_CATEGORIES.join(", ")}.`);
  const unknown = trades.filter((t) => !isTrade(t));
  if (unknown.length > 0)
    return reject("invalid_trade", `Unknown trade "${unknown[0]}": choose from ${TRADE_CATEGORIES.join(", ")}.`);
  return ok(trades as TradeCategory[]);
}

/** "08:00-17:00" → a working day, or why not. */
export function parseWorkingDay(text: string): Result<WorkingDay, "invalid_hours"> {
  const [from, to, extra] = text.split(/\s*[-–]\s*/);
  const start = from === undefined ? null : parseClock(from);
  const end = to === undefined ? null : parseClock(to);
  if (extra !== undefined || start === null || end === null)
    return reject("invalid_hours", `"${text}" is not a working day: write it as 08:00-17:00.`);
  if (end <= start) return reject("invalid_hours", `"${text}" ends before it starts.`);
  return ok({ start, end });
}

/**
 * Working hours as the command line takes them, each entry either "08:00-17:00" (Monday to
 * Friday; weekends stay off) or "sat=09:00-13:00" / "sun=off" for one day. Later entries win.
 * @example parseWorkingWeek(["07:30-16:00", "sat=09:00-12:00"])
 */
export function parseWorkingWeek(entries: readonly string[]): Result<WorkingWeek, "invalid_hours"> {
  const week: (WorkingDay | null)[] = [...DEFAULT_WORKING_WEEK];
  for (const entry of entries) {
    const named = /^([a-z]{3})\s*=\s*(.+)$/i.exec(entry.trim());
    const days = named
      ? [WEEKDAY_NAMES.indexOf(named[1]!.toLowerCase() as (typeof WEEKDAY_NAMES)[number])]
      : [0, 1, 2, 3, 4];
    if (days[0] === -1)
      return reject("invalid_hours", `"${named![1]}" is not a weekday: use ${WEEKDAY_NAMES.join(", ")}.`);
    const value = named ? named[2]!.trim() : entry.trim();
    if (value.toLowerCase() === "off") {
      for (const day of days) week[day] = null;
      continue;
    }
    const day = parseWorkingDay(value);
    if (!day.ok) return day;
    for (const index of days) week[index] = day.value;
  }
  if (week.every((day) => day === null)) return reject("invalid_hours", "An engineer needs at least one working day.");
  return ok(week);
}

/** "Mon–Fri 08:00–17:00" style summary, one entry a run of equal days. */
export function describeWorkingWeek(week: WorkingWeek): string {
  const label = (day: WorkingDay | null) => (day ? `${formatClock(day.start)}–${formatClock(day.end)}` : "off");
  const runs: { from: number; to: number; label: string }[] = [];
  week.forEach((day, index) => {
    const last = runs.at(-1);
    if (last && last.label === label(day)) last.to = index;
    else runs.push({ from: index, to: index, label: label(day) });
  });
  const name = (i: number) => WEEKDAY_NAMES[i]!.charAt(0).toUpperCase() + WEEKDAY_NAMES[i]!.slice(1);
  return runs
    .filter((run) => run.label !== "off")
    .map((run) => `${run.from === run.to ? name(run.from) : `${name(run.from)}–${name(run.to)}`} ${run.label}`)
    .join(", ");
}

/** An optional home postcode, normalised; blank is none. */
export function parseHomePostcode(input: string | undefined): Result<string | null, "invalid_postcode"> {
  if (input === undefined || input.trim() === "") return ok(null);
  return normalisePostcode(input);
}

/** An optional phone number (UK default), normalised to E.164; blank is none. */
export function parseEngineerPhone(input: string | undefined): Result<E164 | null, "invalid_phone"> {
  if (input === undefined || input.trim() === "") return ok(null);
  return normalisePhone(input);
}
