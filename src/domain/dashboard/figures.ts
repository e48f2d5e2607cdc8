import type { CallListItem, Calls } from "../../ports/calls.ts";
import type { IssueListItem, Issues } from "../../ports/issues.ts";
import type { Leads } from "../../ports/leads.ts";
import type { MoneyFigures, Payments } from "../../ports/payments.ts";
import type { Urgency } from "../issues.ts";
import { startOfLondonDay, startOfLondonMonth, startOfLondonWeek } from "../london-time.ts";

export interface DashboardFigures {
  callsToday: number;
  newLeadsThisWeek: number;
  openByUrgency: Record<Urgency, number>;
  openIssues: IssueListItem[];
  recentCalls: CallListItem[];
  /** Calls whose caller staff must still confirm ("check caller"). */
  callersToCheck: CallListItem[];
}

/** Everything the dashboard shows from the database, as of one moment. */
export interface DashboardSnapshot {
  figures: DashboardFigures;
  /** Quoted, accepted and paid since the first of the month. */
  money: MoneyFigures;
}

/** Where the dashboard's figures come from: read per load, or kept by a summary (./summary.ts). */
export interface DashboardSource {
  read(at: Date): Promise<DashboardSnapshot>;
}

/** The reads the dashboard makes. */
export type DashboardReads = {
  calls: Pick<Calls, "countSince" | "recent" | "awaitingCallerCheck">;
  leads: Pick<Leads, "countCreatedSince">;
  issues: Pick<Issues, "openCountsByUrgency" | "openByUrgency">;
  payments: Pick<Payments, "moneySince">;
};

/**
 * The dashboard in parts that change for different reasons, so a new call re-reads the calls
 * and not the money. Each part is read whole, by its own statements.
 */
export const DASHBOARD_PARTS = ["calls", "leads", "issues", "money"] as const;
export type DashboardPart = (typeof DASHBOARD_PARTS)[number];

export interface DashboardParts {
  calls: Pick<DashboardFigures, "callsToday" | "recentCalls" | "callersToCheck">;
  leads: Pick<DashboardFigures, "newLeadsThisWeek">;
  issues: Pick<DashboardFigures, "openByUrgency" | "openIssues">;
  money: MoneyFigures;
}

const RECENT_CALLS = 8;
const OPEN_ISSUES = 10;
const CALLERS_TO_CHECK = 10;

/**
 * What a part's figures depend on besides the data: the London day, week or month they count
 * from. A part read for another period is no answer for this one.
 */
export function periodOf(part: DashboardPart, at: Date): string {
  switch (part) {
    case "calls":
      return startOfLondonDay(at).toISOString();
    case "leads":
      return startOfLondonWeek(at).toISOString();
    case "money":
      return startOfLondonMonth(at).toISOString();
    case "issues":
      return "always";
  }
}

/** Reads one part from the database. */
export const readPart: { [P in DashboardPart]: (reads: DashboardReads, at: Date) => Promise<DashboardParts[P]> } = {
  async calls(reads, at) {
    const [callsToday, recentCalls, callersToCheck] = await Promise.all([
      reads.calls.countSince(startOfLondonDay(at)),
      reads.calls.recent({ limit: RECENT_CALLS, offset: 0 }),
      reads.calls.awaitingCallerCheck(CALLERS_TO_CHECK),
    ]);
    return { callsToday, recentCalls, callersToCheck };
  },
  async leads(reads, at) {
    return { newLeadsThisWeek: await reads.leads.countCreatedSince(startOfLondonWeek(at)) };
  },
  async issues(reads) {
    const [openByUrgency, openIssues] = await Promise.all([
      reads.issues.openCountsByUrgency(),
      reads.issues.openByUrgency(OPEN_ISSUES),
    ]);
    return { openByUrgency, openIssues };
  },
  money: (reads, at) => reads.payments.moneySince(startOfLondonMonth(at)),
};

export const snapshotOf = (parts: DashboardParts): DashboardSnapshot => ({
  figures: { ...parts.calls, ...parts.leads, ...parts.issues },
  money: parts.money,
});

/**
 * Every figure read from the database on every load: how the dashboard worked before its
 * summary, kept as the benchmark's comparison and for code that needs no cache.
 */
export function readEveryLoad(reads: DashboardReads): DashboardSource {
  return {
    async read(at) {
      const [calls, leads, issues, money] = await Promise.all([
        readPart.calls(reads, at),
        readPart.leads(reads, at),
        readPart.issues(reads, at),
        readPart.money(reads, at),
      ]);
      return snapshotOf({ calls, leads, issues, money });
    },
  };
}
