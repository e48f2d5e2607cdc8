import { describe, expect, test } from "bun:test";
import { boardPeriod, boardRows, parseBoardDate, visitTimes } from "../../../src/domain/scheduling/board.ts";
import { anEngineer, aVisit } from "./builders.ts";

describe("the board's period", () => {
  test("a week runs Monday to Sunday around the date, London midnight to London midnight", () => {
    const week = boardPeriod("week", "2026-11-27"); // a Friday
    expect(week.days).toEqual([
      "2026-11-23",
      "2026-11-24",
      "2026-11-25",
      "2026-11-26",
      "2026-11-27",
      "2026-11-28",
      "2026-11-29",
    ]);
    expect(week.from.toISOString()).toBe("2026-11-23T00:00:00.000Z");
    expect(week.to.toISOString()).toBe("2026-11-30T00:00:00.000Z");
    expect([week.previous, week.next]).toEqual(["2026-11-16", "2026-11-30"]);
  });

  test("the week of the autumn clock change is 169 hours; a summer day starts at 23:00 UTC", () => {
    const week = boardPeriod("week", "2026-10-25"); // the Sunday the clocks go back
    expect(week.from.toISOString()).toBe("2026-10-18T23:00:00.000Z");
    expect(week.to.toISOString()).toBe("2026-10-26T00:00:00.000Z");
    const day = boardPeriod("day", "2026-07-01");
    expect([day.from.toISOString(), day.to.toISOString()]).toEqual([
      "2026-06-30T23:00:00.000Z",
      "2026-07-01T23:00:00.000Z",
    ]);
    expect([day.previous, day.next]).toEqual(["2026-06-30", "2026-07-02"]);
  });

  test("dates that are not on the calendar are refused", () => {
    expect(parseBoardDate("2026-02-28")).toBe("2026-02-28");
    for (const bad of ["2026-02-30", "2026-13-01", "26-01-01", "2026-1-1", ""]) expect(parseBoardDate(bad)).toBeNull();
  });
});

describe("the board's rows", () => {
  test("each visit goes to its engineer's row under the London day it starts, in start order", () => {
    const alice = anEngineer();
    const bob = anEngineer({ userId: "eng-bob", name: "Bob" });
    const late = aVisit("2026-07-01T14:00:00Z", "2026-07-01T15:00:00Z");
    const early = aVisit("2026-07-01T07:00:00Z", "2026-07-01T08:00:00Z");
    // 23:30 UTC on 1 July is 00:30 BST on 2 July.
    const afterMidnight = aVisit("2026-07-01T23:30:00Z", "2026-07-02T00:30:00Z", { engineerId: "eng-bob" });
    const gone = aVisit("2026-07-01T09:00:00Z", "2026-07-01T10:00:00Z", { engineerId: "eng-left" });
    const rows = boardRows([alice, bob], [late, early, afterMidnight, gone], ["2026-07-01", "2026-07-02"]);
    expect(rows.map((r) => r.engineer.userId)).toEqual(["eng-alice", "eng-bob"]);
    expect(rows[0]!.cells.map((c) => c.map((v) => v.id))).toEqual([[early.id, late.id], []]);
    expect(rows[1]!.cells.map((c) => c.map((v) => v.id))).toEqual([[], [afterMidnight.id]]);
  });
});

describe("a visit's times from the form", () => {
  test("London date and clock times become instants; anything else is refused with how to write it", () => {
    const summer = visitTimes("2026-07-01", "08:30", "10:00");
    expect(summer.ok && [summer.value.startsAt.toISOString(), summer.value.endsAt.toISOString()]).toEqual([
      "2026-07-01T07:30:00.000Z",
      "2026-07-01T09:00:00.000Z",
    ]);
    expect(visitTimes("2026-07-32", "08:30", "10:00")).toMatchObject({ ok: false, reason: "invalid_time" });
    expect(visitTimes("2026-07-01", "8.30", "10:00")).toMatchObject({
      ok: false,
      message: "Give the start and end as clock times, e.g. 08:30.",
    });
  });
});
