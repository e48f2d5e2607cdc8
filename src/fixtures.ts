import { join } from "node:path";

/**
 * The scripted calls shipped with the app (fixtures/calls/<name>: call.json and each track's
 * µ-law audio). The simulator plays them and the server's demo transcriber knows them by name.
 */
export const SHIPPED_FIXTURES_DIR = join(import.meta.dir, "..", "fixtures", "calls");
