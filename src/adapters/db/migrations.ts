import { fileURLToPath } from "node:url";
import { sql } from "drizzle-orm";
import type { MigrationConfig } from "drizzle-orm/migrator";
import type { Database } from "./database-handle.ts";

/** drizzle/ at the repository root: SQL written by `npx drizzle-kit generate`. */
export const MIGRATIONS_FOLDER = fileURLToPath(new URL("../../../drizzle", import.meta.url));

export const migrationConfig: MigrationConfig = { migrationsFolder: MIGRATIONS_FOLDER };

/** pg_advisory_lock key that serialises migrations when several processes start at once. */
const MIGRATION_LOCK_KEY = 7_316_040_211;

/**
 * Applies pending migrations while holding a session advisory lock, so a server and a CLI
 * starting together against the same PostgreSQL don't both try to apply the same migration.
 * `db` must sit on a single connection (the lock belongs to a session).
 */
export async function migrateHoldingLock(db: Database, migrate: (db: Database) => Promise<void>): Promise<void> {
  await db.execute(sql`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`);
  try {
    await migrate(db);
  } finally {
    await db.execute(sql`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`);
  }
}

/** Thrown when the database answered but a migration failed; distinct from being unreachable. */
export class MigrationError extends Error {
  constructor(where: string, cause: unknown) {
    const reason =
      cause instanceof Error ? (cause.cause instanceof Error ? cause.cause.message : cause.message) : String(cause);
    super(`Applying database migrations to ${where} failed: ${reason.split("\n")[0]}`, { cause });
    this.name = "MigrationError";
  }
}
