import { createHash } from "node:crypto";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { PGlite, types, type ParserOptions } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import { unavailable, withinDeadline } from "./connection-errors.ts";
import type { Database } from "./database-handle.ts";
import { createRepositories, type OpenDatabase } from "./database.ts";
import { Gate } from "./gate.ts";
import { MigrationError, migrationConfig } from "./migrations.ts";
import { lockPathOf, liveHolder, tryLockDataDir, type HeldLock } from "./pglite-lock.ts";
import { servePgliteOnSocket } from "./pglite-socket-server.ts";
import { tightenFolder } from "./private-folder.ts";
import * as schema from "./schema.ts";

export const PGLITE_KIND = "PGlite (embedded)";

/** The extensions every PGlite we open carries (the migrations create pg_trgm). */
export const PGLITE_EXTENSIONS = { pg_trgm };

const asText = (value: string) => value;
/** What drizzle asks PGlite to leave as text, because drizzle reads these types itself. */
const DRIZZLE_TEXT_TYPES = [
  types.TIMESTAMP,
  types.TIMESTAMPTZ,
  types.INTERVAL,
  types.DATE,
  1231,
  1115,
  1185,
  1187,
  1182,
];

/**
 * Options for every PGlite we open: our extensions, and drizzle's parsers set once on the instance
 * (see {@link withoutQueryParsers}).
 */
export const PGLITE_OPTIONS = {
  extensions: PGLITE_EXTENSIONS,
  parsers: Object.fromEntries(DRIZZLE_TEXT_TYPES.map((type) => [type, asText])) as ParserOptions,
};

/**
 * drizzle passes its parsers with every query, and PGlite then copies its whole table of parsers
 * for that query: 30–50 KB for each query in flight, so 1,000 viewers connecting at once (each
 * one's session looked up) briefly took 40 MB more. The instance has the same parsers already
 * (PGLITE_OPTIONS), so the per-query ones are dropped here, in transactions too.
 */
