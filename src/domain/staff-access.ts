import type { Passwords } from "../ports/passwords.ts";
import type { StaffSession, StaffSessions, StaffUsers } from "../ports/staff.ts";
import { ok, reject, type Result } from "./result.ts";
import { checkPassword, isRole, normaliseEmail, type Role, type StaffUser } from "./users.ts";

export interface AccessDeps {
  staffUsers: StaffUsers;
  staffSessions: StaffSessions;
  passwords: Passwords;
  /** A fresh random, unguessable id (at least 128 bits). */
  randomId: () => string;
  now: () => Date;
  idleMinutes: number;
}

const minutes = (n: number) => n * 60_000;

/**
 * Checks the credentials and opens a new session. Always a new session id, so a
 * session id planted before login is worthless after it.
 */
export async function logIn(
  deps: AccessDeps,
  email: string,
  password: string,
): Promise<Result<{ user: StaffUser; session: StaffSession }, "bad_credentials">> {
  const wrong = reject("bad_credentials", "That email and password do not match an account.");
  const normalised = normaliseEmail(email);
  const user = normalised.ok ? await deps.staffUsers.byEmail(normalised.value) : null;
  if (!user) {
    // Spend the same time as a real check so response times do not reveal which emails exist.
    dummyHash ??= deps.passwords.hash("not-a-real-password");
    await deps.passwords.verify(password, await dummyHash);
    return wrong;
  }
  if (!(await deps.passwords.verify(password, user.passwordHash))) return wrong;
  // A disabled account gets the same answer as a wrong password: nothing to learn from trying.
  if (user.disabledAt) return wrong;
  const now = deps.now();
  const session: StaffSession = {
    id: deps.randomId(),
    userId: user.id,
    csrfToken: deps.randomId(),
    createdAt: now,
    lastSeenAt: now,
    expiresAt: new Date(now.getTime() + minutes(deps.idleMinutes)),
  };
  await deps.staffSessions.create(session);
  return ok({ user, session });
}

/** A hash checked against when the email is unknown; made once, on first need. */
let dummyHash: Promise<string> | undefined;

/** Touch at most once a minute: enough for idle expiry, without a write per request. */
const TOUCH_EVERY_MS = 60_000;

/**
 * The user behind a session id, or null when it is unknown or idle too long.
 * Sliding expiry: each use pushes the expiry forward.
 */
export async function resumeSession(
  deps: AccessDeps,
  sessionId: string,
): Promise<{ user: StaffUser; session: StaffSession } | null> {
  const found = await deps.staffSessions.withUser(sessionId);
  if (!found) return null;
  const { session, user } = found;
  const now = deps.now();
  // Disabling deletes the sessions too; this covers one opened while the admin was disabling.
  if (session.expiresAt.getTime() <= now.getTime() || user.disabledAt) {
    await deps.staffSessions.delete(session.id);
    return null;
  }
  if (now.getTime() - session.lastSeenAt.getTime() >= TOUCH_EVERY_MS) {
    const expiresAt = new Date(now.getTime() + minutes(deps.idleMinutes));
    await deps.staffSessions.touch(session.id, now, expiresAt);
    return { user, session: { ...session, lastSeenAt: now, expiresAt } };
  }
  return { user, session };
}

export async function logOut(deps: Pick<AccessDeps, "staffSessions">, sessionId: string): Promise<void> {
  await deps.staffSessions.delete(sessionId);
}

/** Creates a staff account: a valid email not taken yet, a long enough password, a known role. */
export async function addStaffUser(
  deps: Pick<AccessDeps, "staffUsers" | "passwords">,
  input: { email: string; password: string; role?: string; name?: string | null },
): Promise<Result<StaffUser, "invalid_email" | "weak_password" | "invalid_role" | "email_taken">> {
  const email = normaliseEmail(input.email);
  if (!email.ok) return email;
  const password = checkPassword(input.password);
  if (!password.ok) return password;
  const role = input.role ?? "staff";
  if (!isRole(role)) return reject("invalid_role", `Role must be admin or staff, not "${role}".`);
  if (await deps.staffUsers.byEmail(email.value)) {
    return reject("email_taken", `There is already an account for ${email.value}.`);
  }
  const user = await deps.staffUsers.create({
    email: email.value,
    name: input.name ?? null,
    role: role as Role,
    passwordHash: await deps.passwords.hash(password.value),
  });
  return ok(user);
}
