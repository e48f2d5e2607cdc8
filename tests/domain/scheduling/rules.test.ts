import { describe, expect, test } from "bun:test";
import { APPOINTMENT_STATUSES, changeAppointmentStatus } from "../../../src/domain/scheduling/appointments.ts";
import {
  describeWorkingWeek,
  parseHomePostcode,
  parseTrades,
  parseWorkingWeek,
} from "../../../src/domain/scheduling/engineers.ts";
import { addLondonDays, londonInstant, londonWallTime } from "../../../src/domain/scheduling/london-clock.ts";
import {
  type Candidate,
  checkBooking,
  checkDuration,
  checkNoOverlap,
  checkNotInPast,
  checkTravel,
  checkWithinHours,
} from "../../../src/domain/scheduling/rules.ts";
import { travelMinutes, UNKNOWN_TRAVEL_MINUTES } from "../../../src/domain/scheduling/travel.ts";
import { checkTransitionTable } from "../transition-table.ts";
import { anEngineer, aVisit, EVERY_DAY } from "./builders.ts";

const at = (iso: string) => new Date(iso);
const candidate = (startsAt: string, endsAt: string, overrides: Partial<Candidate> = {}): Candidate => ({
  engineer: anEngineer(),
  trade: "plumbing",
  startsAt: at(startsAt),
  endsAt: at(endsAt),
  postcode: "LS6 1AB",
  ...overrides,
});
const reasonOf = (result: { ok: boolean; reason?: string }) => (result.ok ? "ok" : result.reason);

checkTransitionTable(
  "visit",
  APPOINTMENT_STATUSES,
  {
    booked: ["confirmed", "en_route", "cancelled"],
    confirmed: ["en_route", "cancelled"],
    en_route: ["on_site", "no_access", "cancelled"],
    on_site: ["done", "no_access"],
    done: [],
    no_access: [],
    cancelled: [],
  },
  changeAppointmentStatus,
);

describe("the London clock", () => {
  test("08:00 is 08:00 GMT in winter and 07:00 UTC in summer", () => {
    expect(londonInstant("2026-12-07", 8 * 60).toISOString()).toBe("2026-12-07T08:00:00.000Z");
    expect(londonInstant("2026-07-01", 8 * 60).toISOString()).toBe("2026-07-01T07:00:00.000Z");
  });

  test("on the clock-change Sundays", () => {
    // 28 March 2027: 01:00 GMT becomes 02:00 BST; 08:00 that morning is already BST.
    expect(londonInstant("2027-03-28", 8 * 60).toISOString()).toBe("2027-03-28T07:00:00.000Z");
    expect(londonInstant("2027-03-28", 30).toISOString()).toBe("2027-03-28T00:30:00.000Z");
    // 01:30 never happens that night: it is read as 02:30 BST.
    expect(londonInstant("2027-03-28", 90).toISOString()).toBe("2027-03-28T01:30:00.000Z");
    // 25 October 2026: 02:00 BST becomes 01:00 GMT; 01:30 happens twice, the first is BST.
    expect(londonInstant("2026-10-25", 90).toISOString()).toBe("2026-10-25T00:30:00.000Z");
    expect(londonInstant("2026-10-25", 8 * 60).toISOString()).toBe("2026-10-25T08:00:00.000Z");
    expect(londonWallTime(at("2026-10-25T01:30:00Z"))).toEqual({ date: "2026-10-25", weekday: 6, minutes: 90 });
  });

  test("London's date and weekday, not UTC's", () => {
    expect(londonWallTime(at("2026-06-30T23:30:00Z"))).toEqual({ date: "2026-07-01", weekday: 2, minutes: 30 });
    expect(addLondonDays("2027-03-27", 2)).toBe("2027-03-29");
    expect(addLondonDays("2026-12-31", 1)).toBe("2027-01-01");
  });
});

