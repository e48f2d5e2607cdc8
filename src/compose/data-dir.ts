import { chmod, mkdir } from "node:fs/promises";

/**
 * DATA_DIR holds the embedded database, the stored files and the signing secrets: it is made (or
 * tightened) to 0700 so no other user of the machine can list or open anything in it. The
 * process umask becomes 077 as well, so every file created after this (PGlite writes its own
 * files, with no way to pass a mode) is 0600 and every folder 0700; the blob store and the
 * secrets also pass those modes explicitly.
 */
export async function makePrivateDataDir(dataDir: string): Promise<void> {
  process.umask(0o077);
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  await chmod(dataDir, 0o700);
}
