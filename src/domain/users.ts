import { ok, reject, type Result } from "./result.ts";

export const ROLES = ["admin", "staff"] as const;
export type Role = (typeof ROLES)[number];

export interface StaffUser {
  id: string;
  email: string;
  name: string | null;
  role: Role;
  passwordHash: string;
  createdAt: Date;
}

export const MIN_PASSWORD_LENGTH = 10;

export function normaliseEmail(input: string): Result<string, "invalid_email"> {
  const email = input.trim().toLowerCase();
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) ? ok(email) : reject("invalid_email", `"${input}" is not an email address.`);
}

export function checkPassword(password: string): Result<string, "weak_password"> {
  return password.length >= MIN_PASSWORD_LENGTH
    ? ok(password)
    : reject("weak_password", `A password needs at least ${MIN_PASSWORD_LENGTH} characters.`);
}

export const isRole = (value: string): value is Role => (ROLES as readonly string[]).includes(value);
