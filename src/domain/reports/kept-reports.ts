import type { Reports } from "../../ports/reports.ts";

/** How long figures read for a range are shown again before they are read afresh. */
export const KEEP_REPORTS_MS = 60_000;

export interface KeptReports extends Reports {
  /** Data changed: the next load of every page reads afresh. */
  forget(): void;
}

/**
 * The report figures kept for a short while per page and range, so an office reloading a page
 * (or ten people opening it) costs the database one read, not one each: a year's figures take
 * several hundred milliseconds to aggregate on a busy machine. Loads that arrive while a read is
 * under way wait for that read. Kept figures are dropped when the data changes (`forget`, on the
 * dashboard's change events) and after `keepMs` in any case, so nothing is older than a minute.
 */
export function keepReports(reports: Reports, now: () => Date, keepMs = KEEP_REPORTS_MS): KeptReports {
  let kept = new Map<string, { at: number; value: Promise<unknown> }>();
  const read = <T>(key: string, load: () => Promise<T>): Promise<T> => {
    const at = now().getTime();
    const hit = kept.get(key);
    if (hit && at - hit.at < keepMs) return hit.value as Promise<T>;
    const value = load();
    const generation = kept;
    generation.set(key, { at, value });
    // A failed read is not kept: the next load tries again.
    value.catch(() => {
      if (generation.get(key)?.value === value) generation.delete(key);
    });
    return value;
  };
  const span = (range: { from: Date; to: Date }) => `${range.from.toISOString()}/${range.to.toISOString()}`;
  return {
    calls: (range) => read(`calls ${span(range)}`, () => reports.calls(range)),
    jobs: (range, at) => read(`jobs ${span(range)}`, () => reports.jobs(range, at)),
    money: (range, at, stagger) => read(`money ${span(range)} ${stagger}`, () => reports.money(range, at, stagger)),
    forget() {
      // A read under way when the data changed is not kept either: it may predate the change.
      kept = new Map();
    },
  };
}
