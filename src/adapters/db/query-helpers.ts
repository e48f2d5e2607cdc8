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
