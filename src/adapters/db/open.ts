import { Client as NeonClient, Pool as NeonPool, type ClientConfig, type NeonConfig } from "@neondatabase/serverless";
import { drizzle as drizzleNeon } from "drizzle-orm/neon-serverless";
import { migrate as migrateNeon } from "drizzle-orm/neon-serverless/migrator";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import { DatabaseUnavailableError, redactUrl, unavailable, withinDeadline } from "./connection-errors.ts";
import type { Database } from "./database-handle.ts";
import { createRepositories, type OpenDatabase } from "./database.ts";
import { MigrationError, migrateHoldingLock, migrationConfig } from "./migrations.ts";
import { openPgliteFolder } from "./pglite-host.ts";
import * as schema from "./schema.ts";

export { DatabaseUnavailableError } from "./connection-errors.ts";
export { MigrationError } from "./migrations.ts";
export type { Database } from "./database-handle.ts";
export type { OpenDatabase } from "./database.ts";

/** Neon settings applied to this database's connections only (tests aim the driver at a local proxy). */
export type NeonConnectionSettings = Partial<
  Pick<
    NeonConfig,
    "wsProxy" | "useSecureWebSocket" | "pipelineTLS" | "pipelineConnect" | "webSocketConstructor" | "forceDisablePgSSL"
  >
>;

export interface OpenDatabaseOptions {
  /** postgres:// or postgresql:// URL; without one, PGlite under `${dataDir}/pglite`. */
  databaseUrl?: string;
  dataDir: string;
  logger?: { info(obj: object, msg?: string): void };
  /** Use the Neon driver even though the host is not *.neon.tech. */
  neon?: boolean;
  neonSettings?: NeonConnectionSettings;
  /** Give up connecting after this long (default 5 s). */
  connectTimeoutSeconds?: number;
  /** Connections in the pool (default 10). */
  maxConnections?: number;
}

/**
 * Opens the database, applies pending migrations and returns the repositories.
 *
 * - no `databaseUrl`: PGlite in `${dataDir}/pglite`, shared safely between processes (see pglite-host.ts);
 * - a URL whose host ends in `.neon.tech`, or `neon: true`: @neondatabase/serverless over WebSockets;
 * - any other postgres:// URL: postgres.js over TCP.
 *
 * Throws {@link DatabaseUnavailableError} (one line, no password) when it cannot connect within the
 * timeout, and {@link MigrationError} when the database answers but a migration fails.
 * @example const repos = await openDatabase({ databaseUrl: env.DATABASE_URL, dataDir: env.DATA_DIR, logger });
 */
export async function openDatabase(options: OpenDatabaseOptions): Promise<OpenDatabase> {
  const { databaseUrl } = options;
  if (!databaseUrl) return openPgliteFolder(options.dataDir, options.logger);
  let host: string;
  try {
    const url = new URL(databaseUrl);
    if (url.protocol !== "postgres:" && url.protocol !== "postgresql:") throw new Error("not postgres");
    host = url.hostname;
  } catch {
    throw new DatabaseUnavailableError(
      `DATABASE_URL must be a postgres:// or postgresql:// URL, got ${redactUrl(databaseUrl)}.`,
    );
  }
  return options.neon || host.endsWith(".neon.tech")
    ? openNeon(databaseUrl, options)
    : openPostgres(databaseUrl, options);
}

async function openPostgres(url: string, options: OpenDatabaseOptions): Promise<OpenDatabase> {
  const where = `PostgreSQL at ${redactUrl(url)}`;
  const timeoutMs = (options.connectTimeoutSeconds ?? 5) * 1000;
  const settings = {
    connect_timeout: timeoutMs / 1000,
    onnotice: () => {},
    connection: { application_name: "switchboard" },
  };
  const single = postgres(url, { ...settings, max: 1 });
  const singleDb = drizzlePostgres({ client: single, schema }) as unknown as Database;
  try {
    await withinDeadline(single`select 1`, timeoutMs);
  } catch (error) {
    void single.end({ timeout: 0 }).catch(() => {});
    throw unavailable(where, error);
  }
  try {
    await migrateHoldingLock(singleDb, (db) => migratePostgres(db as never, migrationConfig));
  } catch (error) {
    throw new MigrationError(where, error);
  } finally {
    await single.end({ timeout: 5 });
  }

  const client = postgres(url, { ...settings, max: options.maxConnections ?? 10, idle_timeout: 60 });
  const db = drizzlePostgres({ client: preparingStatements(client), schema }) as unknown as Database;
  options.logger?.info({ database: redactUrl(url) }, "connected to PostgreSQL");
  return createRepositories(db, "PostgreSQL", () => client.end({ timeout: 5 }));
}

/**
 * drizzle asks postgres.js for an unnamed statement each time, which postgres.js sends as two
 * round trips (describe, then execute) and PostgreSQL plans anew. Named statements, prepared once
 * per connection, halve the client's CPU per query and cut the server's by a third (leads search
 * at 50,000 leads). A pooler in transaction mode (PgBouncer) would need prepared statements off.
 */
function preparingStatements(client: postgres.Sql): postgres.Sql {
  return new Proxy(client, {
    get(target, key) {
      if (key === "unsafe") {
        return (
          query: string,
          params?: postgres.ParameterOrJSON<never>[],
          queryOptions?: postgres.UnsafeQueryOptions,
        ) => target.unsafe(query, params, { ...queryOptions, prepare: true });
      }
      const value: unknown = Reflect.get(target, key);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

async function openNeon(url: string, options: OpenDatabaseOptions): Promise<OpenDatabase> {
  const where = `Neon at ${redactUrl(url)}`;
  const timeoutMs = (options.connectTimeoutSeconds ?? 5) * 1000;
  const overrides = options.neonSettings ?? {};
  /** A Neon client whose WebSocket settings are its own, not the process-wide neonConfig. */
  class ConfiguredClient extends NeonClient {
    constructor(config?: string | ClientConfig) {
      super(config);
      Object.assign(this.neonConfig, overrides);
    }
  }
  // Neon's Pool sets its Client class as a field, after (and over) pg-pool's `Client` option.
  class ConfiguredPool extends NeonPool {
    override Client = ConfiguredClient;
  }
  const poolOptions = (max: number) => ({
    connectionString: url,
    max,
    connectionTimeoutMillis: timeoutMs,
    idleTimeoutMillis: 60_000,
    application_name: "switchboard",
  });
  // An idle connection dropped by the server surfaces as a pool "error" event; without a
  // listener that event would end the process.
  const onPoolError = (error: Error) => options.logger?.info({ err: error.message }, "Neon connection dropped");

  const single = new ConfiguredPool(poolOptions(1));
  single.on("error", onPoolError);
  const singleDb = drizzleNeon({ client: single, schema }) as unknown as Database;
  try {
    await withinDeadline(single.query("select 1"), timeoutMs);
  } catch (error) {
    void single.end().catch(() => {});
    throw unavailable(where, error);
  }
  try {
    await migrateHoldingLock(singleDb, (db) => migrateNeon(db as never, migrationConfig));
  } catch (error) {
    throw new MigrationError(where, error);
  } finally {
    await single.end().catch(() => {});
  }

  const pool = new ConfiguredPool(poolOptions(options.maxConnections ?? 10));
  pool.on("error", onPoolError);
  const db = drizzleNeon({ client: pool, schema }) as unknown as Database;
  options.logger?.info({ database: redactUrl(url) }, "connected to Neon");
  return createRepositories(db, "Neon", () => pool.end());
}
