import { describe, expect, test } from "bun:test";
import { createServer, type Socket } from "node:net";
import { DatabaseUnavailableError, openDatabase } from "../../../src/adapters/db/open.ts";
import { redactUrl } from "../../../src/adapters/db/connection-errors.ts";
import { freePort } from "../../support/postgres.ts";

/** Runs openDatabase and returns its error, with how long it took to fail. */
async function failure(options: Parameters<typeof openDatabase>[0]): Promise<{ error: Error; ms: number }> {
  const started = Date.now();
  const outcome = await openDatabase(options).then(
    async (repos) => {
      await repos.close();
      return new Error("opened, but should not have");
    },
    (error: unknown) => error as Error,
  );
  return { error: outcome, ms: Date.now() - started };
}

describe("a database that cannot be reached", () => {
  test("PostgreSQL on a closed port: one clear line within seconds, password hidden", async () => {
    const port = await freePort();
    const { error, ms } = await failure({
      databaseUrl: `postgres://app:s3cret@127.0.0.1:${port}/switchboard`,
      dataDir: "/unused",
    });
    expect(error).toBeInstanceOf(DatabaseUnavailableError);
    expect(error.message).toBe(
      `Cannot open the database (PostgreSQL at postgres://app@127.0.0.1:${port}/switchboard): connection refused (is the server running, and on that port?).`,
    );
    expect(ms).toBeLessThan(6_000);
  });

  test("a port that accepts connections but never answers does not hang the open", async () => {
    const held: Socket[] = [];
    const silent = createServer((socket) => held.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const { port } = silent.address() as { port: number };
    try {
      const { error, ms } = await failure({
        databaseUrl: `postgres://app:s3cret@127.0.0.1:${port}/db`,
        dataDir: "/unused",
        connectTimeoutSeconds: 1,
      });
      expect(error.message).toBe(
        `Cannot open the database (PostgreSQL at postgres://app@127.0.0.1:${port}/db): the server accepted the connection but did not answer.`,
      );
      expect(ms).toBeLessThan(3_000);
    } finally {
      for (const socket of held) socket.destroy();
      silent.close();
    }
  });

  test("a host that does not resolve", async () => {
    const { error, ms } = await failure({
      databaseUrl: "postgresql://app:s3cret@db.example.invalid/switchboard",
      dataDir: "/unused",
      connectTimeoutSeconds: 3,
    });
    expect(error).toBeInstanceOf(DatabaseUnavailableError);
    expect(error.message).toStartWith(
      "Cannot open the database (PostgreSQL at postgresql://app@db.example.invalid/switchboard): ",
    );
    expect(error.message).not.toContain("s3cret");
    expect(error.message).not.toContain("\n");
    expect(ms).toBeLessThan(6_000);
  });

  test("Neon (the WebSocket driver) on a closed port", async () => {
    const port = await freePort();
    const { error, ms } = await failure({
      databaseUrl: `postgres://app:s3cret@127.0.0.1:${port}/neondb`,
      dataDir: "/unused",
      neon: true,
      neonSettings: { wsProxy: (host, p) => `${host}:${p}/v1`, useSecureWebSocket: false },
      connectTimeoutSeconds: 3,
    });
    expect(error).toBeInstanceOf(DatabaseUnavailableError);
    expect(error.message).toStartWith(`Cannot open the database (Neon at postgres://app@127.0.0.1:${port}/neondb): `);
    expect(error.message).not.toContain("s3cret");
    expect(error.message).not.toContain("\n");
    expect(ms).toBeLessThan(6_000);
  });

  test("a URL that is not postgres:// is refused before connecting", async () => {
    const { error } = await failure({ databaseUrl: "mysql://root:pw@localhost/db", dataDir: "/unused" });
    expect(error).toBeInstanceOf(DatabaseUnavailableError);
    expect(error.message).toBe(
      "DATABASE_URL must be a postgres:// or postgresql:// URL, got mysql://root@localhost/db.",
    );
  });
});

test("redactUrl drops the password and query string", () => {
  expect(redactUrl("postgres://user:pa%40ss@ep-cool-1.eu-west-2.aws.neon.tech/neondb?sslmode=require")).toBe(
    "postgres://user@ep-cool-1.eu-west-2.aws.neon.tech/neondb",
  );
  expect(redactUrl("not a url")).toBe("(an unreadable DATABASE_URL)");
});
