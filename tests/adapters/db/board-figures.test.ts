import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase } from "../../../src/adapters/db/open.ts";
import type { OpenDatabase } from "../../../src/adapters/db/database.ts";
import { freshPglite, startPostgres, type TestPostgres } from "../../support/test-db.ts";
import { BOARD_NOW, seedBoardMoment } from "../../support/board-data.ts";

let server: TestPostgres;
const opened: OpenDatabase[] = [];
const dataDir = mkdtempSync(join(tmpdir(), "switchboard-board-"));

beforeAll(async () => {
  server = await startPostgres();
}, 60_000);
afterAll(async () => {
  await Promise.all(opened.map((repos) => repos.close()));
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
}, 30_000);

/** Each board figure against the hand-computed moment in tests/support/board-data.ts. */
function boardContract(name: string, open: () => Promise<OpenDatabase>) {
  describe(`wall board figures on ${name}`, () => {
    let repos: OpenDatabase;
    beforeAll(async () => {
      repos = await open();
      opened.push(repos);
      await seedBoardMoment(repos.db);
    }, 60_000);

    test("an empty database: every figure zero, nothing listed", async () => {
      const empty = await open();
      opened.push(empty);
      expect(await empty.board.figures(BOARD_NOW)).toEqual({
        liveCalls: { count: 0, shown: [] },
        missedWaiting: { count: 0, oldestAt: null },
        emergenciesOpen: 0,
        engineers: { enRoute: 0, onSite: 0, shown: [] },
        money: { paidPence: 0, paidCount: 0, depositsPence: 0, depositsCount: 0 },
      });
    });

    test("calls live now, newest first, numbers as their last three digits", async () => {
      const { liveCalls } = await repos.board.figures(BOARD_NOW);
      expect(liveCalls).toEqual({
        count: 3,
        shown: [
          { status: "ringing", startedAt: new Date("2026-12-03T13:58:00Z"), emergency: true, caller: "•••001" },
          { status: "in-progress", startedAt: new Date("2026-12-03T13:55:00Z"), emergency: false, caller: "•••333" },
          { status: "in-progress", startedAt: new Date("2026-12-03T13:50:00Z"), emergency: false, caller: "•••222" },
        ],
      });
    });

    test("missed calls waiting: not called or messaged back, not followed up, within the recovery window", async () => {
      const { missedWaiting } = await repos.board.figures(BOARD_NOW);
      expect(missedWaiting).toEqual({ count: 2, oldestAt: new Date("2026-12-02T08:00:00Z") });
    });

    test("open emergencies, engineers under way today, money taken today", async () => {
      const figures = await repos.board.figures(BOARD_NOW);
      expect(figures.emergenciesOpen).toBe(2);
      expect(figures.engineers).toEqual({
        enRoute: 1,
        onSite: 1,
        shown: [
          { name: "bob.smith", status: "on_site", since: new Date("2026-12-03T09:30:00Z") },
          { name: "Ann Engineer", status: "en_route", since: new Date("2026-12-03T13:10:00Z") },
        ],
      });
      expect(figures.money).toEqual({ paidPence: 19_500, paidCount: 3, depositsPence: 7_500, depositsCount: 2 });
    });

    test("the next London day starts the money and the visits afresh", async () => {
      const tomorrow = await repos.board.figures(new Date("2026-12-04T09:00:00Z"));
      expect(tomorrow.money).toEqual({ paidPence: 0, paidCount: 0, depositsPence: 0, depositsCount: 0 });
      expect(tomorrow.engineers).toEqual({ enRoute: 0, onSite: 0, shown: [] });
    });
  });
}

boardContract("PGlite", () => freshPglite());
boardContract("PostgreSQL", async () =>
  openDatabase({ databaseUrl: await server.createDatabase(`board_${crypto.randomUUID().slice(0, 8)}`), dataDir }),
);
