/**
 * The weeks (Mondays) and months (the 1st) a range of London days touches, as YYYY-MM-DD, so a
 * chart shows a zero for a quiet week instead of leaving it out.
 */
const noon = (date: string) => new Date(`${date}T12:00:00Z`);
const day = (at: Date) => at.toISOString().slice(0, 10);

/** @example weeksBetween("2026-12-01", "2026-12-14") // ["2026-11-30", "2026-12-07", "2026-12-14"] */
export function weeksBetween(firstDay: string, lastDay: string): string[] {
  const start = noon(firstDay);
  start.setUTCDate(start.getUTCDate() - ((start.getUTCDay() + 6) % 7));
  const weeks: string[] = [];
  for (const at = start; day(at) <= lastDay; at.setUTCDate(at.getUTCDate() + 7)) weeks.push(day(at));
  return weeks;
}

/** @example monthsBetween("2026-11-15", "2027-01-02") // ["2026-11-01", "2026-12-01", "2027-01-01"] */
export function monthsBetween(firstDay: string, lastDay: string): string[] {
  const at = noon(`${firstDay.slice(0, 7)}-01`);
  const months: string[] = [];
  for (; day(at) <= lastDay; at.setUTCMonth(at.getUTCMonth() + 1)) months.push(day(at));
  return months;
}
