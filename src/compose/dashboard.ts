import type { Logger } from "pino";
import { DASHBOARD_PARTS } from "../domain/dashboard/figures.ts";
import { createDashboardSummary, type DashboardSummary } from "../domain/dashboard/summary.ts";
import {
  CALLS_TOUCH,
  ISSUES_TOUCH,
  LEADS_TOUCH,
  partsTouched,
  PAYMENTS_TOUCH,
  QUOTES_TOUCH,
  type AnyTouch,
  type Touched,
  type TouchTable,
} from "../domain/dashboard/touches.ts";
import type { Repositories } from "../ports/database.ts";
import type { LiveEvents } from "../ports/live-events.ts";

/**
 * The dashboard's summary, told of every write that changes it. The repositories are watched
 * in place, so every holder of this handle (routes, use cases, jobs, a test's own reference)
 * writes through the watch: no write path can forget to say the dashboard changed.
 */
export function wireDashboard(deps: {
  repos: Repositories;
  liveEvents: LiveEvents;
  instanceId: string;
  now: () => Date;
  log: Logger;
}): DashboardSummary {
  const { repos } = deps;
  const summary = createDashboardSummary({
    reads: repos,
    liveEvents: deps.liveEvents,
    instanceId: deps.instanceId,
    now: deps.now,
    log: deps.log,
  });
  const touched = summary.touched;
  repos.calls = watchWrites(repos.calls, CALLS_TOUCH, touched);
  repos.leads = watchWrites(repos.leads, LEADS_TOUCH, touched);
  repos.issues = watchWrites(repos.issues, ISSUES_TOUCH, touched);
  repos.quotes = watchWrites(repos.quotes, QUOTES_TOUCH, touched);
  repos.payments = watchWrites(repos.payments, PAYMENTS_TOUCH, touched);
  return summary;
}

type Method = (...args: unknown[]) => Promise<unknown>;

/**
 * The repository with each writing method followed by `touched(parts)` once it has finished
 * (committed: a repository method is one transaction). A write that failed may have written
 * before failing: every part is then re-read. Reads are left as they are.
 */
export function watchWrites<T extends object>(
  repo: T,
  table: TouchTable<T>,
  touched: (changes: readonly Touched[]) => void,
): T {
  const watched = { ...repo } as Record<string, unknown>;
  for (const [name, touch] of Object.entries(table) as [string, AnyTouch][]) {
    if (Array.isArray(touch) && touch.length === 0) continue;
    const method = (repo as Record<string, Method>)[name]!;
    watched[name] = async (...args: unknown[]) => {
      let result: unknown;
      try {
        result = await method.apply(repo, args);
      } catch (error) {
        touched(DASHBOARD_PARTS);
        throw error;
      }
      touched(partsTouched(touch, args, result));
      return result;
    };
  }
  return watched as T;
}
