import { describe, expect, test } from "bun:test";
import { isBargeIn } from "../../../src/domain/assistant/barge-in.ts";

describe("what counts as the customer talking over the assistant", () => {
  test.each([
    ["", false, 0, false],
    ["uh", false, 200, false],
    ["hm", true, 400, false],
    ["another time", false, 200, true],
    ["well", false, 600, true],
    ["well", false, 599, false],
    ["Yes.", true, 250, true],
    ["No.", true, 250, true],
    ["Yes.", false, 250, false],
  ] as const)("%p (final %p, %p ms) → %p", (text, isFinal, spanMs, expected) => {
    expect(isBargeIn({ text, isFinal, spanMs })).toBe(expected);
  });
});
