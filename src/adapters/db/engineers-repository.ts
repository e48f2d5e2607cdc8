import { and, asc, eq, isNull } from "drizzle-orm";
import type { Engineer } from "../../domain/scheduling/engineers.ts";
import type { E164 } from "../../domain/phone.ts";
import type { Engineers } from "../../ports/scheduling.ts";
import type { Database } from "./database-handle.ts";
import { isUniqueViolation } from "./pg-errors.ts";
import { isUuid, UNNAMED } from "./query-helpers.ts";
import { auditLog, engineers, staffUsers } from "./schema.ts";
import { DuplicateEmailError } from "./staff-repository.ts";

type Row = { profile: typeof engineers.$inferSelect; user: Pick<typeof staffUsers.$inferSelect, "email" | "name"> };

const toEngineer = ({ profile, user }: Row): Engineer => ({
  userId: profile.userId,
  name: user.name,
  email: user.email,
  trades: profile.trades,
  homePostcode: profile.homePostcode,
  hours: profile.hours,
  phone: profile.phone as E164 | null,
});

/** Engineers' profiles, joined to their staff accounts for name and email. */
export function createEngineersRepository(db: Database): Engineers {
  const joined = () =>
    db
      .select({ profile: engineers, user: { email: staffUsers.email, name: staffUsers.name } })
      .from(engineers)
      .innerJoin(staffUsers, eq(staffUsers.id, engineers.userId));

  // The board and every booking form list the active engineers: built once, not per request.
  const activeRead = joined()
    .where(and(eq(staffUsers.role, "engineer"), isNull(staffUsers.disabledAt)))
    .orderBy(asc(staffUsers.name), asc(staffUsers.email))
    .prepare(UNNAMED);

  return {
    async create(engineer) {
      const email = engineer.email.trim().toLowerCase();
      try {
        return await db.transaction(async (tx) => {
          const [user] = await tx
            .insert(staffUsers)
            .values({ email, name: engineer.name, role: "engineer", passwordHash: engineer.passwordHash })
            .returning();
          const [profile] = await tx
            .insert(engineers)
            .values({
              userId: user!.id,
              trades: engineer.trades,
              homePostcode: engineer.homePostcode,
              hours: [...engineer.hours],
              phone: engineer.phone ?? null,
            })
            .returning();
          return toEngineer({ profile: profile!, user: user! });
        });
      } catch (error) {
        if (isUniqueViolation(error, "staff_users_email_unique")) throw new DuplicateEmailError(email);
        throw error;
      }
    },

    async byId(userId) {
      if (!isUuid(userId)) return null;
      const [row] = await joined().where(eq(engineers.userId, userId));
      return row ? toEngineer(row) : null;
    },

    async active() {
      return (await activeRead.execute()).map(toEngineer);
    },

    async calendarToken(userId) {
      if (!isUuid(userId)) return null;
      const [row] = await db
        .select({ token: engineers.calendarToken })
        .from(engineers)
        .where(eq(engineers.userId, userId));
      return row?.token ?? null;
    },

    async setCalendarToken(userId, token, actor) {
      if (!isUuid(userId)) return false;
      return db.transaction(async (tx) => {
        const [row] = await tx
          .update(engineers)
          .set({ calendarToken: token, updatedAt: new Date() })
          .where(eq(engineers.userId, userId))
          .returning({ userId: engineers.userId });
        if (!row) return false;
        // The secret itself stays out of the trail: whoever reads it could subscribe.
        await tx
          .insert(auditLog)
          .values({ who: actor.who, what: "calendar feed address made anew", entity: "user", entityId: userId });
        return true;
      });
    },

    async setPhone(userId, phone, actor) {
      if (!isUuid(userId)) return false;
      return db.transaction(async (tx) => {
        const [row] = await tx
          .update(engineers)
          .set({ phone, updatedAt: new Date() })
          .where(eq(engineers.userId, userId))
          .returning({ userId: engineers.userId });
        if (!row) return false;
        // Personal data stays out of the trail: it says that the number changed, not what to.
        await tx.insert(auditLog).values({
          who: actor.who,
          what: phone ? "phone number changed" : "phone number removed",
          entity: "user",
          entityId: userId,
          ...(actor.at ? { at: actor.at } : {}),
        });
        return true;
      });
    },

    async byCalendarToken(token) {
      const [row] = await joined().where(
        and(eq(engineers.calendarToken, token), eq(staffUsers.role, "engineer"), isNull(staffUsers.disabledAt)),
      );
      return row ? toEngineer(row) : null;
    },
  };
}
