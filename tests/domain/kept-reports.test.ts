import { describe, expect, test } from "bun:test";
import { resolveRange } from "../../src/domain/reports/date-range.ts";
import type { CallsReport } from "../../src/domain/reports/figures.ts";
import { keepReports } from "../../src/domain/reports/kept-reports.ts";
import type { Reports } from "../../src/ports/reports.ts";

/** A Reports whose calls figures count how often they were read (the other pages are not used here). */
function countingReports() {
  let reads = 0;
  let fail = false;
  const reports: Reports = {
    async calls() {
      reads++;
      await Bun.sleep(5);
      if (fail) throw new Error("database down");
      return { totals: { inbound: reads } } as CallsReport;
    },
    jobs: () => Promise.reject(new Error("not used")),
    money: () => Promise.reject(new Error("not used")),
  };
  return { reports, reads: () => reads, failNext: (value: boolean) => void (fail = value) };
}

const range = (preset: string) => {
  const r = resolveRange({ range: preset }, new Date("2026-12-03T10:00:00Z"));
  if (!r.ok) throw new Error(r.message);
  return r.value;
};

describe("report figures kept briefly", () => {
  test("loads at once share one read; another range reads its own; after the minute, read again", async () => {
    let now = Date.parse("2026-12-03T10:00:00Z");
    const source = countingReports();
    const kept = keepReports(source.reports, () => new Date(now), 60_000);
    const [a, b] = await Promise.all([kept.calls(range("this_month")), kept.calls(range("this_month"))]);
    expect(a.totals.inbound).toBe(1);
    expect(b.totals.inbound).toBe(1);
    expect(source.reads()).toBe(1);
    await kept.calls(range("last_month"));
    expect(source.reads()).toBe(2);
    now += 59_000;
    expect((await kept.calls(range("this_month"))).totals.inbound).toBe(1);
    now += 1_000;
    expect((await kept.calls(range("this_month"))).totals.inbound).toBe(3);
  });

  test("a change forgets everything, including a read under way; a failed read is not kept", async () => {
    const source = countingReports();
    const kept = keepReports(source.reports, () => new Date("2026-12-03T10:00:00Z"));
    const during = kept.calls(range("this_month"));
    kept.forget();
    await during;
    expect((await kept.calls(range("this_month"))).totals.inbound).toBe(2);
    kept.forget();
    source.failNext(true);
    await expect(kept.calls(range("this_month"))).rejects.toThrow("database down");
    source.failNext(false);
    expect((await kept.calls(range("this_month"))).totals.inbound).toBe(4);
  });
});