describe("working hours", () => {
  test("parsed from the command line's forms, with reasons for bad ones", () => {
    const week = parseWorkingWeek(["07:30-16:00", "sat=09:00-12:00"]);
    expect(week.ok && describeWorkingWeek(week.value)).toBe("Mon–Fri 07:30–16:00, Sat 09:00–12:00");
    const noFriday = parseWorkingWeek(["fri=off"]);
    expect(noFriday.ok && describeWorkingWeek(noFriday.value)).toBe("Mon–Thu 08:00–17:00");
    expect(reasonOf(parseWorkingWeek(["17:00-08:00"]))).toBe("invalid_hours");
    expect(reasonOf(parseWorkingWeek(["9-5"]))).toBe("invalid_hours");
    expect(reasonOf(parseWorkingWeek(["fun=08:00-12:00"]))).toBe("invalid_hours");
    expect(reasonOf(parseWorkingWeek(["off"]))).toBe("invalid_hours");
  });

  test("trades and home postcodes are checked", () => {
    expect(parseTrades(["Plumbing", "heating", "plumbing"])).toEqual({ ok: true, value: ["plumbing", "heating"] });
    const unknown = parseTrades(["plumbing", "wizardry"]);
    expect(!unknown.ok && unknown.message).toContain('Unknown trade "wizardry"');
    expect(reasonOf(parseTrades([]))).toBe("invalid_trade");
    expect(parseHomePostcode("ls62qr")).toEqual({ ok: true, value: "LS6 2QR" });
    expect(parseHomePostcode("")).toEqual({ ok: true, value: null });
    expect(reasonOf(parseHomePostcode("LS6"))).toBe("invalid_postcode");
  });

  test("a visit inside the working day on a London clock, in winter and summer", () => {
    const alice = anEngineer();
    // Monday 7 December 2026 (GMT).
    expect(reasonOf(checkWithinHours(alice, at("2026-12-07T08:00:00Z"), at("2026-12-07T17:00:00Z")))).toBe("ok");
    expect(reasonOf(checkWithinHours(alice, at("2026-12-07T07:30:00Z"), at("2026-12-07T09:00:00Z")))).toBe(
      "outside_hours",
    );
    expect(reasonOf(checkWithinHours(alice, at("2026-12-07T16:00:00Z"), at("2026-12-07T17:30:00Z")))).toBe(
      "outside_hours",
    );
    // Monday 6 July 2026 (BST): 07:00 UTC is 08:00 in London, 16:30 UTC is 17:30.
    expect(reasonOf(checkWithinHours(alice, at("2026-07-06T07:00:00Z"), at("2026-07-06T09:00:00Z")))).toBe("ok");
    expect(reasonOf(checkWithinHours(alice, at("2026-07-06T15:00:00Z"), at("2026-07-06T16:30:00Z")))).toBe(
      "outside_hours",
    );
  });

  test("on the Sundays the clocks change", () => {
    const always = anEngineer({ hours: EVERY_DAY });
    // Spring forward, Sunday 28 March 2027: 07:00 UTC is 08:00 BST; the Saturday before, 07:00 is GMT.
    expect(reasonOf(checkWithinHours(always, at("2027-03-28T07:00:00Z"), at("2027-03-28T09:00:00Z")))).toBe("ok");
    expect(reasonOf(checkWithinHours(always, at("2027-03-27T07:00:00Z"), at("2027-03-27T09:00:00Z")))).toBe(
      "outside_hours",
    );
    // Fall back, Sunday 25 October 2026: 08:00 GMT is 08:00 UTC; 07:30 UTC is 07:30 GMT, too early.
    expect(reasonOf(checkWithinHours(always, at("2026-10-25T08:00:00Z"), at("2026-10-25T10:00:00Z")))).toBe("ok");
    expect(reasonOf(checkWithinHours(always, at("2026-10-25T07:30:00Z"), at("2026-10-25T09:00:00Z")))).toBe(
      "outside_hours",
    );
    // The Saturday before is still BST: ending 16:00 UTC is 17:00, 16:30 UTC is 17:30.
    expect(reasonOf(checkWithinHours(always, at("2026-10-24T14:00:00Z"), at("2026-10-24T16:00:00Z")))).toBe("ok");
    expect(reasonOf(checkWithinHours(always, at("2026-10-24T14:00:00Z"), at("2026-10-24T16:30:00Z")))).toBe(
      "outside_hours",
    );
  });

  test("a day off, and a visit running past midnight, are refused with the reason", () => {
    const saturday = checkWithinHours(anEngineer(), at("2026-12-12T10:00:00Z"), at("2026-12-12T12:00:00Z"));
    expect(!saturday.ok && saturday.message).toBe("Alice Pipe does not work on Saturday 12 Dec.");
    const late = anEngineer({ hours: [0, 1, 2, 3, 4, 5, 6].map(() => ({ start: 18 * 60, end: 24 * 60 })) });
    expect(reasonOf(checkWithinHours(late, at("2026-12-07T22:00:00Z"), at("2026-12-08T00:00:00Z")))).toBe("ok");
    expect(reasonOf(checkWithinHours(late, at("2026-12-07T23:00:00Z"), at("2026-12-08T01:00:00Z")))).toBe(
      "outside_hours",
    );
  });
});

