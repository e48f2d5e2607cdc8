import type { Result } from "../domain/result.ts";
import type { Role, StaffUser } from "../domain/users.ts";

/** What an admin may change on an account. */
export interface StaffUserChange {
  role?: Role;
  disabledAt?: Date | null;
  passwordHash?: string;
}

/** Staff accounts. */
export interface StaffUsers {
  create(user: { email: string; name: string | null; role: Role; passwordHash: string }): Promise<StaffUser>;
  byEmail(email: string): Promise<StaffUser | null>;
  byId(id: string): Promise<StaffUser | null>;
  setPassword(id: string, passwordHash: string): Promise<void>;
  count(): Promise<number>;
  /** Every account, admins first, then by email. */
  list(): Promise<StaffUser[]>;
  /**
   * Changes one account as `decide` allows, given the account and the number of active admins.
   * Runs under a lock on the active admins, so two admins demoting each other at once cannot
   * leave none.
   */
  change<R extends string>(
    id: string,
    decide: (user: StaffUser, activeAdmins: number) => Result<StaffUserChange, R>,
  ): Promise<Result<StaffUser, R | "not_found">>;
}

export interface StaffSession {
  id: string;
  userId: string;
  csrfToken: string;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
}

/**
 * Server-side login sessions; the cookie carries only the random id. Ids go in and come back as
 * the cookie carries them, but the store keeps only their SHA-256 (sessionKey in the domain), so
 * a copy of it cannot be replayed as a login.
 */
export interface StaffSessions {
  create(session: StaffSession): Promise<void>;
  byId(id: string): Promise<StaffSession | null>;
  /** The session and its user in one round trip (every staff request asks for both). */
  withUser(id: string): Promise<{ session: StaffSession; user: StaffUser } | null>;
  touch(id: string, lastSeenAt: Date, expiresAt: Date): Promise<void>;
  delete(id: string): Promise<void>;
  /** Ends every session of one user (disabled, or their password reset). */
  deleteForUser(userId: string): Promise<number>;
  deleteExpired(now: Date): Promise<number>;
}
