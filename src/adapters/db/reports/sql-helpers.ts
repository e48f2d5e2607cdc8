import { sql, type SQL } from "drizzle-orm";
import type { Spread } from "../../../domain/reports/figures.ts";
import type { ReportRange } from "../../../domain/reports/date-range.ts";
import type { Database } from "../database-handle.ts";

/** postgres.js answers an array of rows; PGlite and Neon answer `{ rows }`. */
export const rowsOf = <T>(result: unknown): T[] =>
  Array.isArray(result) ? (result as T[]) : ((result as { rows: T[] }).rows ?? []);

export async function select<T>(db: Database, query: SQL): Promise<T[]> {
  return rowsOf<T>(await db.execute(query));
}

/** `column` within the range: [from, to). Instants go as ISO text, cast, the same on every driver. */
export const within = (column: SQL, range: ReportRange): SQL =>
  sql`${column} >= ${range.from.toISOString()}::timestamptz and ${column} < ${range.to.toISOString()}::timestamptz`;

/** A roll-up's London `day` column within the range's days (its first to its last, inclusive). */
export const onDays = (range: ReportRange): SQL =>
  sql`day >= ${range.firstDay}::date and day <= ${range.lastDay}::date`;

/**
 * The median and 90th percentile of `value` over rows that pass `filter`, as three columns
 * named `<name>_n`, `<name>_p50`, `<name>_p90`.
 */
export const spreadColumns = (name: string, value: SQL, filter: SQL = sql`true`): SQL => sql`
  count(${value}) filter (where ${filter})::int as ${sql.raw(`${name}_n`)},
  percentile_cont(0.5) within group (order by ${value}) filter (where ${filter}) as ${sql.raw(`${name}_p50`)},
  percentile_cont(0.9) within group (order by ${value}) filter (where ${filter}) as ${sql.raw(`${name}_p90`)}`;

const rounded = (value: unknown): number | null =>
  value === null || value === undefined ? null : Math.round(Number(value));

/** Reads the three columns spreadColumns made back into a Spread, rounded to whole units. */
export const spreadOf = (row: Record<string, unknown>, name: string): Spread => ({
  count: Number(row[`${name}_n`] ?? 0),
  median: rounded(row[`${name}_p50`]),
  p90: rounded(row[`${name}_p90`]),
});

/** Sums come back as numbers (float8: exact for pence up to 2^53), counts as int. */
export const num = (value: unknown): number => Number(value ?? 0);
