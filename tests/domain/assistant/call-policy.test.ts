import { describe, expect, test } from "bun:test";
import {
  checkCallingHours,
  DEFAULT_CALLING_HOURS,
  describeCallingHours,
  describeOptOut,
  parseCallingHours,
  parseRemovalReason,
} from "../../../src/domain/assistant/call-policy.ts";

const allowed = (iso: string, hours = DEFAULT_CALLING_HOURS) => checkCallingHours(new Date(iso), hours).ok;

// Hand-checked on a calendar: the spring change is Sunday 29 March 2026 (01:00 GMT → 02:00 BST),
// the autumn one Sunday 25 October 2026 (02:00 BST → 01:00 GMT). Default: 09:00–19:00 London, Mon–Sat.
describe("calling hours over the weeks of both clock changes", () => {
  test.each([
    // Saturday 28 March, still GMT: the London clock reads UTC.
    ["2026-03-28T08:59:00Z", false, "Sat 08:59 GMT"],
    ["2026-03-28T09:00:00Z", true, "Sat 09:00 GMT"],
    ["2026-03-28T18:59:00Z", true, "Sat 18:59 GMT"],
    ["2026-03-28T19:00:00Z", false, "Sat 19:00 GMT"],
    // Sunday 29 March, the change itself: no calls all day.
    ["2026-03-29T00:30:00Z", false, "Sun 00:30 GMT"],
    ["2026-03-29T12:00:00Z", false, "Sun 13:00 BST"],
    // Monday 30 March, BST: an hour ahead of UTC.
    ["2026-03-30T07:59:00Z", false, "Mon 08:59 BST"],
    ["2026-03-30T08:00:00Z", true, "Mon 09:00 BST"],
    ["2026-03-30T17:59:00Z", true, "Mon 18:59 BST"],
    ["2026-03-30T18:00:00Z", false, "Mon 19:00 BST (18:00 UTC)"],
    // Saturday 24 October, last BST day.
    ["2026-10-24T08:00:00Z", true, "Sat 09:00 BST"],
    ["2026-10-24T18:00:00Z", false, "Sat 19:00 BST"],
    // Sunday 25 October, the change: none.
    ["2026-10-25T10:00:00Z", false, "Sun 10:00 GMT"],
    // Monday 26 October, GMT again.
    ["2026-10-26T08:30:00Z", false, "Mon 08:30 GMT"],
    ["2026-10-26T09:00:00Z", true, "Mon 09:00 GMT"],
    ["2026-10-26T18:30:00Z", true, "Mon 18:30 GMT"],
    ["2026-10-26T19:00:00Z", false, "Mon 19:00 GMT"],
    // An ordinary Sunday in winter.
    ["2026-12-06T12:00:00Z", false, "Sun 12:00 GMT"],
    ["2026-12-03T12:00:00Z", true, "Thu 12:00 GMT"],
  ])("%s (%p, %s)", (iso, expected) => {
    expect(allowed(iso)).toBe(expected);
  });

  test("a refusal says when calls go out", () => {
    expect(checkCallingHours(new Date("2026-12-06T12:00:00Z"), DEFAULT_CALLING_HOURS)).toEqual({
      ok: false,
      reason: "outside_calling_hours",
      message: "outside calling hours: calls go out 09:00–19:00, Monday to Saturday",
    });
  });

  test("hours an admin set are read on the London clock too", () => {
    const week = parseCallingHours(["10:00-16:00", "", "", "", "", "", ""]);
    if (!week.ok) throw new Error(week.message);
    expect(allowed("2026-03-30T09:30:00Z", week.value)).toBe(true); // 10:30 BST
    expect(allowed("2026-03-30T15:30:00Z", week.value)).toBe(false); // 16:30 BST
    expect(allowed("2026-03-31T10:30:00Z", week.value)).toBe(false); // Tuesday: none
  });
});

describe("describeCallingHours", () => {
  test.each([
    [DEFAULT_CALLING_HOURS, "09:00–19:00, Monday to Saturday"],
    [
      [...Array(5).fill({ start: 540, end: 1140 }), { start: 600, end: 780 }, null],
      "09:00–19:00, Monday to Friday; 10:00–13:00, Saturday",
    ],
    [
      [null, null, null, null, null, { start: 600, end: 720 }, { start: 600, end: 720 }],
      "10:00–12:00, Saturday and Sunday",
    ],
    [Array(7).fill(null), "never (automated calls are switched off)"],
  ])("%p → %s", (hours, words) => {
    expect(describeCallingHours(hours)).toBe(words);
  });

  test("equal days apart are not run together", () => {
    const day = { start: 540, end: 1020 };
    expect(describeCallingHours([day, null, day, null, null, null, null])).toBe(
      "09:00–17:00, Monday; 09:00–17:00, Wednesday",
    );
  });
});

describe("parseCallingHours", () => {
  test("blank, none and closed are days without calls; every day may be off", () => {
    const parsed = parseCallingHours(["09:00-19:00", "none", "closed", "", "09:30 – 18:00", "10:00-14:00", ""]);
    expect(parsed).toEqual({
      ok: true,
      value: [{ start: 540, end: 1140 }, null, null, null, { start: 570, end: 1080 }, { start: 600, end: 840 }, null],
    });
    expect(parseCallingHours(Array(7).fill("")).ok).toBe(true);
  });

  test.each([
    [["9-5", "", "", "", "", "", ""], 'Monday: "9-5" is not a time span'],
    [["", "19:00-09:00", "", "", "", "", ""], 'Tuesday: "19:00-09:00" ends before it starts'],
    [["", "", "07:00-12:00", "", "", "", ""], "Wednesday: the assistant never calls before 08:00 or after 21:00"],
    [["", "", "", "", "", "", "00:00-24:00"], "Sunday: the assistant never calls before 08:00 or after 21:00"],
    [["09:00-19:00"], "each of the seven weekdays"],
  ])("%p is refused: %s", (days, reason) => {
    const parsed = parseCallingHours(days);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.reason).toBe("invalid_calling_hours");
      expect(parsed.message).toContain(reason);
    }
  });

  test("08:00 to 21:00 exactly is allowed", () => {
    expect(parseCallingHours(["08:00-21:00", "", "", "", "", "", ""]).ok).toBe(true);
  });
});

describe("opt-outs in words", () => {
  test("dated on the London calendar, with how it was said", () => {
    // 23:30 UTC on 2 June is already 3 June in London (BST).
    expect(describeOptOut({ at: new Date("2026-06-02T23:30:00Z"), source: "pressed_9" })).toBe(
      "Opted out of automated calls on 3 Jun 2026 (pressed 9 during an assistant call)",
    );
    expect(describeOptOut({ at: new Date("2026-12-03T10:00:00Z"), source: "said_stop" })).toBe(
      'Opted out of automated calls on 3 Dec 2026 (said "stop calling me" during an assistant call)',
    );
  });

  test("a removal needs a reason", () => {
    expect(parseRemovalReason("  ").ok).toBe(false);
    expect(parseRemovalReason(" Customer emailed asking for calls again ")).toEqual({
      ok: true,
      value: "Customer emailed asking for calls again",
    });
  });
});
