import { chmodSync, existsSync, unlinkSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import type { PGlite } from "@electric-sql/pglite";
import type { Gate } from "./gate.ts";

/**
 * Serves one in-process PGlite to other processes over a unix socket, speaking the
 * PostgreSQL wire protocol (any Postgres client can connect; we use postgres.js).
 *
 * Why not @electric-sql/pglite-socket: it pins an exact older PGlite as a peer, and it lets a
 * second connection's statements run inside the first one's open transaction. Here a connection
 * holds the shared {@link Gate} from its first message until the backend reports
 * ReadyForQuery "idle" — so an extended-protocol exchange (Parse…Sync) or a whole transaction
 * runs alone, and the owner's own queries (which take the same gate) never interleave with it.
 */
export interface PgliteSocketServer {
  readonly path: string;
  close(): Promise<void>;
}

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;
const SYNC = Uint8Array.of(0x53, 0, 0, 0, 4);
/** ErrorResponse FATAL 57P01, what PostgreSQL sends its clients when it shuts down. */
const ADMIN_SHUTDOWN = errorResponse(
  "FATAL",
  "57P01",
  "terminating connection: the process serving this PGlite database is closing it",
);

export interface ServeOptions {
  /** A connection that keeps a transaction open this long without sending anything is closed and rolled back. */
  idleInTransactionMs?: number;
}

export async function servePgliteOnSocket(
  pg: PGlite,
  gate: Gate,
  path: string,
  options: ServeOptions = {},
): Promise<PgliteSocketServer> {
  const idleInTransactionMs = options.idleInTransactionMs ?? 30_000;
  const connections = new Set<Connection>();
  if (existsSync(path)) unlinkSync(path); // a leftover from a dead owner; the lock file says we own the folder
  const server: Server = createServer((socket) => {
    const connection = new Connection(socket, pg, gate, idleInTransactionMs, () => connections.delete(connection));
    connections.add(connection);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(path, () => {
      server.off("error", reject);
      resolve();
    });
  });
  chmodSync(path, 0o600);
  return {
    path,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const connection of connections) connection.terminate();
      });
      await Promise.all([...connections].map((c) => c.finished));
      if (existsSync(path)) unlinkSync(path);
    },
  };
}

