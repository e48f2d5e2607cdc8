/**
 * The SQLSTATE and constraint of a database error, through drizzle's DrizzleQueryError wrapper,
 * for whichever driver raised it.
 */
export function pgErrorOf(error: unknown): { code?: string; constraint?: string } {
  for (
    let e = error as { code?: unknown; constraint?: unknown; constraint_name?: unknown; cause?: unknown } | undefined;
    e;
    e = e.cause as typeof e
  ) {
    if (typeof e.code === "string" && /^[0-9A-Z]{5}$/.test(e.code)) {
      const constraint =
        typeof e.constraint === "string"
          ? e.constraint
          : typeof e.constraint_name === "string"
            ? e.constraint_name
            : undefined;
      return { code: e.code, constraint };
    }
    if (typeof e !== "object") break;
  }
  return {};
}

export const isUniqueViolation = (error: unknown, constraint?: string): boolean => {
  const found = pgErrorOf(error);
  return found.code === "23505" && (constraint === undefined || found.constraint === constraint);
};

/** What the log may say about a database error: which rule or object refused, never the data. */
export interface DatabaseErrorForLog {
  type: "DatabaseError";
  code?: string;
  constraint?: string;
  table?: string;
  column?: string;
}

type ErrorLink = Record<string, unknown> & { cause?: unknown };
const textOf = (link: ErrorLink, ...keys: string[]) =>
  keys.map((key) => link[key]).find((value): value is string => typeof value === "string");

/**
 * A database error reduced to its SQLSTATE, constraint, table and column, or null when `error`
 * (or anything in its cause chain) is not one. drizzle's wrapper carries the query text and its
 * parameters (an SMS body, a search term), and the server's own message and detail can quote
 * values ("Key (phone)=(…)"), so none of those is kept. Works for PGlite, postgres.js and neon.
 */
export function databaseErrorForLog(error: unknown): DatabaseErrorForLog | null {
  let isDatabaseError = false;
  const found: DatabaseErrorForLog = { type: "DatabaseError" };
  for (let link = error as ErrorLink | undefined, depth = 0; link && typeof link === "object" && depth < 10; depth++) {
    if (typeof link.query === "string" && "params" in link) isDatabaseError = true;
    const code = textOf(link, "code");
    if (code && /^[0-9A-Z]{5}$/.test(code)) {
      isDatabaseError = true;
      found.code ??= code;
      found.constraint ??= textOf(link, "constraint", "constraint_name");
      found.table ??= textOf(link, "table", "table_name");
      found.column ??= textOf(link, "column", "column_name");
    }
    link = link.cause as ErrorLink | undefined;
  }
  if (!isDatabaseError) return null;
  return Object.fromEntries(
    Object.entries(found).filter(([, value]) => value !== undefined),
  ) as unknown as DatabaseErrorForLog;
}
