import { describe, expect, test } from "bun:test";
import {
  endOfLondonDay,
  formatDate,
  formatDaySpan,
  formatDateTime,
  formatLongDate,
  formatTime,
  londonDate,
  londonDateAfter,
  startOfLondonDay,
  startOfLondonMonth,
  startOfLondonWeek,
} from "../../src/domain/london-time.ts";

describe("London time", () => {
  test("a span on one day reads in long or short words, on the London clock in summer too", () => {
    expect(formatDaySpan(new Date("2026-12-08T08:30:00Z"), new Date("2026-12-08T10:30:00Z"))).toBe(
      "Tuesday 8 December, 08:30–10:30",
    );
    expect(formatDaySpan(new Date("2026-06-30T23:00:00Z"), new Date("2026-07-01T01:00:00Z"), "short")).toBe(
      "Wed 1 Jul, 00:00–02:00",
    );
  });

  test("formats an instant as London reads it, in winter (GMT) and summer (BST)", () => {
    const winter = new Date("2026-11-27T14:05:00Z");
    expect(formatDateTime(winter)).toBe("27 Nov, 14:05");
    expect(formatDate(winter)).toBe("27 Nov 2026");
    expect(formatLongDate(winter)).toBe("27 November 2026");
    expect(formatTime(winter)).toBe("14:05");
    const summerNight = new Date("2026-06-30T23:30:00Z");
    expect(formatDateTime(summerNight)).toBe("1 Jul, 00:30");
    expect(formatDate(summerNight)).toBe("1 Jul 2026");
    expect(formatTime(summerNight)).toBe("00:30");
  });

  test("the calendar date is London's, YYYY-MM-DD", () => {
    expect(londonDate(new Date("2026-06-30T23:30:00Z"))).toBe("2026-07-01");
    expect(londonDate(new Date("2026-12-31T23:30:00Z"))).toBe("2026-12-31");
    expect(londonDateAfter(new Date("2026-11-27T12:00:00Z"), 30)).toBe("2026-12-27");
  });

  test("day, week and month start at London midnight, across the clock change", () => {
    expect(startOfLondonDay(new Date("2026-07-01T10:00:00Z")).toISOString()).toBe("2026-06-30T23:00:00.000Z");
    expect(startOfLondonDay(new Date("2026-12-02T10:00:00Z")).toISOString()).toBe("2026-12-02T00:00:00.000Z");
    // Wednesday 1 April 2026 (BST); Monday 30 March is BST too, the clocks went forward on the 29th.
    expect(startOfLondonWeek(new Date("2026-04-01T10:00:00Z")).toISOString()).toBe("2026-03-29T23:00:00.000Z");
    // Tuesday 27 October 2026 (GMT); Monday 26 October is GMT, the clocks went back on the 25th.
    expect(startOfLondonWeek(new Date("2026-10-27T10:00:00Z")).toISOString()).toBe("2026-10-26T00:00:00.000Z");
    expect(startOfLondonMonth(new Date("2026-07-15T10:00:00Z")).toISOString()).toBe("2026-06-30T23:00:00.000Z");
  });

  test("a date ends at its last London millisecond", () => {
    expect(endOfLondonDay("2026-07-01").toISOString()).toBe("2026-07-01T22:59:59.999Z");
    expect(endOfLondonDay("2026-12-01").toISOString()).toBe("2026-12-01T23:59:59.999Z");
  });
});