class Connection {
  #buffer: Uint8Array = new Uint8Array(0);
  #started = false;
  #busy = false;
  #closed = false;
  #terminating = false;
  #release: (() => void) | null = null;
  #idleTimer: ReturnType<typeof setTimeout> | null = null;
  #finish!: () => void;
  readonly finished = new Promise<void>((resolve) => (this.#finish = resolve));

  constructor(
    private readonly socket: Socket,
    private readonly pg: PGlite,
    private readonly gate: Gate,
    private readonly idleInTransactionMs: number,
    private readonly onGone: () => void,
  ) {
    socket.setNoDelay?.(true);
    socket.on("data", (chunk: Buffer) => {
      this.#buffer = concat(this.#buffer, chunk);
      void this.#pump();
    });
    socket.on("error", () => this.destroy());
    socket.on("close", () => this.destroy());
  }

  /** Tells the client the server is going away (as PostgreSQL does on shutdown), then closes. */
  terminate(): void {
    if (this.#closed || this.#terminating) return;
    this.#terminating = true;
    if (!this.#started || this.#busy || !this.socket.writable) return this.destroy();
    this.socket.end(ADMIN_SHUTDOWN);
    setTimeout(() => this.destroy(), 1_000).unref?.();
  }

  destroy(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.socket.destroy();
    if (!this.#busy) void this.#cleanUp();
  }

  async #pump(): Promise<void> {
    if (this.#busy || this.#closed || this.#terminating) return;
    this.#busy = true;
    this.#clearIdleTimer();
    try {
      for (let message = this.#take(); message && !this.#closed; message = this.#take()) {
        await this.#handle(message);
      }
    } catch {
      this.#closed = true;
      this.socket.destroy();
    } finally {
      this.#busy = false;
    }
    if (this.#closed) await this.#cleanUp();
    else if (this.#release) this.#startIdleTimer();
  }

  /** The next whole message in the buffer, or null until more bytes arrive. */
  #take(): Uint8Array | null {
    const buffer = this.#buffer;
    // The startup packet has no type byte: int32 length, then the protocol code.
    const lengthAt = this.#started ? 1 : 0;
    if (buffer.length < lengthAt + 4) return null;
    const declared = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength).getInt32(lengthAt);
    if (declared < (this.#started ? 4 : 8)) throw new Error("malformed message from a socket client");
    const length = lengthAt + declared;
    if (buffer.length < length) return null;
    const message = buffer.slice(0, length);
    this.#buffer = buffer.subarray(length);
    return message;
  }

  async #handle(message: Uint8Array): Promise<void> {
    if (!this.#started) {
      const code = new DataView(message.buffer, message.byteOffset).getInt32(4);
      if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
        this.socket.write("N");
        return;
      }
      if (code === CANCEL_REQUEST) {
        // PGlite runs one statement at a time to completion; there is nothing to cancel.
        this.destroy();
        return;
      }
      this.#started = true;
    } else if (message[0] === 0x58 /* Terminate */) {
      this.destroy();
      return;
    }
    if (!this.#release) this.#release = await this.gate.acquire();
    if (this.#closed) return;
    const reply = await this.pg.runExclusive(() => this.pg.execProtocolRaw(message));
    if (reply.length > 0 && !this.#closed) this.socket.write(reply);
    if (readyStatus(reply) === "I") this.#releaseGate();
  }

  async #cleanUp(): Promise<void> {
    this.#clearIdleTimer();
    try {
      if (this.#release) {
        // Finish any half-sent extended query, then undo an open transaction.
        await this.pg.runExclusive(() => this.pg.execProtocolRaw(SYNC));
        if (this.pg.isInTransaction())
          await this.pg.runExclusive(() => this.pg.execProtocolRaw(simpleQuery("ROLLBACK")));
      }
    } catch {
      // The database is closing; nothing was committed for this connection.
    } finally {
      this.#releaseGate();
      this.onGone();
      this.#finish();
    }
  }

  #releaseGate(): void {
    const release = this.#release;
    this.#release = null;
    release?.();
  }

  #startIdleTimer(): void {
    this.#idleTimer = setTimeout(() => this.destroy(), this.idleInTransactionMs);
    this.#idleTimer.unref?.();
  }

  #clearIdleTimer(): void {
    if (this.#idleTimer) clearTimeout(this.#idleTimer);
    this.#idleTimer = null;
  }
}

/** The transaction status of the last ReadyForQuery in a backend reply: I idle, T in a transaction, E failed one. */
export function readyStatus(reply: Uint8Array): "I" | "T" | "E" | null {
  const view = new DataView(reply.buffer, reply.byteOffset, reply.byteLength);
  let status: "I" | "T" | "E" | null = null;
  for (let at = 0; at + 5 <= reply.length; ) {
    const length = view.getInt32(at + 1);
    if (length < 4) break; // not a backend message: stop rather than loop
    if (reply[at] === 0x5a /* Z */ && at + 5 < reply.length)
      status = String.fromCharCode(reply[at + 5]!) as "I" | "T" | "E";
    at += 1 + length;
  }
  return status;
}

function errorResponse(severity: string, code: string, message: string): Uint8Array {
  const fields = `S${severity}\0V${severity}\0C${code}\0M${message}\0\0`;
  const body = new TextEncoder().encode(fields);
  const out = new Uint8Array(5 + body.length);
  out[0] = 0x45; // E
  new DataView(out.buffer).setInt32(1, 4 + body.length);
  out.set(body, 5);
  return out;
}

function simpleQuery(text: string): Uint8Array {
  const body = new TextEncoder().encode(text + "\0");
  const message = new Uint8Array(5 + body.length);
  message[0] = 0x51; // Q
  new DataView(message.buffer).setInt32(1, 4 + body.length);
  message.set(body, 5);
  return message;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return new Uint8Array(b);
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a);
  joined.set(b, a.length);
  return joined;
}
