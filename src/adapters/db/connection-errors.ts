import { pgErrorOf } from "./pg-errors.ts";

/**
 * The database could not be opened. The message is one line, names where we tried to connect
 * (never the password) and says why, so the caller can print it and exit non-zero.
 */
export class DatabaseUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "DatabaseUnavailableError";
  }
}

/** "postgres://user@host:port/db", with any password removed. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.password = "";
    parsed.search = "";
    return parsed.toString().replace(/^(\w+:\/\/[^@/]*):@/, "$1@");
  } catch {
    return "(an unreadable DATABASE_URL)";
  }
}

const REASONS: Record<string, string> = {
  ECONNREFUSED: "connection refused (is the server running, and on that port?)",
  ENOTFOUND: "host not found",
  EAI_AGAIN: "host name lookup failed",
  ETIMEDOUT: "connection timed out",
  CONNECT_TIMEOUT: "connection timed out",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  ECONNRESET: "connection reset by the server",
  NO_ANSWER: "the server accepted the connection but did not answer",
  "28P01": "password authentication failed",
  "28000": "the server refused this user",
  "3D000": "that database does not exist",
  "53300": "the server has too many connections",
  "57P03": "the server is starting up or shutting down",
};

/** Builds the one-line error for a failure to open `what` (e.g. "PostgreSQL at postgres://…"). */
export function unavailable(what: string, error: unknown): DatabaseUnavailableError {
  return new DatabaseUnavailableError(`Cannot open the database (${what}): ${reasonOf(error)}.`, { cause: error });
}

function reasonOf(error: unknown): string {
  const sqlState = pgErrorOf(error).code;
  if (sqlState && REASONS[sqlState]) return REASONS[sqlState]!;
  for (
    let e = error as { code?: unknown; errno?: unknown; message?: unknown; cause?: unknown } | undefined;
    e && typeof e === "object";
    e = e.cause as typeof e
  ) {
    if (typeof e.code === "string" && REASONS[e.code]) return REASONS[e.code]!;
    if (e.cause === undefined && typeof e.message === "string" && e.message.trim() !== "") {
      return firstLine(e.message);
    }
  }
  return firstLine(error instanceof Error ? error.message : String(error));
}

const firstLine = (text: string) => text.split("\n")[0]!.trim().replace(/\.$/, "");

/**
 * The first query, bounded. The drivers' own connect timeouts stop at the TCP connection: a
 * port that accepts and then says nothing (a wrong service, a stuck proxy) would hang the open.
 */
export async function withinDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(Object.assign(new Error(`no answer within ${ms / 1000} s`), { code: "NO_ANSWER" })),
      ms,
    );
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** Node's socket errors and postgres.js's own codes for a connection lost or never made. */
const UNREACHABLE_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EAI_AGAIN",
  "CONNECT_TIMEOUT",
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "NO_ANSWER",
]);

/**
 * Whether a query failed because the database could not be reached for the moment (restarting,
 * failing over, a dropped network), rather than because of the query: worth a 503 and a retry,
 * not a 500. SQLSTATE class 08 is "connection exception"; 57P01–57P03 are shutdown and start-up.
 */
export function isDatabaseUnreachable(error: unknown): boolean {
  const sqlState = pgErrorOf(error).code;
  if (sqlState && (sqlState.startsWith("08") || /^57P0[123]$/.test(sqlState) || sqlState === "53300")) return true;
  for (
    let e = error as { code?: unknown; message?: unknown; cause?: unknown } | undefined, depth = 0;
    e && typeof e === "object" && depth < 8;
    e = e.cause as typeof e, depth++
  ) {
    if (typeof e.code === "string" && UNREACHABLE_CODES.has(e.code)) return true;
    // pg (under the Neon driver) says so in words only.
    if (
      typeof e.message === "string" &&
      /^Connection terminated|^Client has encountered a connection error/.test(e.message)
    )
      return true;
  }
  return false;
}
