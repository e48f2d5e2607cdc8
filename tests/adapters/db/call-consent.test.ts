import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { OpenDatabase } from "../../../src/adapters/db/database.ts";
import { openDatabase } from "../../../src/adapters/db/open.ts";
import { createAssistantCallGate } from "../../../src/domain/assistant/call-consent.ts";
import { freshPglite, startPostgres, type TestPostgres } from "../../support/test-db.ts";
import { callConsentContract, capturingLog } from "./call-consent-contract.ts";

const dataDir = mkdtempSync(join(tmpdir(), "switchboard-unused-"));
let server: TestPostgres;
let pglite: OpenDatabase;
let postgresA: OpenDatabase;
let postgresB: OpenDatabase;

// Two handles on one PostgreSQL database: two instances of the app, each with its own pool.
beforeAll(async () => {
  server = await startPostgres();
  const url = await server.createDatabase("call_consent");
  pglite = await freshPglite();
  postgresA = await openDatabase({ databaseUrl: url, dataDir });
  postgresB = await openDatabase({ databaseUrl: url, dataDir });
}, 120_000);
afterAll(async () => {
  await Promise.all([pglite?.close(), postgresA?.close(), postgresB?.close()]);
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
}, 30_000);

describe("call consent on PGlite", () => callConsentContract(() => pglite, "1"));
describe("call consent on PostgreSQL", () => callConsentContract(() => postgresA, "2"));

describe("once a day, across instances (real PostgreSQL)", () => {
  test("two instances racing for the same number's call get one reservation; the other is told when", async () => {
    const log = capturingLog();
    const now = new Date("2026-12-03T11:00:00Z");
    const gates = [postgresA, postgresB].map((repos) =>
      createAssistantCallGate({ register: repos.callConsent, log, now: () => now }),
    );
    // Forty numbers, each raced by both instances at once (and twice by each): one win a number.
    const numbers = Array.from({ length: 40 }, (_, i) => `+447700900${String(300 + i)}`);
    const results = await Promise.all(
      numbers.flatMap((phone) =>
        [0, 1, 0, 1].map((i) => gates[i]!.mayPlaceAssistantCall({ phone, now }).then((r) => ({ phone, r }))),
      ),
    );
    for (const phone of numbers) {
      const mine = results.filter((x) => x.phone === phone).map((x) => x.r);
      expect(mine.filter((r) => r.ok).length).toBe(1);
      for (const lost of mine.filter((r) => !r.ok)) {
        expect(lost).toMatchObject({ reason: "already_called_today" });
        expect(!lost.ok && lost.message).toContain("at 11:00 (London time)");
      }
    }
    expect(log.lines.join("\n")).not.toMatch(/7700900\d{3}/);
  }, 30_000);
});
