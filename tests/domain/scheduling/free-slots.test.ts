import { describe, expect, test } from "bun:test";
import { nextFreeSlots, type Slot } from "../../../src/domain/scheduling/free-slots.ts";
import { anEngineer, aVisit } from "./builders.ts";

/**
 * A small hand-checked week in Leeds. Alice lives in the site's district (20 minutes away),
 * Bob in Bradford (45 minutes), Carol is an electrician. Everyone works Monday to Friday,
 * 08:00–17:00, and offers start on the half-hour.
 */
const alice = anEngineer();
const bob = anEngineer({
  userId: "eng-bob",
  name: "Bob Boiler",
  email: "bob@example.co.uk",
  trades: ["plumbing", "heating"],
  homePostcode: "BD1 1AA",
});
const carol = anEngineer({
  userId: "eng-carol",
  name: "Carol Spark",
  email: "carol@example.co.uk",
  trades: ["electrical"],
  homePostcode: "LS6 3AA",
});
const engineers = [bob, carol, alice];
const site = "LS6 1AB";
const mondayMorning = new Date("2026-12-07T07:00:00Z");

const brief = (slots: Slot[]) =>
  slots.map((s) => `${s.engineerName} ${s.startsAt.toISOString()}–${s.endsAt.toISOString().slice(11)}`);

describe("next free slots", () => {
  test("day by day, nearest engineer first, each at their earliest start after the journey from home", () => {
    const slots = nextFreeSlots({ trade: "plumbing", postcode: site, from: mondayMorning, count: 3 }, engineers, []);
    expect(brief(slots)).toEqual([
      "Alice Pipe 2026-12-07T08:30:00.000Z–10:30:00.000Z", // 08:00 + 20 min, on the half-hour
      "Bob Boiler 2026-12-07T09:00:00.000Z–11:00:00.000Z", // 08:00 + 45 min
      "Alice Pipe 2026-12-08T08:30:00.000Z–10:30:00.000Z",
    ]);
    expect(slots[0]!.travelFromHomeMinutes).toBe(20);
    expect(slots[1]!.travelFromHomeMinutes).toBe(45);
  });

  test("only engineers with the trade", () => {
    const slots = nextFreeSlots({ trade: "electrical", postcode: site, from: mondayMorning, count: 2 }, engineers, []);
    expect(brief(slots)).toEqual([
      "Carol Spark 2026-12-07T08:30:00.000Z–10:30:00.000Z",
      "Carol Spark 2026-12-08T08:30:00.000Z–10:30:00.000Z",
    ]);
  });

  test("around visits already booked, with travel before and after them", () => {
    const visits = [
      // Alice is full on Monday: 16:30 + 20 minutes leaves no two hours.
      aVisit("2026-12-07T08:30:00Z", "2026-12-07T16:30:00Z"),
      // Bob is at a Bradford job until 11:00 on Tuesday; the site is 45 minutes away.
      aVisit("2026-12-08T08:00:00Z", "2026-12-08T11:00:00Z", { engineerId: "eng-bob", postcode: "BD1 1AA" }),
    ];
    const slots = nextFreeSlots(
      { trade: "plumbing", postcode: site, from: mondayMorning, count: 4 },
      engineers,
      visits,
    );
    expect(brief(slots)).toEqual([
      "Bob Boiler 2026-12-07T09:00:00.000Z–11:00:00.000Z",
      "Alice Pipe 2026-12-08T08:30:00.000Z–10:30:00.000Z",
      "Bob Boiler 2026-12-08T12:00:00.000Z–14:00:00.000Z", // 11:00 + 45 min, on the half-hour
      "Alice Pipe 2026-12-09T08:30:00.000Z–10:30:00.000Z",
    ]);
  });

  test("not in the past: from midday, the afternoon; after hours on Friday, Monday", () => {
    const midday = nextFreeSlots(
      { trade: "plumbing", postcode: site, from: new Date("2026-12-07T12:10:00Z"), count: 1 },
      engineers,
      [],
    );
    expect(brief(midday)).toEqual(["Alice Pipe 2026-12-07T12:30:00.000Z–14:30:00.000Z"]);
    const friday = nextFreeSlots(
      { trade: "plumbing", postcode: site, from: new Date("2026-12-11T17:30:00Z"), count: 1 },
      engineers,
      [],
    );
    expect(brief(friday)).toEqual(["Alice Pipe 2026-12-14T08:30:00.000Z–10:30:00.000Z"]);
  });

  test("across the spring clock change the offers keep to the London clock", () => {
    // Friday 26 March 2027 after hours; the clocks go forward on Sunday 28th.
    const slots = nextFreeSlots(
      { trade: "plumbing", postcode: site, from: new Date("2027-03-26T18:00:00Z"), count: 1 },
      engineers,
      [],
    );
    expect(brief(slots)).toEqual(["Alice Pipe 2027-03-29T07:30:00.000Z–09:30:00.000Z"]); // 08:30 BST
  });

  test("nothing when every engineer is full for the two weeks, and nobody for a trade no one has", () => {
    const full = Array.from({ length: 16 }, (_, day) => {
      const date = new Date(mondayMorning.getTime() + day * 86_400_000).toISOString().slice(0, 10);
      return [
        aVisit(`${date}T08:00:00Z`, `${date}T17:00:00Z`),
        aVisit(`${date}T08:00:00Z`, `${date}T17:00:00Z`, { engineerId: "eng-bob" }),
      ];
    }).flat();
    expect(
      nextFreeSlots({ trade: "plumbing", postcode: site, from: mondayMorning, count: 3 }, engineers, full),
    ).toEqual([]);
    expect(nextFreeSlots({ trade: "roofing", postcode: site, from: mondayMorning, count: 3 }, engineers, [])).toEqual(
      [],
    );
  });
});
