import type { LiveEvents } from "../ports/live-events.ts";
import type { Passwords } from "../ports/passwords.ts";
import type { StaffSession, StaffSessions, StaffUsers } from "../ports/staff.ts";
import { ok, reject, type Result } from "./result.ts";
import { sessionKey } from "./session-key.ts";
import { STAFF_SESSIONS_CHANNEL } from "./staff-sessions-channel.ts";
import {
  checkPassword,
  isOfficeRole,
  MAX_PASSWORD_LENGTH,
  normaliseEmail,
  type Role,
  type StaffUser,
} from "./users.ts";

export interface AccessDeps {
  staffUsers: StaffUsers;
  staffSessions: StaffSessions;
  passwords: Passwords;
  /** Tells open live streams (this instance and others) that a session has ended. */
  liveEvents: LiveEvents;
  /** A fresh random, unguessable id (at least 128 bits). */
  randomId: () => string;
  now: () => Date;
  /** A session unused this long ends. */
  idleMinutes: number;
  /** A session ends this long after login however busy it is, so a stolen cookie does not live for ever. */
  maxHours: number;
}

const minutes = (n: number) => n * 60_000;

/** The later of the two limits a session can reach: idle expiry, pushed forward by use, never past the absolute one. */
const expiryFrom = (deps: Pick<AccessDeps, "idleMinutes" | "maxHours">, createdAt: Date, now: Date) =>
  new Date(Math.min(now.getTime() + minutes(deps.idleMinutes), createdAt.getTime() + minutes(deps.maxHours * 60)));

/** Whether a session has ended by time: idle too long, or older than the absolute lifetime. */
export function sessionHasEnded(
  deps: Pick<AccessDeps, "maxHours">,
  session: Pick<StaffSession, "createdAt" | "expiresAt">,
  now: Date,
): boolean {
  return (
    session.expiresAt.getTime() <= now.getTime() ||
    now.getTime() - session.createdAt.getTime() >= minutes(deps.maxHours * 60)
  );
}

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
  // No account has a longer one, and hashing megabytes on request is a denial of service.
  if (password.length > MAX_PASSWORD_LENGTH) return wrong;
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
    expiresAt: expiryFrom(deps, now, now),
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
  if (sessionHasEnded(deps, session, now) || user.disabledAt) {
    await logOut(deps, session.id);
    return null;
  }
  if (now.getTime() - session.lastSeenAt.getTime() >= TOUCH_EVERY_MS) {
    const expiresAt = expiryFrom(deps, session.createdAt, now);
    await deps.staffSessions.touch(session.id, now, expiresAt);
    return { user, session: { ...session, lastSeenAt: now, expiresAt } };
  }
  return { user, session };
}

/**
 * Whether a session may still stream to its viewer: it exists and has not ended by time. Unlike
 * resumeSession it does not count as activity, so a page left open does not keep a login alive.
 */
export async function sessionIsLive(
  deps: Pick<AccessDeps, "staffSessions" | "now" | "maxHours">,
  sessionId: string,
): Promise<boolean> {
  const session = await deps.staffSessions.byId(sessionId);
  return session !== null && !sessionHasEnded(deps, session, deps.now());
}

/** Ends a session on the server and tells its open live streams, wherever they are served, to close. */
export async function logOut(deps: Pick<AccessDeps, "staffSessions" | "liveEvents">, sessionId: string): Promise<void> {
  await deps.staffSessions.delete(sessionId);
  await deps.liveEvents.publish(STAFF_SESSIONS_CHANNEL, {
    type: "ended",
    data: { sessionKey: await sessionKey(sessionId) },
  });
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
  if (!isOfficeRole(role))
    return reject(
      "invalid_role",
      `Role must be admin or staff, not "${role}"` +
        (role === "engineer" ? " (engineers are added with `npm run cli -- engineer add`)." : "."),
    );
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
