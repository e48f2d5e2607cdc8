import { ok, reject, type Result } from "./result.ts";

export const ROLES = ["admin", "staff", "engineer"] as const;
export type Role = (typeof ROLES)[number];

/**
 * The roles an admin gives an account directly. An engineer also needs trades and working hours,
 * so is added as one (`npm run cli -- engineer add`), never made by changing a role.
 */
export const OFFICE_ROLES = ["admin", "staff"] as const satisfies readonly Role[];
export const isOfficeRole = (value: string): value is (typeof OFFICE_ROLES)[number] =>
  (OFFICE_ROLES as readonly string[]).includes(value);

export interface StaffUser {
  id: string;
  email: string;
  name: string | null;
  role: Role;
  passwordHash: string;
  createdAt: Date;
  /** Set when an admin disabled the account: it cannot log in and has no sessions. */
  disabledAt: Date | null;
}

export const MIN_PASSWORD_LENGTH = 10;

export function normaliseEmail(input: string): Result<string, "invalid_email"> {
  const email = input.trim().toLowerCase();
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)
    ? ok(email)
    : reject("invalid_email", `"${input}" is not an email address.`);
}

/** Long enough to resist guessing, short enough not to be a hashing denial of service. */
export const MAX_PASSWORD_LENGTH = 256;

export function checkPassword(password: string): Result<string, "weak_password"> {
  if (password.trim().length < MIN_PASSWORD_LENGTH) {
    return reject(
      "weak_password",
      `A password needs at least ${MIN_PASSWORD_LENGTH} characters, not counting spaces at the ends.`,
    );
  }
  if (password.length > MAX_PASSWORD_LENGTH)
    return reject("weak_password", `A password can have at most ${MAX_PASSWORD_LENGTH} characters.`);
  return ok(password);
}

export const isRole = (value: string): value is Role => (ROLES as readonly string[]).includes(value);
