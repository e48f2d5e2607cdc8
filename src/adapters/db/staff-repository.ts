import { and, asc, count, eq, isNull, lt, sql } from "drizzle-orm";
import { reject } from "../../domain/result.ts";
import { sessionKey } from "../../domain/session-key.ts";
import type { StaffUser } from "../../domain/users.ts";
import type { StaffSession, StaffSessions, StaffUsers } from "../../ports/staff.ts";
import type { Database } from "./database-handle.ts";
import { isUniqueViolation } from "./pg-errors.ts";
import { isUuid, UNNAMED } from "./query-helpers.ts";
import { staffSessions, staffUsers } from "./schema.ts";

type UserRow = typeof staffUsers.$inferSelect;

const toUser = (row: UserRow): StaffUser => ({
  id: row.id,
  email: row.email,
  name: row.name,
  role: row.role,
  passwordHash: row.passwordHash,
  createdAt: row.createdAt,
  disabledAt: row.disabledAt,
});

/** Thrown by StaffUsers.create when the email is taken; the message is fit to show. */
export class DuplicateEmailError extends Error {
  constructor(email: string) {
    super(`A staff user with the email ${email} already exists.`);
    this.name = "DuplicateEmailError";
  }
}

/** Staff accounts; emails are stored and looked up lower-cased. */
export function createStaffUsersRepository(db: Database): StaffUsers {
  return {
    async create(user) {
      const email = user.email.trim().toLowerCase();
      try {
        const [row] = await db
          .insert(staffUsers)
          .values({ ...user, email })
          .returning();
        return toUser(row!);
      } catch (error) {
        if (isUniqueViolation(error, "staff_users_email_unique")) throw new DuplicateEmailError(email);
        throw error;
      }
    },

    async byEmail(email) {
      const [row] = await db.select().from(staffUsers).where(eq(staffUsers.email, email.trim().toLowerCase()));
      return row ? toUser(row) : null;
    },

    async byId(id) {
      if (!isUuid(id)) return null;
      const [row] = await db.select().from(staffUsers).where(eq(staffUsers.id, id));
      return row ? toUser(row) : null;
    },

    async setPassword(id, passwordHash) {
      if (!isUuid(id)) return;
      await db.update(staffUsers).set({ passwordHash, updatedAt: new Date() }).where(eq(staffUsers.id, id));
    },

    async count() {
      const [row] = await db.select({ n: count() }).from(staffUsers);
      return row?.n ?? 0;
    },

    async list() {
      const rows = await db.select().from(staffUsers).orderBy(asc(staffUsers.role), asc(staffUsers.email));
      return rows.map(toUser);
    },

    async change(id, decide) {
      const missing = reject("not_found", "There is no staff user with that id.");
      if (!isUuid(id)) return missing;
      return db.transaction(async (tx) => {
        // Lock the active admins first (then the target): a concurrent change waits here and
        // then counts the admins as this one left them.
        const admins = await tx
          .select({ id: staffUsers.id })
          .from(staffUsers)
          .where(and(eq(staffUsers.role, "admin"), isNull(staffUsers.disabledAt)))
          .orderBy(asc(staffUsers.id)) // one lock order for every caller: no deadlock between two changes
          .for("update");
        const [row] = await tx.select().from(staffUsers).where(eq(staffUsers.id, id)).for("update");
        if (!row) return missing;
        const decided = decide(toUser(row), admins.length);
        if (!decided.ok) return decided;
        const [updated] = await tx
          .update(staffUsers)
          .set({ ...decided.value, updatedAt: new Date() })
          .where(eq(staffUsers.id, id))
          .returning();
        return { ok: true as const, value: toUser(updated!) };
      });
    },
  };
}

/** The row carries only the id's digest; the caller, who presented the id, gets it back. */
const toSession = (id: string, row: typeof staffSessions.$inferSelect): StaffSession => ({
  id,
  userId: row.userId,
  csrfToken: row.csrfToken,
  createdAt: row.createdAt,
  lastSeenAt: row.lastSeenAt,
  expiresAt: row.expiresAt,
});

/**
 * Login sessions, stored under the SHA-256 of their id (sessionKey): every method takes the id
 * the cookie carries and hashes it, so the table never holds a value that works as a cookie.
 * byId does not judge expiry (the caller compares expiresAt with its clock); deleteExpired sweeps them.
 */
export function createStaffSessionsRepository(db: Database): StaffSessions {
  // Read on every staff request and every live stream a tab opens: SQL built once.
  const sessionByKey = db
    .select()
    .from(staffSessions)
    .where(eq(staffSessions.id, sql.placeholder("key")))
    .prepare(UNNAMED);
  const sessionWithUser = db
    .select({ session: staffSessions, user: staffUsers })
    .from(staffSessions)
    .innerJoin(staffUsers, eq(staffUsers.id, staffSessions.userId))
    .where(eq(staffSessions.id, sql.placeholder("key")))
    .prepare(UNNAMED);
  return {
    async create(session) {
      await db.insert(staffSessions).values({ ...session, id: await sessionKey(session.id) });
    },

    async byId(id) {
      const [row] = await sessionByKey.execute({ key: await sessionKey(id) });
      return row ? toSession(id, row) : null;
    },

    async withUser(id) {
      const [row] = await sessionWithUser.execute({ key: await sessionKey(id) });
      return row ? { session: toSession(id, row.session), user: toUser(row.user) } : null;
    },

    async touch(id, lastSeenAt, expiresAt) {
      await db
        .update(staffSessions)
        .set({ lastSeenAt, expiresAt })
        .where(eq(staffSessions.id, await sessionKey(id)));
    },

    async delete(id) {
      await db.delete(staffSessions).where(eq(staffSessions.id, await sessionKey(id)));
    },

    async deleteForUser(userId) {
      if (!isUuid(userId)) return 0;
      const deleted = await db
        .delete(staffSessions)
        .where(eq(staffSessions.userId, userId))
        .returning({ id: staffSessions.id });
      return deleted.length;
    },

    async deleteExpired(now) {
      const deleted = await db
        .delete(staffSessions)
        .where(lt(staffSessions.expiresAt, now))
        .returning({ id: staffSessions.id });
      return deleted.length;
    },
  };
}
