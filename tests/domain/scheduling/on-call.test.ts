import { describe, expect, test } from "bun:test";
import {
  checkRotaPeriod,
  type OfficeHours,
  parseLondonDateTime,
  type RotaPeriod,
  whoAnswers,
} from "../../../src/domain/scheduling/on-call.ts";

// Office: Mon–Fri 08:00–17:30, Sat 09:00–12:00, Sunday closed (London clock).
const OFFICE: OfficeHours = [
  { start: 480, end: 1050 },
  { start: 480, end: 1050 },
  { start: 480, end: 1050 },
  { start: 480, end: 1050 },
  { start: 480, end: 1050 },
  { start: 540, end: 720 },
  null,
];

// The week of the autumn clock change (Sunday 25 October 2026, 02:00 BST → 01:00 GMT), hand-checked:
// Bob covers Friday night (17:30 BST = 16:30Z until Saturday 09:00 BST = 08:00Z),
// Carol the weekend (Saturday 12:00 BST = 11:00Z until Monday 08:00 GMT = 08:00Z).
const ROTA: RotaPeriod[] = [
  { id: "p1", engineerId: "bob", startsAt: new Date("2026-10-23T16:30:00Z"), endsAt: new Date("2026-10-24T08:00:00Z") },
  {
    id: "p2",
    engineerId: "carol",
    startsAt: new Date("2026-10-24T11:00:00Z"),
    endsAt: new Date("2026-10-26T08:00:00Z"),
  },
];

const who = (iso: string, rota = ROTA) => {
  const answer = whoAnswers(new Date(iso), OFFICE, rota);
  return answer.kind === "on_call" ? answer.engineerId : answer.kind;
};

describe("whoAnswers over a hand-checked week with the autumn clock change", () => {
  test.each([
    ["Friday 17:29 BST, the office's last minute", "2026-10-23T16:29:00Z", "office"],
    ["Friday 17:30 BST, the office has closed", "2026-10-23T16:30:00Z", "bob"],
    ["Saturday 08:59 BST", "2026-10-24T07:59:00Z", "bob"],
    ["Saturday 09:00 BST, the Saturday office opens", "2026-10-24T08:00:00Z", "office"],
    ["Saturday 11:59 BST", "2026-10-24T10:59:00Z", "office"],
    ["Saturday 12:00 BST", "2026-10-24T11:00:00Z", "carol"],
    ["Sunday 01:30 BST, the first time that hour", "2026-10-25T00:30:00Z", "carol"],
    ["Sunday 01:30 GMT, the second time", "2026-10-25T01:30:00Z", "carol"],
    ["Monday 07:30 GMT (it would be 08:30 in BST: the office is not open yet)", "2026-10-26T07:30:00Z", "carol"],
    ["Monday 08:00 GMT", "2026-10-26T08:00:00Z", "office"],
    ["Monday 17:30 GMT, no one on the rota", "2026-10-26T17:30:00Z", "nobody"],
  ])("%s", (_label, iso, expected) => {
    expect(who(iso)).toBe(expected);
  });

  test("the same UTC instant a week earlier, in BST, is office hours", () => {
    expect(who("2026-10-19T07:30:00Z")).toBe("office");
  });

  test("the spring change: Monday 07:30Z is 08:30 BST after it and 07:30 GMT before it", () => {
    expect(who("2027-03-29T07:30:00Z", [])).toBe("office");
    expect(who("2027-03-26T07:30:00Z", [])).toBe("nobody");
  });

  test("no rota: out of hours nobody answers (the staff numbers are the fallback)", () => {
    expect(who("2026-10-24T22:00:00Z", [])).toBe("nobody");
  });

  test("overlapping periods: the one that started last answers", () => {
    const cover: RotaPeriod = {
      id: "p3",
      engineerId: "dan",
      startsAt: new Date("2026-10-24T20:00:00Z"),
      endsAt: new Date("2026-10-24T23:00:00Z"),
    };
    expect(who("2026-10-24T21:00:00Z", [...ROTA, cover])).toBe("dan");
    expect(who("2026-10-24T23:00:00Z", [...ROTA, cover])).toBe("carol");
  });
});

describe("rota periods", () => {
  test("London form times become instants on either side of the clock changes", () => {
    expect(parseLondonDateTime("2026-10-23T17:30")?.toISOString()).toBe("2026-10-23T16:30:00.000Z");
    expect(parseLondonDateTime("2026-10-26T08:00")?.toISOString()).toBe("2026-10-26T08:00:00.000Z");
    // The autumn hour happens twice: the first (BST). The spring hour never happens: an hour on.
    expect(parseLondonDateTime("2026-10-25T01:30")?.toISOString()).toBe("2026-10-25T00:30:00.000Z");
    expect(parseLondonDateTime("2027-03-28T01:30")?.toISOString()).toBe("2027-03-28T01:30:00.000Z");
    expect(parseLondonDateTime("tomorrow")).toBeNull();
    expect(parseLondonDateTime("2026-10-23T24:00")).toBeNull();
  });

  test("a period must end after it starts, last at most a fortnight and overlap no other", () => {
    const period = (from: string, to: string) => ({
      engineerId: "dan",
      startsAt: new Date(from),
      endsAt: new Date(to),
    });
    expect(checkRotaPeriod(period("2026-10-26T17:30:00Z", "2026-10-27T08:00:00Z"), ROTA).ok).toBe(true);
    expect(checkRotaPeriod(period("2026-10-27T08:00:00Z", "2026-10-26T17:30:00Z"), ROTA)).toMatchObject({
      ok: false,
      reason: "invalid_period",
    });
    expect(checkRotaPeriod(period("2026-10-26T17:30:00Z", "2026-11-26T08:00:00Z"), ROTA)).toMatchObject({
      reason: "invalid_period",
    });
    expect(checkRotaPeriod(period("2026-10-25T20:00:00Z", "2026-10-26T09:00:00Z"), ROTA)).toMatchObject({
      reason: "overlap",
    });
    // Touching end to start is not an overlap.
    expect(checkRotaPeriod(period("2026-10-26T08:00:00Z", "2026-10-26T09:00:00Z"), ROTA).ok).toBe(true);
  });
});
