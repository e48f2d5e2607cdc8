import { describe, expect, test } from "bun:test";
import { divideRounded, formatPence, formatPoundsBrief, parsePounds } from "../../src/domain/money.ts";
import { seededRandom } from "./random.ts";

describe("divideRounded", () => {
  test.each([
    [10, 2, 5], // exact
    [-10, 2, -5],
    [0, 7, 0],
    [7, 2, 4], // 3.5: half away from zero
    [-7, 2, -4], // -3.5
    [7, -2, -4],
    [-7, -2, 4],
    [1, 2, 1], // 0.5
    [-1, 2, -1],
    [5, 3, 2], // 1.67
    [4, 3, 1], // 1.33
    [-5, 3, -2],
    [-4, 3, -1],
    [4995, 10, 500], // 499.5
    [4994, 10, 499],
    [Number.MAX_SAFE_INTEGER, 2, 4503599627370496], // 4503599627370495.5, exactly
    [Number.MAX_SAFE_INTEGER - 1, 2, 4503599627370495],
  ])("%p / %p → %p", (numerator, denominator, expected) => {
    expect(divideRounded(numerator, denominator)).toBe(expected);
  });

  test("a negative that rounds to zero is 0, not -0", () => {
    expect(Object.is(divideRounded(-1, 3), 0)).toBe(true);
    expect(Object.is(divideRounded(0, -5), 0)).toBe(true);
  });

  test("agrees with exact BigInt arithmetic across random values", () => {
    const random = seededRandom(7);
    for (let i = 0; i < 5000; i++) {
      const n = random.int(-1e12, 1e12);
      const d = random.pick([1, 2, 3, 7, 10, 100, 1000, 10_000, random.int(1, 1e6)]) * random.pick([1, -1]);
      const N = BigInt(Math.abs(n));
      const D = BigInt(Math.abs(d));
      const magnitude = Number((2n * N + D) / (2n * D));
      const expected = n < 0 !== d < 0 ? -magnitude : magnitude;
      expect(divideRounded(n, d)).toBe(expected || 0);
    }
  });

  test("throws on fractions, unsafe integers and division by zero: those are bugs, not outcomes", () => {
    expect(() => divideRounded(1, 0)).toThrow(RangeError);
    expect(() => divideRounded(1.5, 2)).toThrow(RangeError);
    expect(() => divideRounded(1, 2.5)).toThrow(RangeError);
    expect(() => divideRounded(Number.NaN, 1)).toThrow(RangeError);
    expect(() => divideRounded(2 ** 53, 1)).toThrow(RangeError);
  });
});

describe("formatPence", () => {
  test.each([
    [0, "£0.00"],
    [1, "£0.01"],
    [99, "£0.99"],
    [1250, "£12.50"],
    [123456, "£1,234.56"],
    [100_000_000, "£1,000,000.00"],
    [-1250, "-£12.50"],
    [-0, "£0.00"],
  ])("%p → %p", (pence, shown) => {
    expect(formatPence(pence)).toBe(shown);
  });
});

describe("parsePounds", () => {
  test.each([
    ["12.50", 1250],
    ["12.5", 1250],
    ["7", 700],
    [" 7 ", 700],
    ["0.01", 1],
    ["0.5", 50],
    ["0", 0],
    ["£12.5", 1250],
    ["£ 12", 1200],
    ["£1,234.5", 123450],
    ["1,234,567.89", 123456789],
    ["-£12", -1200],
    ["£-12", -1200],
    ["-12.34", -1234],
  ])("%p → %p pence", (input, pence) => {
    expect(parsePounds(input)).toBe(pence);
  });

  test("minus nothing is zero, not -0", () => {
    expect(Object.is(parsePounds("-0"), 0)).toBe(true);
    expect(Object.is(parsePounds("-£0.00"), 0)).toBe(true);
  });

  test.each([
    "",
    "£",
    "-",
    "abc",
    "12.",
    ".5",
    "12.345", // a fraction of a penny
    "1,23", // misplaced thousands separator
    "12,34.00",
    "1.234,56", // continental notation
    "$12",
    "12 50",
    "--12",
    "-£-12",
    "1e3",
    "99999999999999999999", // beyond safe integers
  ])("%p is not an amount", (input) => {
    expect(parsePounds(input)).toBeNull();
  });

  test("reads back whatever formatPence printed", () => {
    const random = seededRandom(11);
    for (let i = 0; i < 2000; i++) {
      const pence = random.int(-1e10, 1e10) || 0;
      expect(parsePounds(formatPence(pence))).toBe(pence);
    }
  });
});

describe("formatPoundsBrief", () => {
  test("writes a limit in whole pounds, and any other amount with its pence", () => {
    expect(formatPoundsBrief(5_000_000)).toBe("£50,000");
    expect(formatPoundsBrief(100)).toBe("£1");
    expect(formatPoundsBrief(0)).toBe("£0");
    expect(formatPoundsBrief(123_456)).toBe("£1,234.56");
    expect(formatPoundsBrief(5)).toBe("£0.05");
  });
});
