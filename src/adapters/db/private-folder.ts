import { chmod, readdir } from "node:fs/promises";
import { join } from "node:path";

/**
 * Makes every file under `dir` 0600 and every folder 0700. PGlite writes its files through its
 * own file layer, which sets their modes itself (0666), so the process umask does not reach
 * them; this runs once it has opened, over the database files it wrote.
 */
export async function tightenFolder(dir: string): Promise<void> {
  await chmod(dir, 0o700);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await tightenFolder(path);
    else if (entry.isFile()) await chmod(path, 0o600);
  }
}
