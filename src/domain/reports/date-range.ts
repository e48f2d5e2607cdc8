import { londonDate, startOfLondonDay } from "../london-time.ts";
import { ok, reject, type Result } from "../result.ts";

/**
 * The periods a report covers, reckoned in Europe/London: a week starts on Monday, a month on
 * the 1st, a VAT quarter as the company's VAT stagger says. A range runs from London midnight on
 * its first day up to (not including) London midnight after its last day.
 */
export const RANGE_PRESETS = [
  "this_week",
  "last_week",
  "this_month",
  "last_month",
  "this_vat_quarter",
  "last_vat_quarter",
  "custom",
] as const;
export type RangePreset = (typeof RANGE_PRESETS)[number];

export const PRESET_LABELS: Record<RangePreset, string> = {
  this_week: "This week",
  last_week: "Last week",
  this_month: "This month",
  last_month: "Last month",
  this_vat_quarter: "This VAT quarter",
  last_vat_quarter: "Last VAT quarter",
  custom: "Custom",
};

/**
 * HMRC's VAT stagger: which months the company's VAT quarters end in.
 * 1: March, June, September, December; 2: April, July, October, January; 3: May, August, November, February.
 */
export type VatStagger = 1 | 2 | 3;

export interface ReportRange {
  preset: RangePreset;
  /** London midnight starting the first day (UTC instant). */
  from: Date;
  /** London midnight after the last day: the range is [from, to). */
  to: Date;
  /** YYYY-MM-DD, London. */
  firstDay: string;
  lastDay: string;
  /** "1 Dec 2026 – 31 Dec 2026" */
  label: string;
}

/** A custom range may cover at most this many days (a year and a bit): longer ones are refused. */
export const MAX_RANGE_DAYS = 400;

type Ymd = { y: number; m: number; d: number };

const ymdOf = (date: string): Ymd => {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  return { y, m, d };
};
/** Normalises overflowing months and days (month 0 is last December) through Date.UTC. */
const ymd = (y: number, m: number, d: number): string => new Date(Date.UTC(y, m - 1, d, 12)).toISOString().slice(0, 10);
/** London midnight starting a London calendar day. */
export const londonMidnight = (date: string): Date => {
  const { y, m, d } = ymdOf(date);
  return startOfLondonDay(new Date(Date.UTC(y, m - 1, d, 12)));
};
const addDays = (date: string, days: number): string => {
  const { y, m, d } = ymdOf(date);
  return ymd(y, m, d + days);
};
const dayCount = (first: string, last: string) =>
  Math.round((Date.parse(`${last}T12:00:00Z`) - Date.parse(`${first}T12:00:00Z`)) / 86_400_000) + 1;

/** The first month (1–12, perhaps of the year before) of the VAT quarter holding month `m`. */
export function vatQuarterStartMonth(m: number, stagger: VatStagger): number {
  return m - ((((m - stagger) % 3) + 3) % 3);
}

/** First and last London day of the VAT quarter `date` falls in, moved by `quarters` (−1: the one before). */
export function vatQuarterOf(date: string, stagger: VatStagger, quarters = 0): { firstDay: string; lastDay: string } {
  const { y, m } = ymdOf(date);
  const start = vatQuarterStartMonth(m, stagger) + quarters * 3;
  return { firstDay: ymd(y, start, 1), lastDay: ymd(y, start + 3, 0) };
}

function presetDays(preset: Exclude<RangePreset, "custom">, today: string, stagger: VatStagger) {
  const { y, m } = ymdOf(today);
  // Monday is 0: getUTCDay counts from Sunday.
  const weekday = (new Date(`${today}T12:00:00Z`).getUTCDay() + 6) % 7;
  const monday = addDays(today, -weekday);
  switch (preset) {
    case "this_week":
      return { firstDay: monday, lastDay: addDays(monday, 6) };
    case "last_week":
      return { firstDay: addDays(monday, -7), lastDay: addDays(monday, -1) };
    case "this_month":
      return { firstDay: ymd(y, m, 1), lastDay: ymd(y, m + 1, 0) };
    case "last_month":
      return { firstDay: ymd(y, m - 1, 1), lastDay: ymd(y, m, 0) };
    case "this_vat_quarter":
      return vatQuarterOf(today, stagger);
    case "last_vat_quarter":
      return vatQuarterOf(today, stagger, -1);
  }
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const isDay = (value: string) =>
  DAY.test(value) && ymd(...(Object.values(ymdOf(value)) as [number, number, number])) === value;

const dayWords = new Intl.DateTimeFormat("en-GB", { timeZone: "UTC", day: "numeric", month: "short", year: "numeric" });
const words = (date: string) => dayWords.format(new Date(`${date}T12:00:00Z`));

const rangeOf = (preset: RangePreset, firstDay: string, lastDay: string): ReportRange => ({
  preset,
  from: londonMidnight(firstDay),
  to: londonMidnight(addDays(lastDay, 1)),
  firstDay,
  lastDay,
  label: `${words(firstDay)} – ${words(lastDay)}`,
});

export type RangeRefusal = "unknown_preset" | "bad_date" | "range_backwards" | "range_too_long";

/**
 * The range a report page asks for: a preset (default this month), or custom dates (both
 * YYYY-MM-DD, inclusive). Dates given without a preset mean custom.
 * @example resolveRange({ range: "last_month" }, new Date("2026-12-03T10:00:00Z")) // 1–30 Nov 2026
 */
export function resolveRange(
  input: { range?: string; from?: string; to?: string },
  now: Date,
  stagger: VatStagger = 1,
): Result<ReportRange, RangeRefusal> {
  const preset = input.range || (input.from || input.to ? "custom" : "this_month");
  if (!(RANGE_PRESETS as readonly string[]).includes(preset))
    return reject("unknown_preset", `Choose a range: ${RANGE_PRESETS.join(", ")}.`);
  if (preset !== "custom") {
    const days = presetDays(preset as Exclude<RangePreset, "custom">, londonDate(now), stagger);
    return ok(rangeOf(preset as RangePreset, days.firstDay, days.lastDay));
  }
  const { from = "", to = "" } = input;
  if (!isDay(from) || !isDay(to)) return reject("bad_date", "A custom range needs a from and a to date (YYYY-MM-DD).");
  if (to < from) return reject("range_backwards", "The range ends before it starts.");
  if (dayCount(from, to) > MAX_RANGE_DAYS)
    return reject("range_too_long", `A range may cover at most ${MAX_RANGE_DAYS} days.`);
  return ok(rangeOf("custom", from, to));
}

/** The VAT quarters (first days) from the one holding `firstDay` to the one holding `lastDay`. */
export function vatQuartersBetween(firstDay: string, lastDay: string, stagger: VatStagger): string[] {
  const quarters: string[] = [];
  for (let q = vatQuarterOf(firstDay, stagger); q.firstDay <= lastDay; q = vatQuarterOf(q.firstDay, stagger, 1))
    quarters.push(q.firstDay);
  return quarters;
}
