import { beforeAll, describe, expect, test } from "bun:test";
import type { OpenDatabase } from "../../../src/adapters/db/database.ts";
import { calls } from "../../../src/adapters/db/schema.ts";
import { resolveRange, type ReportRange } from "../../../src/domain/reports/date-range.ts";
import { REPORT_NOW, REPORT_WEEK, seedReportWeek } from "../../support/report-data.ts";

const week = (): ReportRange => {
  const range = resolveRange({ from: REPORT_WEEK.from, to: REPORT_WEEK.to }, REPORT_NOW);
  if (!range.ok) throw new Error(range.message);
  return range.value;
};

/**
 * Each report figure against the hand-computed week in tests/support/report-data.ts, on the
 * database `open` gives (seeded once; the reports only read).
 */
export function reportsContract(name: string, open: () => Promise<OpenDatabase>): void {
  describe(`report figures on ${name}`, () => {
    let repos: OpenDatabase;
    beforeAll(async () => {
      repos = await open();
      await seedReportWeek(repos.db);
    }, 60_000);

    test("calls: volume by day and hour, answered and missed, time to answer, length", async () => {
      const report = await repos.reports.calls(week());
      expect(report.byDay).toEqual([
        { day: "2026-11-30", answered: 1, missed: 0, other: 0 },
        { day: "2026-12-01", answered: 1, missed: 1, other: 0 },
        { day: "2026-12-02", answered: 0, missed: 1, other: 0 },
        { day: "2026-12-03", answered: 0, missed: 1, other: 1 },
        { day: "2026-12-04", answered: 0, missed: 0, other: 0 },
        { day: "2026-12-05", answered: 0, missed: 0, other: 0 },
        { day: "2026-12-06", answered: 0, missed: 0, other: 0 },
      ]);
      expect(report.byHour).toEqual([
        { weekday: 1, hour: 9, calls: 1 },
        { weekday: 2, hour: 10, calls: 2 },
        { weekday: 3, hour: 18, calls: 1 },
        { weekday: 4, hour: 12, calls: 2 },
      ]);
      expect(report.totals).toEqual({ inbound: 6, answered: 2, missed: 3, outbound: 1 });
      expect(report.timeToAnswer).toEqual({ count: 2, median: 30, p90: 38 });
      expect(report.length).toEqual({ count: 2, median: 195, p90: 279 });
      expect(report.lengthBands.map((b) => b.calls)).toEqual([0, 1, 1, 0]);
    });

    test("calls: missed calls recovered, by trade and urgency, emergencies booked", async () => {
      const report = await repos.reports.calls(week());
      expect(report.recovery).toEqual({
        missed: 3,
        recovered: 2,
        calledBack: 1,
        messagedBack: 1,
        minutes: { count: 2, median: 75, p90: 111 },
      });
      expect(report.byTradeAndUrgency).toEqual([
        { trade: "not filed", urgency: "not filed", calls: 4 },
        { trade: "electrical", urgency: "routine", calls: 1 },
        { trade: "plumbing", urgency: "emergency", calls: 1 },
      ]);
      expect(report.emergencies).toEqual({
        calls: 2,
        withVisit: 1,
        minutesToBooking: { count: 1, median: 45, p90: 45 },
      });
    });

    test("jobs: leads by segment and channel, the funnel and its timings", async () => {
      const report = await repos.reports.jobs(week(), REPORT_NOW);
      expect(report.bySegment).toEqual([
        { segment: "tenant", leads: 2 },
        { segment: "landlord", leads: 1 },
      ]);
      expect(report.byChannel).toEqual([
        { channel: "phone", leads: 1 },
        { channel: "sms", leads: 1 },
        { channel: "whatsapp", leads: 1 },
      ]);
      expect(report.funnel).toEqual({ leads: 3, quoted: 3, accepted: 2, paid: 2 });
      expect(report.hoursToQuote).toEqual({ count: 3, median: 6, p90: 11 });
      expect(report.hoursToVisit).toEqual({ count: 3, median: 23, p90: 25 });
      expect(report.hoursToPayment).toEqual({ count: 2, median: 24, p90: 24 });
    });

    test("jobs: quotes outstanding by age, visits per engineer, first-visit fixes", async () => {
      const report = await repos.reports.jobs(week(), REPORT_NOW);
      expect(report.quotesOutstanding).toEqual([
        { band: "up to 7 days", quotes: 0, pence: 0 },
        { band: "8–14 days", quotes: 1, pence: 5_000 },
        { band: "15–30 days", quotes: 0, pence: 0 },
        { band: "over 30 days", quotes: 1, pence: 3_000 },
      ]);
      expect(report.visitsByEngineer).toEqual([
        { engineer: "Ann Engineer", visits: 2, done: 2, noAccess: 0, open: 0 },
        { engineer: "Bob Engineer", visits: 2, done: 0, noAccess: 1, open: 1 },
      ]);
      expect(report.firstVisit).toEqual({ jobs: 3, fixed: 1, noAccess: 1, returned: 1 });
    });

    test("money: quoted, accepted and paid by week and month; owed now; VAT by quarter", async () => {
      const report = await repos.reports.money(week(), REPORT_NOW, 1);
      expect(report.byWeek).toEqual([
        { start: "2026-11-30", quotedPence: 49_000, acceptedPence: 44_000, paidPence: 18_000 },
      ]);
      expect(report.byMonth).toEqual([
        { start: "2026-11-01", quotedPence: 12_000, acceptedPence: 12_000, paidPence: 0 },
        { start: "2026-12-01", quotedPence: 37_000, acceptedPence: 32_000, paidPence: 18_000 },
      ]);
      expect(report.outstanding).toEqual({
        deposits: { quotes: 1, pence: 1_000 },
        balances: { quotes: 1, pence: 18_000 },
        unpaidAccepted: { quotes: 1, pence: 4_000 },
      });
      expect(report.vatByQuarter).toEqual([
        { quarter: "2026-10-01", invoices: 2, netPence: 15_000, vatPence: 3_000, totalPence: 18_000 },
      ]);
      // Quarters ending in February, May, August and November: the week straddles two.
      expect((await repos.reports.money(week(), REPORT_NOW, 3)).vatByQuarter).toEqual([
        { quarter: "2026-09-01", invoices: 0, netPence: 0, vatPence: 0, totalPence: 0 },
        { quarter: "2026-12-01", invoices: 2, netPence: 15_000, vatPence: 3_000, totalPence: 18_000 },
      ]);
    });

    test("London time in summer: a call at 23:30 UTC on 30 June is on Wednesday 1 July, 00:30", async () => {
      await repos.db.insert(calls).values({
        providerCallId: "CAsummer0000000000000000000000000",
        direction: "inbound",
        from: "+447700900777",
        to: "+441130000000",
        status: "no-answer",
        startedAt: new Date("2026-06-30T23:30:00Z"),
      });
      const day = (date: string) => {
        const range = resolveRange({ from: date, to: date }, REPORT_NOW);
        if (!range.ok) throw new Error(range.message);
        return range.value;
      };
      const july = await repos.reports.calls(day("2026-07-01"));
      expect(july.byDay).toEqual([{ day: "2026-07-01", answered: 0, missed: 1, other: 0 }]);
      expect(july.byHour).toEqual([{ weekday: 3, hour: 0, calls: 1 }]);
      expect((await repos.reports.calls(day("2026-06-30"))).totals.inbound).toBe(0);
    });

    test("an empty range reads zeros and no percentiles, not errors", async () => {
      const empty = resolveRange({ from: "2025-01-06", to: "2025-01-12" }, REPORT_NOW);
      if (!empty.ok) throw new Error(empty.message);
      const calls = await repos.reports.calls(empty.value);
      expect(calls.totals).toEqual({ inbound: 0, answered: 0, missed: 0, outbound: 0 });
      expect(calls.timeToAnswer).toEqual({ count: 0, median: null, p90: null });
      expect(calls.byDay.length).toBe(7);
      const jobs = await repos.reports.jobs(empty.value, REPORT_NOW);
      expect(jobs.funnel).toEqual({ leads: 0, quoted: 0, accepted: 0, paid: 0 });
      const money = await repos.reports.money(empty.value, REPORT_NOW, 1);
      expect(money.byWeek.every((w) => w.paidPence === 0)).toBe(true);
    });
  });
}
