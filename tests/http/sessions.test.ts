import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import type { OpenDatabase } from "../../src/adapters/db/database.ts";
import { auditLog, staffSessions } from "../../src/adapters/db/schema.ts";
import { freshPglite } from "../support/test-db.ts";
import { aStaffUser, buildTestApp, ORIGIN, testBrowser } from "../support/test-app.ts";

let repos: OpenDatabase;
let staff: { email: string; password: string };

beforeAll(async () => {
  repos = await freshPglite();
  staff = await aStaffUser(buildTestApp(repos).deps);
}, 60_000);
afterAll(async () => repos?.close());

const cookieValue = (cookie: string) => cookie.slice(cookie.indexOf("=") + 1);

describe("session ids are kept hashed", () => {
  test("the stored row holds the id's SHA-256, not the cookie's value, and the stored value is no login", async () => {
    const world = buildTestApp(repos);
    const browser = testBrowser(world.app);
    await browser.logIn(staff.email, staff.password);
    const id = cookieValue(browser.cookie);
    const digest = new Bun.CryptoHasher("sha256").update(id).digest("hex");

    const rows = await repos.db.select().from(staffSessions).where(eq(staffSessions.id, digest));
    expect(rows).toHaveLength(1);
    const everything = JSON.stringify(await repos.db.select().from(staffSessions));
    expect(everything).not.toContain(id);

    // Someone holding a copy of the database presents what it stores.
    const replay = await world.app.request(`${ORIGIN}/`, {
      headers: { Cookie: `sb_session=${digest}` },
      redirect: "manual",
    });
    expect(replay.status).toBe(303);
    expect(replay.headers.get("Location")).toBe("/login");
    expect((await browser.request("/")).status).toBe(200);
  });
});

describe("a session's absolute lifetime", () => {
  test("a session kept busy still ends SESSION_MAX_HOURS after login", async () => {
    const base = buildTestApp(repos);
    const world = buildTestApp(repos, { now: base.clock.now, settings: { ...base.deps.settings, sessionMaxHours: 1 } });
    const browser = testBrowser(world.app);
    await browser.logIn(staff.email, staff.password);
    for (let step = 0; step < 2; step++) {
      base.clock.advanceMinutes(25); // inside the 30-minute idle limit every time
      expect((await browser.request("/")).status).toBe(200);
    }
    base.clock.advanceMinutes(10); // 60 minutes since login, 10 since last use
    const ended = await browser.request("/");
    expect(ended.status).toBe(303);
    expect(ended.headers.get("Location")).toBe("/login");
  });
});

describe("the session cookie's name", () => {
  test("behind https it is __Host-sb_session: Secure, Path=/, no Domain; and it works", async () => {
    const plain = buildTestApp(repos);
    const world = buildTestApp(repos, { settings: { ...plain.deps.settings, secureCookies: true } });
    const browser = testBrowser(world.app);
    const response = await browser.post("/login", { email: staff.email, password: staff.password });
    const setCookie = response.headers.get("Set-Cookie")!;
    expect(setCookie).toStartWith("__Host-sb_session=");
    expect(setCookie).toContain("Secure");
    expect(setCookie).toContain("Path=/");
    expect(setCookie.toLowerCase()).not.toContain("domain=");
    expect((await browser.page("/")).response.status).toBe(200);
    // The plain name is not read on https, so a cookie planted over http cannot stand in.
    const planted = await world.app.request(`${ORIGIN}/`, {
      headers: { Cookie: `sb_session=${cookieValue(browser.cookie)}` },
      redirect: "manual",
    });
    expect(planted.status).toBe(303);
    const out = await browser.post("/logout", { _csrf: browser.csrf });
    expect(out.headers.get("Set-Cookie")).toStartWith("__Host-sb_session=;");
  });

  test("on http it stays sb_session", async () => {
    const response = await testBrowser(buildTestApp(repos).app).post("/login", {
      email: staff.email,
      password: staff.password,
    });
    expect(response.headers.get("Set-Cookie")).toStartWith("sb_session=");
  });
});

describe("logins in the audit trail", () => {
  test("a login, a failure and a logout are recorded, with the address, and never the password", async () => {
    const world = buildTestApp(repos);
    const browser = testBrowser(world.app);
    await browser.post("/login", { email: staff.email, password: "not the password at all" });
    await browser.logIn(staff.email, staff.password);
    await browser.post("/logout", { _csrf: browser.csrf });
    const entries = await repos.db.select().from(auditLog).where(eq(auditLog.entity, "user"));
    const whats = entries.map((e) => `${e.who} ${e.what}`);
    expect(whats).toContain(`${staff.email} login failed`);
    expect(whats).toContain(`${staff.email} logged in`);
    expect(whats).toContain(`${staff.email} logged out`);
    expect(entries.find((e) => e.what === "logged in")!.entityId).toBeTruthy();
    expect(entries.find((e) => e.what === "login failed")!.details).toEqual({ address: "unknown" });
    expect(JSON.stringify(entries)).not.toContain("not the password at all");
  });
});