describe("booking rules", () => {
  test("a visit has a sensible length", () => {
    expect(reasonOf(checkDuration(at("2026-12-07T10:00:00Z"), at("2026-12-07T09:00:00Z")))).toBe("invalid_time");
    expect(reasonOf(checkDuration(at("2026-12-07T10:00:00Z"), at("2026-12-07T10:05:00Z")))).toBe("invalid_time");
    expect(reasonOf(checkDuration(at("2026-12-07T08:00:00Z"), at("2026-12-07T19:00:00Z")))).toBe("invalid_time");
    expect(checkDuration(at("2026-12-07T10:00:00Z"), at("2026-12-07T12:00:00Z"))).toEqual({ ok: true, value: 120 });
    expect(reasonOf(checkDuration(at("nonsense"), at("2026-12-07T12:00:00Z")))).toBe("invalid_time");
  });

  test("not in the past: now itself is fine, a minute ago is not", () => {
    const now = at("2026-12-07T10:00:00Z");
    expect(reasonOf(checkNotInPast(now, now))).toBe("ok");
    expect(reasonOf(checkNotInPast(at("2026-12-07T09:59:00Z"), now))).toBe("in_the_past");
  });

  test("no double booking; touching visits, cancelled visits and the visit being moved do not clash", () => {
    const existing = aVisit("2026-12-07T10:00:00Z", "2026-12-07T12:00:00Z");
    const clash = checkNoOverlap([existing], candidate("2026-12-07T11:00:00Z", "2026-12-07T13:00:00Z"));
    expect(!clash.ok && clash.message).toBe("Alice Pipe already has a visit 10:00–12:00 on Monday 7 Dec.");
    expect(reasonOf(checkNoOverlap([existing], candidate("2026-12-07T09:00:00Z", "2026-12-07T13:00:00Z")))).toBe(
      "double_booked",
    );
    expect(reasonOf(checkNoOverlap([existing], candidate("2026-12-07T12:00:00Z", "2026-12-07T13:00:00Z")))).toBe("ok");
    const cancelled = { ...existing, status: "cancelled" as const };
    expect(reasonOf(checkNoOverlap([cancelled], candidate("2026-12-07T11:00:00Z", "2026-12-07T13:00:00Z")))).toBe("ok");
    const moved = candidate("2026-12-07T11:00:00Z", "2026-12-07T13:00:00Z", { appointmentId: existing.id });
    expect(reasonOf(checkNoOverlap([existing], moved))).toBe("ok");
    const someoneElse = { ...existing, engineerId: "eng-bob" };
    expect(reasonOf(checkNoOverlap([someoneElse], candidate("2026-12-07T11:00:00Z", "2026-12-07T13:00:00Z")))).toBe(
      "ok",
    );
  });

  test("travel estimates from postcodes, at the documented speed", () => {
    expect(travelMinutes("LS6 2QR", "LS6 2QR")).toBe(10); // the fixed 10 minutes only
    expect(travelMinutes("LS6 2QR", "LS6 1AB")).toBe(20); // same district: 2 km × 1.3 at 30 km/h + 10
    expect(travelMinutes("LS6 2QR", "LS1 4AP")).toBe(30); // same area: 6 km × 1.3 at 30 km/h + 10
    expect(travelMinutes("LS6 2QR", "BD1 1AA")).toBe(45); // Leeds to Bradford, ~13 km apart
    expect(travelMinutes("LS6 2QR", "SW1A 1AA")).toBeGreaterThan(500); // nobody drives that between jobs
    expect(travelMinutes(null, "LS6 2QR")).toBe(UNKNOWN_TRAVEL_MINUTES);
    expect(travelMinutes("LS6 2QR", "not a postcode")).toBe(UNKNOWN_TRAVEL_MINUTES);
  });

  test("time to travel from the previous visit, to the next, and from home at the start of the day", () => {
    const morning = aVisit("2026-12-07T09:00:00Z", "2026-12-07T11:00:00Z", { postcode: "LS6 2QR" });
    const tight = checkTravel([morning], candidate("2026-12-07T11:15:00Z", "2026-12-07T12:15:00Z"));
    expect(!tight.ok && tight.message).toBe(
      "Not enough time to travel from the 09:00 visit (LS6 2QR): allow about 20 minutes.",
    );
    expect(reasonOf(checkTravel([morning], candidate("2026-12-07T11:20:00Z", "2026-12-07T12:20:00Z")))).toBe("ok");

    const bradford = { postcode: "BD1 1AA" };
    const fromHome = checkTravel([], candidate("2026-12-07T08:30:00Z", "2026-12-07T10:00:00Z", bradford));
    expect(!fromHome.ok && fromHome.message).toContain("from home (LS6 2QR) after starting at 08:00");
    expect(reasonOf(checkTravel([], candidate("2026-12-07T08:45:00Z", "2026-12-07T10:00:00Z", bradford)))).toBe("ok");

    const afternoon = aVisit("2026-12-07T14:00:00Z", "2026-12-07T15:00:00Z", { postcode: "BD1 1AA" });
    const toNext = checkTravel([afternoon], candidate("2026-12-07T11:00:00Z", "2026-12-07T13:30:00Z"));
    expect(!toNext.ok && toNext.message).toContain("to the 14:00 visit (BD1 1AA): allow about 45 minutes");
    expect(reasonOf(checkTravel([afternoon], candidate("2026-12-07T11:00:00Z", "2026-12-07T13:15:00Z")))).toBe("ok");
  });

  test("the journey from home is reckoned from the London start of day in summer", () => {
    // Monday 6 July 2026: 08:00 BST is 07:00 UTC, so 07:20 UTC is 20 minutes after starting.
    expect(reasonOf(checkTravel([], candidate("2026-07-06T07:20:00Z", "2026-07-06T09:00:00Z")))).toBe("ok");
    expect(reasonOf(checkTravel([], candidate("2026-07-06T07:15:00Z", "2026-07-06T09:00:00Z")))).toBe(
      "no_time_to_travel",
    );
  });

  test("checkBooking runs every rule and returns the first refusal", () => {
    const now = at("2026-12-07T07:00:00Z");
    const good = candidate("2026-12-07T09:00:00Z", "2026-12-07T11:00:00Z");
    expect(reasonOf(checkBooking(good, [], now))).toBe("ok");
    expect(reasonOf(checkBooking({ ...good, trade: "electrical" }, [], now))).toBe("missing_trade");
    expect(reasonOf(checkBooking(good, [], at("2026-12-07T09:30:00Z")))).toBe("in_the_past");
    const sunday = candidate("2026-12-13T09:00:00Z", "2026-12-13T11:00:00Z");
    expect(reasonOf(checkBooking(sunday, [], now))).toBe("outside_hours");
    const taken = aVisit("2026-12-07T10:00:00Z", "2026-12-07T12:00:00Z");
    expect(reasonOf(checkBooking(good, [taken], now))).toBe("double_booked");
    const near = aVisit("2026-12-07T11:00:00Z", "2026-12-07T12:00:00Z", { postcode: "BD1 1AA" });
    expect(reasonOf(checkBooking(good, [near], now))).toBe("no_time_to_travel");
  });
});
