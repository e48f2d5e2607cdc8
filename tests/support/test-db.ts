import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import { sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/pglite";
import { migrate } from "drizzle-orm/pglite/migrator";
import type { OpenDatabase } from "../../src/adapters/db/database.ts";
import { MIGRATIONS_FOLDER } from "../../src/adapters/db/migrations.ts";
import { PGLITE_EXTENSIONS, repositoriesOnPglite } from "../../src/adapters/db/pglite-host.ts";

export { startPostgres, type TestPostgres } from "./postgres.ts";

/**
 * An isolated, migrated PGlite in memory, with every repository on it (and `db` for anything
 * else). About a second: it is loaded from a migrated data folder made once (and cached in the
 * temp folder between runs, keyed by PGlite's version and the migrations), not initialised anew.
 * Close it in afterAll.
 * @example const repos = await freshPglite(); … await repos.close();
 */
export async function freshPglite(): Promise<OpenDatabase> {
  const pg = await PGlite.create({ extensions: PGLITE_EXTENSIONS, loadDataDir: await migratedTemplate() });
  return repositoriesOnPglite(pg);
}

/** Empties every application table (keeps the migrations table), for suites that share one database. */
export async function truncateAll(repos: OpenDatabase): Promise<void> {
  await repos.db.execute(
    sql.raw(
      "truncate table audit_log, processed_webhook_events, messages, quotes, transcript_segments, issues, calls, leads, staff_sessions, staff_users",
    ),
  );
}

let template: Promise<Blob> | null = null;

/** A tarball of a PGlite data folder with every migration applied. */
export function migratedTemplate(): Promise<Blob> {
  template ??= loadOrBuildTemplate();
  return template;
}

async function loadOrBuildTemplate(): Promise<Blob> {
  const cachePath = join(tmpdir(), `switchboard-pglite-template-${templateKey()}.tar`);
  if (existsSync(cachePath)) return new Blob([readFileSync(cachePath)]);
  const pg = await PGlite.create({ extensions: PGLITE_EXTENSIONS });
  try {
    await migrate(drizzle({ client: pg }), { migrationsFolder: MIGRATIONS_FOLDER });
    const dump = await pg.dumpDataDir("none");
    const bytes = new Uint8Array(await dump.arrayBuffer());
    const partial = `${cachePath}.${process.pid}.partial`;
    writeFileSync(partial, bytes);
    renameSync(partial, cachePath);
    return new Blob([bytes]);
  } finally {
    await pg.close();
  }
}

function templateKey(): string {
  const pgliteManifest = join(dirname(fileURLToPath(import.meta.resolve("@electric-sql/pglite"))), "..", "package.json");
  const hash = createHash("sha256").update(readFileSync(pgliteManifest));
  for (const file of readdirSync(MIGRATIONS_FOLDER, { recursive: true }).map(String).sort()) {
    if (file.endsWith(".sql") || file.endsWith(".json")) hash.update(file).update(readFileSync(join(MIGRATIONS_FOLDER, file)));
  }
  return hash.digest("hex").slice(0, 16);
}
