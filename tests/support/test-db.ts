import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import { sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/pglite";
import { migrate } from "drizzle-orm/pglite/migrator";
import type { OpenDatabase } from "../../src/adapters/db/database.ts";
import { MIGRATIONS_FOLDER } from "../../src/adapters/db/migrations.ts";
import { PGLITE_OPTIONS, repositoriesOnPglite } from "../../src/adapters/db/pglite-host.ts";

export { startPostgres, type TestPostgres } from "./postgres.ts";

/**
 * An isolated, migrated PGlite in memory, with every repository on it (and `db` for anything
 * else). About a second: it is loaded from a migrated data folder made once (and cached in the
 * temp folder between runs, keyed by PGlite's version and the migrations), not initialised anew.
 * Close it in afterAll.
 * @example const repos = await freshPglite(); … await repos.close();
 */
export async function freshPglite(): Promise<OpenDatabase> {
  const pg = await PGlite.create({ ...PGLITE_OPTIONS, loadDataDir: await migratedTemplate() });
  return repositoriesOnPglite(pg);
}

/**
 * Empties every application table (keeps the migrations), for suites that share one database.
 * DELETE, not TRUNCATE: on a PGlite folder on disk TRUNCATE rewrites files and takes most of a second.
 */
export async function truncateAll(repos: OpenDatabase): Promise<void> {
  for (const table of [
    "jobs",
    "office_hours",
    "on_call_periods",
    "appointments",
    "engineers",
    "audit_log",
    "processed_webhook_events",
    "messages",
    "quotes",
    "transcript_segments",
    "issues",
    "calls",
    "staff_sessions",
    "staff_users",
    "leads",
  ]) {
    await repos.db.execute(sql.raw(`delete from ${table}`));
  }
}

/**
 * Puts a migrated PGlite database in `${dataDir}/pglite`, as `openDatabase({ dataDir })` would
 * leave it, by copying a cached folder (a fresh PGlite folder takes seconds to initialise).
 * @example const dataDir = mkdtempSync(join(tmpdir(), "cli-")); await pgliteFolderFromTemplate(dataDir);
 */
export async function pgliteFolderFromTemplate(dataDir: string): Promise<void> {
  const source = await migratedFolder();
  mkdirSync(dataDir, { recursive: true });
  cpSync(source, join(dataDir, "pglite"), { recursive: true });
}

let folder: Promise<string> | null = null;

function migratedFolder(): Promise<string> {
  folder ??= (async () => {
    const path = join(tmpdir(), `switchboard-pglite-folder-${templateKey()}`);
    if (existsSync(path)) return path;
    const building = `${path}.${process.pid}.partial`;
    rmSync(building, { recursive: true, force: true });
    mkdirSync(building);
    const pg = await PGlite.create(join(building, "data"), {
      ...PGLITE_OPTIONS,
      loadDataDir: await migratedTemplate(),
    });
    await pg.close();
    try {
      renameSync(join(building, "data"), path);
    } catch (error) {
      if (!existsSync(path)) throw error; // another process finished first; theirs is as good
    } finally {
      rmSync(building, { recursive: true, force: true });
    }
    return path;
  })();
  return folder;
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
  const pg = await PGlite.create(PGLITE_OPTIONS);
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
  const pgliteManifest = join(
    dirname(fileURLToPath(import.meta.resolve("@electric-sql/pglite"))),
    "..",
    "package.json",
  );
  const hash = createHash("sha256").update(readFileSync(pgliteManifest));
  for (const file of readdirSync(MIGRATIONS_FOLDER, { recursive: true }).map(String).sort()) {
    if (file.endsWith(".sql") || file.endsWith(".json"))
      hash.update(file).update(readFileSync(join(MIGRATIONS_FOLDER, file)));
  }
  return hash.digest("hex").slice(0, 16);
}
