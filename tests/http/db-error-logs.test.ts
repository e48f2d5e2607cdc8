import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import type { OpenDatabase } from "../../src/adapters/db/database.ts";
import { databaseErrorForLog } from "../../src/adapters/db/pg-errors.ts";
import { createLogger } from "../../src/logger.ts";
import { freshPglite } from "../support/test-db.ts";
import { aStaffUser, buildTestApp, signedTwilioPost, testBrowser } from "../support/test-app.ts";

const SMS_BODY = "my door code is 4491 and the key is under the mat";
const SEARCH = "Priya Raman 07700 900999";

let repos: OpenDatabase;
let world: ReturnType<typeof buildTestApp>;
let browser: ReturnType<typeof testBrowser>;
const lines: string[] = [];

beforeAll(async () => {
  repos = await freshPglite();
  const logger = createLogger({
    level: "debug",
    pretty: false,
    destination: { write: (line: string) => lines.push(line) },
  });
  world = buildTestApp(repos, { logger });
  const staff = await aStaffUser(world.deps);
  browser = testBrowser(world.app);
  await browser.logIn(staff.email, staff.password);
  // The database now refuses the statements below for real, as a broken or half-migrated one would.
  await repos.db.execute(sql.raw("alter table webhook_deliveries rename to webhook_deliveries_gone"));
  await repos.db.execute(sql.raw("alter table leads rename to leads_gone"));
}, 30_000);
afterAll(async () => repos?.close());

const errorLines = () => lines.map((line) => JSON.parse(line)).filter((line) => line.level >= 50);

describe("database errors in the log", () => {
  test("an inbound SMS the database refuses is logged by code, never with its body", async () => {
    const before = errorLines().length;
    const response = await signedTwilioPost(world.app, "/api/twilio/sms", {
      MessageSid: "SM00000000000000000000000000000777",
      AccountSid: "AC00000000000000000000000000000000",
      From: "+447700900999",
      To: "+442079460000",
      Body: SMS_BODY,
      NumMedia: "0",
    });
    expect(response.status).toBe(500);
    const logged = errorLines().slice(before);
    expect(logged.length).toBeGreaterThan(0);
    expect(logged.map((line) => line.err)).toContainEqual({ type: "DatabaseError", code: "42P01" });
    const text = JSON.stringify(logged);
    expect(text).not.toContain("door code");
    expect(text).not.toContain("Failed query");
    expect(text).not.toContain("webhook_deliveries_gone");
  });

  test("a search the database refuses is logged by code, never with the search term", async () => {
    const before = errorLines().length;
    const response = await browser.request(`/leads?q=${encodeURIComponent(SEARCH)}`);
    expect(response.status).toBe(500);
    const logged = errorLines().slice(before);
    expect(logged.map((line) => line.err)).toContainEqual({ type: "DatabaseError", code: "42P01" });
    const text = JSON.stringify(lines);
    expect(text).not.toContain("Priya");
    expect(text).not.toContain("900999");
  });
});

describe("databaseErrorForLog", () => {
  test("keeps the code, constraint, table and column of a driver's error under drizzle's wrapper", () => {
    const driverError = Object.assign(new Error('duplicate key value violates unique constraint "leads_phone_key"'), {
      code: "23505",
      constraint_name: "leads_phone_key",
      table_name: "leads",
      detail: "Key (phone)=(+447700900123) already exists.",
    });
    const wrapped = Object.assign(new Error("Failed query: insert into leads ... params: +447700900123"), {
      query: "insert into leads ...",
      params: ["+447700900123"],
      cause: driverError,
    });
    expect(databaseErrorForLog(wrapped)).toEqual({
      type: "DatabaseError",
      code: "23505",
      constraint: "leads_phone_key",
      table: "leads",
    });
  });

  test("an error that is not the database's is left to the ordinary serializer", () => {
    expect(databaseErrorForLog(new Error("HTTP 503 from the provider"))).toBeNull();
    expect(databaseErrorForLog(Object.assign(new Error("fs"), { code: "ENOENT" }))).toBeNull();
  });
});
