/** The statement helpers, on PGlite: what they write runs, and what they refuse is refused before any SQL is sent. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import type { OpenDatabase } from "../../../src/adapters/db/database.ts";
import { constantList, epochMs } from "../../../src/adapters/db/query-helpers.ts";
import { CLOSED_ISSUE_STATUSES } from "../../../src/domain/issues.ts";
import { freshPglite } from "../../support/test-db.ts";

let repos: OpenDatabase;
beforeAll(async () => {
  repos = await freshPglite();
});
afterAll(async () => repos?.close());

const one = async <T>(query: ReturnType<typeof sql>) => {
  const result = (await repos.db.execute(query)) as unknown as { rows?: T[] } | T[];
  return (Array.isArray(result) ? result : result.rows!)[0]!;
};

describe("constantList", () => {
  test("writes the domain's codes as literals that `in (…)` matches", async () => {
    const row = await one<{ closed: boolean; open: boolean }>(
      sql`select 'done' in (${constantList(CLOSED_ISSUE_STATUSES)}) as closed, 'open' in (${constantList(CLOSED_ISSUE_STATUSES)}) as open`,
    );
    expect(row).toEqual({ closed: true, open: false });
  });

  test("refuses anything but lower-case codes, and an empty list", () => {
    expect(() => constantList(["done", "x') or ('1' = '1"])).toThrow("lower-case codes only");
    expect(() => constantList(["Done"])).toThrow("lower-case codes only");
    expect(() => constantList([])).toThrow("lower-case codes only");
  });
});

describe("epochMs", () => {
  test("a timestamp as whole milliseconds since the epoch, to the millisecond", async () => {
    const at = new Date("2027-03-28T00:59:59.999Z");
    const row = await one<{ ms: string | number }>(sql`select ${epochMs(sql`${at.toISOString()}::timestamptz`)} as ms`);
    expect(Number(row.ms)).toBe(at.getTime());
  });
});
