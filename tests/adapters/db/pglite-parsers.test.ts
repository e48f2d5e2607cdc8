import { describe, expect, test } from "bun:test";
import { PGlite } from "@electric-sql/pglite";
import { PGLITE_OPTIONS, withoutQueryParsers } from "../../../src/adapters/db/pglite-host.ts";

describe("PGlite parsers set once on the instance", () => {
  test("queries, inside transactions too, reach PGlite without per-query parsers (which it would copy its whole parser table for)", async () => {
    const seen: unknown[] = [];
    const recordingTx = {
      query: async (_q: string, _p?: unknown[], options?: { parsers?: unknown }) => (
        seen.push(options?.parsers), { rows: [] }
      ),
    };
    const fake = {
      query: recordingTx.query,
      transaction: async <R>(run: (tx: typeof recordingTx) => Promise<R>) => run(recordingTx),
    } as unknown as PGlite;
    const client = withoutQueryParsers(fake);
    const parsers = { 1184: (v: string) => v };
    await client.query("select 1", [], { rowMode: "array", parsers });
    await client.transaction(async (tx) => {
      await tx.query("select 2", [], { parsers });
    });
    expect(seen).toEqual([undefined, undefined]);
  });

  test("timestamps still come back as drizzle expects them: text, read by drizzle", async () => {
    const pg = await PGlite.create(PGLITE_OPTIONS);
    const client = withoutQueryParsers(pg);
    const { rows } = await client.query<{ at: unknown; on: unknown; n: unknown }>(
      "select timestamptz '2026-11-27 10:00:00+00' as at, date '2026-11-27' as on, 2::int as n",
    );
    expect(typeof rows[0]!.at).toBe("string");
    expect(rows[0]!.on).toBe("2026-11-27");
    expect(rows[0]!.n).toBe(2); // other types keep PGlite's own parsers
    await pg.close();
  });
});
