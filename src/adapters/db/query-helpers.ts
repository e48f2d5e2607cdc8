import { type SQL, type SQLWrapper, sql } from "drizzle-orm";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids come from URLs; a malformed one finds nothing rather than making Postgres throw. */
export const isUuid = (value: string): boolean => UUID.test(value);

/** Escapes %, _ and \ so user text matches literally inside LIKE. */
export const escapeLike = (text: string): string => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * For `.prepare(UNNAMED)` on a query read several times a live call: drizzle builds its SQL once
 * per repository, not per use (building it was most of the client's CPU per query). Unnamed, so
 * the driver sends it as before: postgres.js prepares its statements itself, and the Neon pooler
 * (transaction mode) gets no named statement to lose between connections.
 */
export const UNNAMED = "";

/**
 * A timestamp as milliseconds since the epoch, for reads that pack rows into JSON. date_part
 * reckons in float8 (exact to the microsecond for these dates); `extract` returns numeric since
 * PostgreSQL 14, whose arithmetic was a fifth of the week board's statement (EXPLAIN ANALYZE).
 */
export const epochMs = (column: SQLWrapper): SQL => sql`(date_part('epoch', ${column}) * 1000)::bigint`;

const CONSTANT = /^[a-z_]+$/;

/**
 * A list of the domain's own constants (statuses, urgencies) written into the statement as
 * literals, for `in (…)`. Sent as parameters instead, a prepared statement's generic plan (which
 * PostgreSQL switches to after five runs) cannot tell how many rows `status <> all($1)` keeps and
 * guesses a handful: the board's queue then probed every open job's visits one by one (14 ms)
 * instead of hashing them (4.6 ms, EXPLAIN ANALYZE on the bench's data).
 * @example sql`${issues.status} not in (${constantList(CLOSED_ISSUE_STATUSES)})`
 */
export function constantList(values: readonly string[]): SQL {
  if (values.length === 0 || !values.every((value) => CONSTANT.test(value)))
    throw new Error(`constantList takes lower-case codes only: ${JSON.stringify(values)}`);
  return sql.raw(values.map((value) => `'${value}'`).join(", "));
}
