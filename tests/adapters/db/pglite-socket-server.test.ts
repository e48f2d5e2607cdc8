import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import postgres from "postgres";
import { Gate } from "../../../src/adapters/db/gate.ts";
import { PGLITE_OPTIONS } from "../../../src/adapters/db/pglite-host.ts";
import {
  readyStatus,
  servePgliteOnSocket,
  type PgliteSocketServer,
} from "../../../src/adapters/db/pglite-socket-server.ts";
import { migratedTemplate } from "../../support/test-db.ts";

let pg: PGlite;
let gate: Gate;
let server: PgliteSocketServer;
const folder = mkdtempSync(join(tmpdir(), "switchboard-socket-"));

/** The owner's side: every in-process statement takes the gate, as pglite-host.ts arranges. */
const ownerQuery = <T>(text: string, params: unknown[] = []) => gate.run(() => pg.query<T>(text, params));
const client = () =>
  postgres({ path: server.path, user: "postgres", database: "postgres", prepare: false, max: 1, onnotice: () => {} });

beforeAll(async () => {
  pg = await PGlite.create({ ...PGLITE_OPTIONS, loadDataDir: await migratedTemplate() }); // cheaper than initdb
  await pg.exec("create table notes (id int primary key, body text)");
  gate = new Gate();
  server = await servePgliteOnSocket(pg, gate, join(folder, "test.sock"), { idleInTransactionMs: 300 });
}, 30_000);
afterAll(async () => {
  await server?.close();
  await pg?.close();
  rmSync(folder, { recursive: true, force: true });
});

describe("PGlite served on a unix socket", () => {
  test("the owner's statements wait while a client's transaction is open, then see its commit", async () => {
    const sql = client();
    try {
      const reserved = await sql.reserve();
      await reserved`begin`;
      await reserved`insert into notes values (1, 'from the client')`;
      let ownerDone = false;
      const owner = ownerQuery<{ n: number }>("select count(*)::int as n from notes").then((result) => {
        ownerDone = true;
        return result.rows[0]!.n;
      });
      await Bun.sleep(100);
      expect(ownerDone).toBe(false); // not inside the client's transaction, and not around it
      await reserved`commit`;
      expect(await owner).toBe(1);
      reserved.release();
    } finally {
      await sql.end();
    }
  });

  test("a client that vanishes mid-transaction is rolled back and lets the others in", async () => {
    const sql = client();
    const reserved = await sql.reserve();
    await reserved`begin`;
    await reserved`insert into notes values (2, 'never committed')`;
    await sql.end({ timeout: 0 });
    const { rows } = await ownerQuery<{ n: number }>("select count(*)::int as n from notes where id = 2");
    expect(rows[0]!.n).toBe(0);
  });

  test("a client idle inside a transaction is cut off and rolled back", async () => {
    const sql = client();
    try {
      const reserved = await sql.reserve();
      await reserved`begin`;
      await reserved`insert into notes values (3, 'left hanging')`;
      await Bun.sleep(600);
      const { rows } = await ownerQuery<{ n: number }>("select count(*)::int as n from notes where id = 3");
      expect(rows[0]!.n).toBe(0);
      reserved.release();
    } finally {
      await sql.end({ timeout: 0 });
    }
  });

  test("errors reach the client and leave the connection usable", async () => {
    const sql = client();
    try {
      await expect(sql`select * from no_such_table`).rejects.toThrow('relation "no_such_table" does not exist');
      await expect(
        sql.begin((tx) => [tx`insert into notes values (4, 'a')`, tx`insert into notes values (4, 'dup')`]),
      ).rejects.toThrow("duplicate key");
      const [row] = await sql<{ n: number }[]>`select count(*)::int as n from notes where id = 4`;
      expect(row!.n).toBe(0);
    } finally {
      await sql.end();
    }
  });
});

test("readyStatus reads the transaction state from the last ReadyForQuery", () => {
  const message = (type: string, body: number[]) => [type.charCodeAt(0), 0, 0, 0, 4 + body.length, ...body];
  const commandComplete = message("C", [...new TextEncoder().encode("BEGIN"), 0]);
  expect(readyStatus(Uint8Array.from([...commandComplete, ...message("Z", ["T".charCodeAt(0)])]))).toBe("T");
  expect(readyStatus(Uint8Array.from([...message("Z", ["I".charCodeAt(0)])]))).toBe("I");
  expect(readyStatus(Uint8Array.from(commandComplete))).toBeNull();
  expect(readyStatus(Uint8Array.from([0x5a, 0, 0, 0, 0, 0]))).toBeNull(); // nonsense length: no endless loop
});
