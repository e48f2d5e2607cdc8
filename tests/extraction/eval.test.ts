import { expect, test } from "bun:test";
import { extractByRules } from "../../src/adapters/local/rules-extractor/index.ts";
import { loadLabelledCalls, RULES_FLOORS, score, type ScoredField } from "./labelled-set.ts";

const calls = loadLabelledCalls("main");
const { fields, misses } = score(
  calls,
  calls.map((call) => extractByRules(call.transcript)),
);

test("the labelled set has at least 40 calls, the three fixture calls among them", () => {
  expect(calls.length).toBeGreaterThanOrEqual(40);
  const ids = calls.map((call) => call.id);
  for (const fixture of ["01-boiler-leak-tenant", "02-burst-pipe-agent", "03-extractor-fan-landlord"])
    expect(ids).toContain(fixture);
});

test.each(Object.entries(RULES_FLOORS) as [ScoredField, number][])(
  "rules extractor: %s accuracy holds its floor of %p",
  (field, floor) => {
    const figure = fields.find((f) => f.field === field)!;
    const wrong = misses
      .filter((m) => m.field === field)
      .map((m) => `${m.id}: expected ${m.expected}, got ${m.actual}`);
    expect({ accuracy: figure.accuracy, wrong }).toEqual({ accuracy: expect.any(Number), wrong: expect.any(Array) });
    if (figure.accuracy < floor)
      throw new Error(`${field} ${(figure.accuracy * 100).toFixed(1)}% is under ${floor * 100}%:\n${wrong.join("\n")}`);
  },
);

test("every call in every set is labelled with known values", () => {
  for (const set of ["main", "held-out", "blind"] as const) {
    for (const call of loadLabelledCalls(set)) {
      expect(["emergency", "urgent", "routine", null]).toContain(call.expected.urgency);
      expect(["tenant", "landlord", "homeowner", "letting_agent", "commercial", "unknown"]).toContain(
        call.expected.segment,
      );
      expect(call.transcript.lines.length).toBeGreaterThan(0);
    }
  }
});
