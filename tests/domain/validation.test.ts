import { describe, expect, test } from "bun:test";
import { blankToNull, checkLengths, invalid, validated, type FieldErrors } from "../../src/domain/validation.ts";

describe("blankToNull", () => {
  test("trims, and turns nothing into null", () => {
    expect(blankToNull("  Ann ")).toBe("Ann");
    for (const nothing of ["", "   ", "\t\n", undefined, null]) expect(blankToNull(nothing)).toBeNull();
  });
});

describe("validated", () => {
  test("builds the value only when there are no errors", () => {
    let built = 0;
    const build = () => {
      built += 1;
      return { name: "Ann" };
    };
    expect(validated({}, build)).toEqual({ ok: true, value: { name: "Ann" } });
    expect(validated({ name: "Say a name." }, build)).toEqual(invalid({ name: "Say a name." }));
    expect(built).toBe(1);
  });

  test("invalid carries the field errors under one reason", () => {
    expect(invalid({ email: "That is not an email address." })).toEqual({
      ok: false,
      reason: "invalid",
      message: "Some fields need attention.",
      errors: { email: "That is not an email address." },
    });
  });
});

describe("checkLengths", () => {
  test("adds an error for each field over its limit; the limit itself is fine", () => {
    const errors: FieldErrors = {};
    checkLengths({ a: "xxxx", b: "xxx", c: undefined, d: 5 }, { a: 3, b: 3, c: 1 }, errors);
    expect(errors).toEqual({ a: "Keep it to 3 characters or fewer." });
  });

  test("measures the trimmed value, as that is what is stored", () => {
    const errors: FieldErrors = {};
    checkLengths({ a: "  xxx  " }, { a: 3 }, errors);
    expect(errors).toEqual({});
  });

  test("keeps errors already found for other fields", () => {
    const errors: FieldErrors = { email: "That is not an email address." };
    checkLengths({ name: "xxx" }, { name: 2 }, errors);
    expect(errors).toEqual({ email: "That is not an email address.", name: "Keep it to 2 characters or fewer." });
  });
});
