import { describe, expect, test } from "bun:test";
import { MIN_PASSWORD_LENGTH, ROLES, checkPassword, isRole, normaliseEmail } from "../../src/domain/users.ts";

describe("normaliseEmail", () => {
  test("trims and lower-cases", () => {
    expect(normaliseEmail("  Dispatch@Example.CO.UK ")).toEqual({ ok: true, value: "dispatch@example.co.uk" });
  });

  test.each([
    "",
    "   ",
    "plainaddress",
    "no-at.example.com",
    "a@b",
    "a@@b.com",
    "a b@example.com",
    "@example.com",
    "a@.com x",
  ])("refuses %p with a message", (input) => {
    expect(normaliseEmail(input)).toEqual({
      ok: false,
      reason: "invalid_email",
      message: `"${input}" is not an email address.`,
    });
  });
});

describe("checkPassword", () => {
  test(`needs at least ${MIN_PASSWORD_LENGTH} characters`, () => {
    expect(MIN_PASSWORD_LENGTH).toBe(10);
    expect(checkPassword("a".repeat(9))).toEqual({
      ok: false,
      reason: "weak_password",
      message: "A password needs at least 10 characters, not counting spaces at the ends.",
    });
    expect(checkPassword("")).toMatchObject({ ok: false, reason: "weak_password" });
  });

  test("spaces at the ends do not count; more than 256 characters is refused", () => {
    expect(checkPassword("          ")).toMatchObject({ ok: false, reason: "weak_password" });
    expect(checkPassword("  short  ")).toMatchObject({ ok: false, reason: "weak_password" });
    expect(checkPassword("x".repeat(257))).toMatchObject({
      ok: false,
      message: "A password can have at most 256 characters.",
    });
    expect(checkPassword("x".repeat(256))).toMatchObject({ ok: true });
  });

  test("accepts ten characters and more, unchanged", () => {
    expect(checkPassword("correcthor")).toEqual({ ok: true, value: "correcthor" });
    expect(checkPassword("correct horse battery staple")).toEqual({ ok: true, value: "correct horse battery staple" });
  });
});

describe("isRole", () => {
  test("admin, staff and engineer are roles; nothing else is", () => {
    expect(ROLES).toEqual(["admin", "staff", "engineer"]);
    expect(isRole("admin")).toBe(true);
    expect(isRole("staff")).toBe(true);
    expect(isRole("engineer")).toBe(true);
    for (const other of ["Admin", "owner", "", "constructor"]) expect(isRole(other)).toBe(false);
  });
});
