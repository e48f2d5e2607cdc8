import { describe, expect, test } from "bun:test";
import { resolveRange, vatQuarterOf, vatQuartersBetween } from "../../src/domain/reports/date-range.ts";
import { monthsBetween, weeksBetween } from "../../src/domain/reports/periods.ts";
import { csvCell } from "../../src/domain/reports/tables.ts";

const NOW = new Date("2026-12-03T10:00:00Z"); // a Thursday
const days = (input: Parameters<typeof resolveRange>[0], now = NOW, stagger: 1 | 2 | 3 = 1) => {
  const range = resolveRange(input, now, stagger);
  if (!range.ok) throw new Error(range.message);
  return [range.value.firstDay, range.value.lastDay];
};

describe("report date ranges (Europe/London)", () => {
  test("presets: weeks from Monday, calendar months, VAT quarters by stagger", () => {
    expect(days({})).toEqual(["2026-12-01", "2026-12-31"]);
    expect(days({ range: "this_week" })).toEqual(["2026-11-30", "2026-12-06"]);
    expect(days({ range: "last_week" })).toEqual(["2026-11-23", "2026-11-29"]);
    expect(days({ range: "last_month" })).toEqual(["2026-11-01", "2026-11-30"]);
    expect(days({ range: "this_vat_quarter" })).toEqual(["2026-10-01", "2026-12-31"]);
    expect(days({ range: "last_vat_quarter" })).toEqual(["2026-07-01", "2026-09-30"]);
    expect(days({ range: "this_vat_quarter" }, NOW, 2)).toEqual(["2026-11-01", "2027-01-31"]);
    expect(days({ range: "this_vat_quarter" }, NOW, 3)).toEqual(["2026-12-01", "2027-02-28"]);
    expect(days({ range: "last_vat_quarter" }, NOW, 3)).toEqual(["2026-09-01", "2026-11-30"]);
    // January: last month and last quarter are in the year before.
    const january = new Date("2027-01-15T12:00:00Z");
    expect(days({ range: "last_month" }, january)).toEqual(["2026-12-01", "2026-12-31"]);
    expect(days({ range: "last_vat_quarter" }, january)).toEqual(["2026-10-01", "2026-12-31"]);
  });

  test("the day is London's: 23:30 UTC on 30 June is already July", () => {
    expect(days({ range: "this_month" }, new Date("2026-06-30T23:30:00Z"))).toEqual(["2026-07-01", "2026-07-31"]);
  });

  test("a range runs between London midnights, across the clock change", () => {
    const range = resolveRange({ from: "2026-03-28", to: "2026-03-30" }, NOW);
    if (!range.ok) throw new Error(range.message);
    expect(range.value.from.toISOString()).toBe("2026-03-28T00:00:00.000Z"); // GMT
    expect(range.value.to.toISOString()).toBe("2026-03-30T23:00:00.000Z"); // midnight BST on the 31st
    expect(range.value.label).toBe("28 Mar 2026 – 30 Mar 2026");
  });

  test("bad input is refused with the reason", () => {
    expect(resolveRange({ range: "fortnight" }, NOW)).toMatchObject({ ok: false, reason: "unknown_preset" });
    expect(resolveRange({ from: "2026-02-30", to: "2026-03-01" }, NOW)).toMatchObject({
      ok: false,
      reason: "bad_date",
    });
    expect(resolveRange({ range: "custom", from: "2026-12-01" }, NOW)).toMatchObject({ ok: false, reason: "bad_date" });
    expect(resolveRange({ from: "2026-12-05", to: "2026-12-01" }, NOW)).toMatchObject({
      ok: false,
      reason: "range_backwards",
    });
    expect(resolveRange({ from: "2025-01-01", to: "2026-12-31" }, NOW)).toMatchObject({
      ok: false,
      reason: "range_too_long",
    });
    expect(resolveRange({ from: "2025-12-01", to: "2026-11-30" }, NOW).ok).toBe(true);
  });

  test("weeks, months and VAT quarters a range touches", () => {
    expect(weeksBetween("2026-12-01", "2026-12-14")).toEqual(["2026-11-30", "2026-12-07", "2026-12-14"]);
    expect(monthsBetween("2026-11-15", "2027-01-02")).toEqual(["2026-11-01", "2026-12-01", "2027-01-01"]);
    expect(vatQuartersBetween("2026-11-30", "2026-12-06", 3)).toEqual(["2026-09-01", "2026-12-01"]);
    expect(vatQuarterOf("2026-01-10", 2)).toEqual({ firstDay: "2025-11-01", lastDay: "2026-01-31" });
  });
});

describe("CSV cells", () => {
  test("pence as pounds, nothing as empty, text a spreadsheet would run kept as text", () => {
    expect(csvCell(123_456, "pence")).toBe("1234.56");
    expect(csvCell(null, "number")).toBe("");
    expect(csvCell(42, "count")).toBe("42");
    expect(csvCell('=HYPERLINK("http://x.example","Ann")', "text")).toBe('\'=HYPERLINK("http://x.example","Ann")');
    expect(csvCell("+44 engineer", "text")).toBe("'+44 engineer");
    expect(csvCell("Ann Engineer", "text")).toBe("Ann Engineer");
  });
});
