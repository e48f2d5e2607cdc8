import { eq, sql } from "drizzle-orm";
import type { Settings } from "../../ports/settings.ts";
import type { Database } from "./database-handle.ts";
import { UNNAMED } from "./query-helpers.ts";
import { settings } from "./schema.ts";

export function createSettingsRepository(db: Database): Settings {
  const setting = db
    .select()
    .from(settings)
    .where(eq(settings.key, sql.placeholder("key")))
    .prepare(UNNAMED);
  return {
    async get<T>(key: string) {
      const [row] = await setting.execute({ key });
      return row ? (row.value as T) : null;
    },
    async set(key, value, by) {
      await db
        .insert(settings)
        .values({ key, value, updatedBy: by })
        .onConflictDoUpdate({ target: settings.key, set: { value, updatedBy: by, updatedAt: new Date() } });
    },
  };
}
