import { eq } from "drizzle-orm";
import type { Settings } from "../../ports/settings.ts";
import type { Database } from "./database-handle.ts";
import { settings } from "./schema.ts";

export function createSettingsRepository(db: Database): Settings {
  return {
    async get<T>(key: string) {
      const [row] = await db.select().from(settings).where(eq(settings.key, key));
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
