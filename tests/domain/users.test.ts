import { describe, expect, test } from "bun:test";
import { MIN_PASSWORD_LENGTH, ROLES, checkPassword, isRole, normaliseEmail } from "../../src/domain/users.ts";

describe("normaliseEmail", () => {
  test("trims and lower-cases", () => {
    expect(normaliseEmail("  Dispatch@Example.CO.UK ")).toEqual({ ok: true, value: "dispatch@example.co.uk" });
  });

  test.each(["", "   ", "plainaddress", "no-at.example.com", "a@b", "a@@b.com", "a b@example.com", "@example.com", "a@.com x"])(
    "refuses %p with a message",
    (input) => {
      expect(normaliseEmail(input)).toEqual({
        ok: false,
        reason: "invalid_email",
        message: `"${input}" is not an email address.`,
      });
    },
  );
});

describe("checkPassword", () => {
  test(`needs at least ${MIN_PASSWORD_LENGTH} characters`, () => {
    expect(MIN_PASSWORD_LENGTH).toBe(10);
    expect(checkPassword("a".repeat(9))).toEqual({
      ok: false,
      reason: "weak_password",
      message: "A password needs at least 10 characters.",
    });
    expect(checkPassword("")).toMatchObject({ ok: false, reason: "weak_password" });
  });

  test("accepts ten characters and more, unchanged", () => {
    expect(checkPassword("correcthor")).toEqual({ ok: true, value: "correcthor" });
    expect(checkPassword("correct horse battery staple")).toEqual({ ok: true, value: "correct horse battery staple" });
  });
});

describe("isRole", () => {
  test("admin and staff are roles; nothing else is", () => {
    expect(ROLES).toEqual(["admin", "staff"]);
    expect(isRole("admin")).toBe(true);
    expect(isRole("staff")).toBe(true);
    for (const other of ["Admin", "owner", "", "constructor"]) expect(isRole(other)).toBe(false);
  });
});
