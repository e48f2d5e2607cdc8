import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import type * as schema from "./schema.ts";

export type Schema = typeof schema;

/** A drizzle handle on any of the three drivers (PGlite, postgres.js, Neon). */
export type Database = PgDatabase<PgQueryResultHKT, Schema>;
