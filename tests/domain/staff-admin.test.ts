import { describe, expect, test } from "bun:test";
import { isActiveAdmin, keepsAnAdmin } from "../../src/domain/staff-admin.ts";
import type { StaffUser } from "../../src/domain/users.ts";

const aUser = (overrides: Partial<StaffUser> = {}): StaffUser => ({
  id: "u1",
  email: "ann@handy.example",
  name: null,
  role: "admin",
  passwordHash: "x",
  createdAt: new Date("2026-11-01T09:00:00Z"),
  disabledAt: null,
  ...overrides,
});

describe("keepsAnAdmin", () => {
  test("the last active admin can be neither demoted nor disabled, with a reason naming them", () => {
    const last = aUser();
    for (const change of [{ role: "staff" as const }, { disabledAt: new Date() }]) {
      const refused = keepsAnAdmin(last, change, 1);
      expect(refused.ok).toBe(false);
      if (!refused.ok) {
        expect(refused.reason).toBe("last_admin");
        expect(refused.message).toContain("ann@handy.example is the last active admin");
      }
    }
  });

  test("with another active admin, either change is allowed", () => {
    expect(keepsAnAdmin(aUser(), { role: "staff" }, 2)).toEqual({ ok: true, value: { role: "staff" } });
    expect(keepsAnAdmin(aUser(), { disabledAt: new Date(0) }, 2).ok).toBe(true);
  });

  test("changes that keep the admin, and changes to staff or disabled admins, are always allowed", () => {
    expect(keepsAnAdmin(aUser(), { role: "admin" }, 1).ok).toBe(true);
    expect(keepsAnAdmin(aUser(), { disabledAt: null }, 1).ok).toBe(true);
    expect(keepsAnAdmin(aUser(), { passwordHash: "y" }, 1).ok).toBe(true);
    expect(keepsAnAdmin(aUser({ role: "staff" }), { disabledAt: new Date() }, 1).ok).toBe(true);
    expect(keepsAnAdmin(aUser({ disabledAt: new Date() }), { role: "staff" }, 1).ok).toBe(true);
  });

  test("a disabled admin does not count as an active one", () => {
    expect(isActiveAdmin(aUser())).toBe(true);
    expect(isActiveAdmin(aUser({ disabledAt: new Date() }))).toBe(false);
    expect(isActiveAdmin(aUser({ role: "staff" }))).toBe(false);
  });
});
