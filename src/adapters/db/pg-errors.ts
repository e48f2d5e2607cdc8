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
