import { chmod, mkdir } from "node:fs/promises";

/**
 * DATA_DIR holds the embedded database, the stored files and the signing secrets: it is made (or
 * tightened) to 0700 so no other user of the machine can list or open anything in it. Files are
 * made 0600 by the entry points' umask (see `privateFilesFromNowOn`), and the blob store and the
 * secrets pass that mode explicitly too.
 */
export async function makePrivateDataDir(dataDir: string): Promise<void> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  await chmod(dataDir, 0o700);
}

/**
 * Every file this process creates from now on is 0600 and every folder 0700 (umask 077): PGlite
 * writes its own files with no way to pass a mode. Called by the server's and the command line's
 * entry points only, not by composeDeps, so a test process that composes in-process keeps its own
 * umask (embedded PostgreSQL's folders must stay reachable by the postgres user).
 */
export function privateFilesFromNowOn(): void {
  process.umask(0o077);
}
