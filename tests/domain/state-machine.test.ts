import { describe, expect, test } from "bun:test";
import {
  isFinal,
  nextStates,
  reachableFrom,
  statesLeadingTo,
  transition,
  type Transitions,
} from "../../src/domain/state-machine.ts";

type Light = "red" | "green" | "amber" | "broken";
const lights: Transitions<Light> = {
  red: ["green"],
  green: ["amber", "broken"],
  amber: ["red", "broken"],
  broken: [],
};

describe("transition", () => {
  test("allows a listed move and returns the new state", () => {
    expect(transition(lights, "red", "green", "light")).toEqual({ ok: true, value: "green" });
  });

  test("refuses an unlisted move, saying where it could go instead", () => {
    expect(transition(lights, "red", "amber", "light")).toEqual({
      ok: false,
      reason: "illegal_transition",
      message: "A light cannot go from red to amber: from red it can go to green.",
    });
  });

  test("lists every way out when there are several", () => {
    const result = transition(lights, "green", "red", "light");
    expect(result.ok || result.message).toBe(
      "A light cannot go from green to red: from green it can go to amber, broken.",
    );
  });

  test("refuses staying put unless the table allows it", () => {
    expect(transition(lights, "green", "green", "light").ok).toBe(false);
  });

  test("says a final state is final", () => {
    const result = transition(lights, "broken", "red", "light");
    expect(result.ok || result.message).toBe("A light cannot go from broken to red: broken is final.");
  });

  test("refuses, without throwing, a from-state the table does not know (e.g. an old value in storage)", () => {
    const unknown = transition(lights, "flashing" as Light, "red", "light");
    expect(unknown).toEqual({
      ok: false,
      reason: "illegal_transition",
      message: "A light cannot go from flashing to red: flashing is not a light status we know.",
    });
    // Names that exist on every object must not be mistaken for states.
    expect(transition(lights, "constructor" as Light, "red", "light").ok).toBe(false);
    expect(transition(lights, "toString" as Light, "red", "light").ok).toBe(false);
  });

  test("refuses a to-state the table does not know", () => {
    expect(transition(lights, "red", "blue" as Light, "light").ok).toBe(false);
  });
});

describe("nextStates and isFinal", () => {
  test("nextStates lists the table's entry", () => {
    expect(nextStates(lights, "green")).toEqual(["amber", "broken"]);
    expect(nextStates(lights, "broken")).toEqual([]);
  });

  test("a state with no way out is final; an unknown one counts as final too", () => {
    expect(isFinal(lights, "broken")).toBe(true);
    expect(isFinal(lights, "red")).toBe(false);
    expect(isFinal(lights, "constructor" as Light)).toBe(true);
  });
});

describe("statesLeadingTo and reachableFrom", () => {
  test("statesLeadingTo lists every state with an arrow to the given one, in the table's order", () => {
    expect(statesLeadingTo(lights, "broken")).toEqual(["green", "amber"]);
    expect(statesLeadingTo(lights, "red")).toEqual(["amber"]);
    expect(statesLeadingTo(lights, "blue" as Light)).toEqual([]);
  });

  test("reachableFrom is the state itself and everything after it, following loops once", () => {
    expect(reachableFrom(lights, "amber")).toEqual(["red", "green", "amber", "broken"]);
    expect(reachableFrom(lights, "broken")).toEqual(["broken"]);
    expect(reachableFrom(lights, "constructor" as Light)).toEqual([]);
  });
});