export function withoutQueryParsers<T extends Pick<PGlite, "query">>(client: T): T {
  return new Proxy(client, {
    get(target, key) {
      if (key === "query") {
        return (query: string, params?: unknown[], options?: Parameters<PGlite["query"]>[2]) =>
          target.query(query, params, options?.parsers ? { ...options, parsers: undefined } : options);
      }
      if (key === "transaction") {
        const transaction = Reflect.get(target, key) as PGlite["transaction"];
        return <R>(run: (tx: Parameters<Parameters<PGlite["transaction"]>[0]>[0]) => Promise<R>) =>
          transaction.call(target, (tx) => run(withoutQueryParsers(tx)));
      }
      const value: unknown = Reflect.get(target, key);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

type Logger = { info(obj: object, msg?: string): void };

/** How long a second process waits for the folder's owner to answer before giving up. */
const OWNER_WAIT_MS = 20_000;

/**
 * Opens the PGlite database kept in `${dataDir}/pglite`, whether or not another process has it.
 *
 * - Nobody has it: take `${dataDir}/pglite.lock`, open PGlite in this process, apply migrations
 *   and serve it on a unix socket (`${dataDir}/pglite.sock`) for other processes.
 * - A live process has it: connect through its socket with postgres.js. If that process goes
 *   away later, the next connection takes the lock over and hosts PGlite here instead.
 */
export async function openPgliteFolder(
  dataDir: string,
  logger?: Logger,
  options: { ownerWaitMs?: number } = {},
): Promise<OpenDatabase> {
  const dir = resolve(dataDir);
  const socketPath = socketPathFor(dir);
  const attempt = await tryLockDataDir(dir, socketPath);
  if (attempt.owner) {
    const host = await startHost(dir, socketPath, attempt.lock);
    logger?.info(
      { dataDir: dir, socket: socketPath },
      "PGlite opened here; other processes reach it through the socket",
    );
    return createRepositories(host.db, PGLITE_KIND, host.close);
  }

  logger?.info(
    { dataDir: dir, ownerPid: attempt.holder.pid },
    "PGlite folder is open in another process; connecting through its socket",
  );
  const link = new OwnerLink(dir, socketPath, options.ownerWaitMs ?? OWNER_WAIT_MS, logger);
  const client = postgres({
    // postgres.js takes a socket factory (not in its type definitions): it must return a connected socket.
    ...({ socket: () => link.connect() } as object),
    user: "postgres",
    database: "postgres",
    ssl: false,
    prepare: false, // one backend is shared by every connection: no named statements to collide
    max: 4,
    idle_timeout: 20,
    connect_timeout: 10,
    onnotice: () => {},
  });
  const db = drizzlePostgres({ client, schema }) as unknown as Database;
  const close = async () => {
    await client.end({ timeout: 5 });
    await link.close();
  };
  try {
    await withinDeadline(client`select 1`, (options.ownerWaitMs ?? OWNER_WAIT_MS) + 10_000);
  } catch (error) {
    void close().catch(() => {});
    throw unavailable(`PGlite in ${dir}, held by process ${attempt.holder.pid}`, error);
  }
  try {
    await migratePostgres(db as never, migrationConfig);
  } catch (error) {
    await close().catch(() => {});
    throw new MigrationError(`PGlite in ${dir}`, error);
  }
  return createRepositories(db, PGLITE_KIND, close);
}

/** Repositories on an already-open PGlite, for tests and tools that hold one in memory. */
export function repositoriesOnPglite(pg: PGlite, close: () => Promise<void> = () => pg.close()): OpenDatabase {
  return createRepositories(
    drizzlePglite({ client: withoutQueryParsers(pg), schema }) as unknown as Database,
    PGLITE_KIND,
    close,
  );
}

interface Host {
  db: Database;
  close(): Promise<void>;
}

/** Opens the folder's PGlite in this process (the lock is already ours) and serves it on the socket. */
async function startHost(dir: string, socketPath: string, lock: HeldLock): Promise<Host> {
  let pg: PGlite;
  try {
    pg = await PGlite.create(join(dir, "pglite"), PGLITE_OPTIONS);
  } catch (error) {
    lock.release();
    throw unavailable(`PGlite in ${dir}/pglite`, error);
  }
  const gate = new Gate();
  // Every in-process statement and transaction takes the gate, like each socket client does.
  const direct = withoutQueryParsers(pg);
  const gated = {
    query: (...args: Parameters<PGlite["query"]>) => gate.run(() => direct.query(...args)),
    transaction: (...args: Parameters<PGlite["transaction"]>) => gate.run(() => direct.transaction(...args)),
    exec: (...args: Parameters<PGlite["exec"]>) => gate.run(() => pg.exec(...args)),
  };
  const db = drizzlePglite({ client: gated as unknown as PGlite, schema }) as unknown as Database;
  try {
    await migratePglite(db as never, migrationConfig);
  } catch (error) {
    await pg.close().catch(() => {});
    lock.release();
    throw new MigrationError(`PGlite in ${dir}/pglite`, error);
  }
  await tightenFolder(join(dir, "pglite"));
  let server;
  try {
    server = await servePgliteOnSocket(pg, gate, socketPath);
  } catch (error) {
    await pg.close().catch(() => {});
    lock.release();
    throw unavailable(`PGlite in ${dir}: cannot listen on ${socketPath}`, error);
  }
  return {
    db,
    async close() {
      try {
        await server.close();
        await gate.run(() => pg.close());
      } finally {
        lock.release();
      }
    },
  };
}

/**
 * postgres.js's socket factory for a process that is not the owner: connects to whoever owns
 * the folder now, and becomes the owner itself when the previous one has gone.
 */
class OwnerLink {
  #host: Promise<Host> | null = null;

  constructor(
    private readonly dir: string,
    private readonly socketPath: string,
    private readonly waitMs: number,
    private readonly logger?: Logger,
  ) {}

  async connect(): Promise<Socket> {
    const deadline = Date.now() + this.waitMs;
    let lastPid: number | null = null;
    for (;;) {
      const holder = liveHolder(this.dir);
      if (holder) {
        lastPid = holder.pid;
        try {
          return await connectUnix(holder.socket);
        } catch {
          // The owner is still starting, or is shutting down: look again shortly.
        }
      } else {
        const attempt = await tryLockDataDir(this.dir, this.socketPath);
        if (attempt.owner) {
          this.logger?.info({ dataDir: this.dir }, "the process that had PGlite open has gone; opening it here");
          this.#host = startHost(this.dir, this.socketPath, attempt.lock);
          await this.#host;
          return connectUnix(this.socketPath);
        }
        continue;
      }
      if (Date.now() > deadline) {
        throw new Error(
          `process ${lastPid} holds ${lockPathOf(this.dir)} but does not answer on its socket; ` +
            `stop that process, or delete the lock file if no Switchboard process is running`,
        );
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async close(): Promise<void> {
    const host = await this.#host?.catch(() => null);
    await host?.close();
  }
}

function connectUnix(path: string): Promise<Socket> {
  return new Promise((resolvePromise, reject) => {
    const socket = connect(path);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer on ${path}`));
    }, 2_000);
    socket.once("connect", () => {
      clearTimeout(timer);
      socket.off("error", reject);
      resolvePromise(socket);
    });
    socket.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

/** A unix socket path must fit in ~104 bytes; a deep data folder gets one under the temp folder instead. */
export function socketPathFor(dir: string): string {
  const inFolder = join(dir, "pglite.sock");
  if (Buffer.byteLength(inFolder) <= 100) return inFolder;
  return join(tmpdir(), `switchboard-pglite-${createHash("sha256").update(dir).digest("hex").slice(0, 16)}.sock`);
}
