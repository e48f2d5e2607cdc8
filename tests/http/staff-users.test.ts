import { afterAll, beforeEach, describe, expect, test } from "bun:test";
import { addStaffUser } from "../../src/domain/staff-access.ts";
import type { Repositories } from "../../src/ports/database.ts";
import { freshPglite } from "../support/test-db.ts";
import { aStaffUser, buildTestApp, testBrowser } from "../support/test-app.ts";

let repos: Repositories;
let world: ReturnType<typeof buildTestApp>;
let admin: ReturnType<typeof testBrowser>;
let adminUser: Awaited<ReturnType<typeof aStaffUser>>;

const PASSWORD = "correct horse battery";

async function aStaffMember(email = "sam@handy.example") {
  const added = await addStaffUser(
    { staffUsers: repos.staffUsers, passwords: world.deps.passwords },
    { email, password: PASSWORD, role: "staff" },
  );
  if (!added.ok) throw new Error(added.message);
  const browser = testBrowser(world.app);
  await browser.logIn(email, PASSWORD);
  return { user: added.value, browser };
}

beforeEach(async () => {
  await repos?.close();
  repos = await freshPglite();
  world = buildTestApp(repos);
  adminUser = await aStaffUser(world.deps, "ann@handy.example");
  admin = testBrowser(world.app);
  await admin.logIn(adminUser.email, adminUser.password);
}, 30_000);
afterAll(async () => repos?.close());

/** What admins did to a user; their own logins and logouts are audited too, and left out here. */
const SESSION_EVENTS = new Set(["logged in", "logged out", "login failed"]);
const entriesFor = async (entityId: string) =>
  (await repos.audit.forEntity("user", entityId)).filter((entry) => !SESSION_EVENTS.has(entry.what));

describe("staff-role users are refused the admin pages and actions, before any validation", () => {
  test("403 on /settings/users, /settings/audit and every user action, and no links to them in the nav", async () => {
    const { browser, user } = await aStaffMember();
    const dashboard = await browser.page("/");
    expect(dashboard.html).not.toContain('href="/settings/users"');
    expect(dashboard.html).not.toContain('href="/settings/audit"');
    expect((await admin.page("/")).html).toContain('href="/settings/users"');

    expect((await browser.request("/settings/users")).status).toBe(403);
    expect((await browser.request("/settings/audit?q=x")).status).toBe(403);
    // Invalid forms (a 1,001-character role, no fields) still get 403, not 422.
    const posts: [string, Record<string, string>][] = [
      ["/settings/users", { email: "x".repeat(2_000) }],
      [`/settings/users/${user.id}/role`, { role: "a".repeat(101) }],
      [`/settings/users/${user.id}/role`, { role: "admin" }],
      [`/settings/users/${user.id}/password`, { password: "p".repeat(1_001) }],
      [`/settings/users/${adminUser.user.id}/disable`, {}],
      [`/settings/users/${user.id}/enable`, {}],
    ];
    for (const [path, fields] of posts) {
      const response = await browser.post(path, { _csrf: browser.csrf, ...fields });
      expect({ path, status: response.status }).toEqual({ path, status: 403 });
    }
    expect((await repos.staffUsers.byId(user.id))!.role).toBe("staff");
    expect((await repos.staffUsers.byId(adminUser.user.id))!.disabledAt).toBeNull();
    expect(await repos.staffUsers.count()).toBe(2);
  });

  test("staff may read the safety list but not change it: 403 even for a form the validator would refuse", async () => {
    const { browser } = await aStaffMember();
    const page = await browser.page("/settings/safety");
    expect(page.response.status).toBe(200);
    expect(page.html).toContain("Only admins can change this list.");
    const tooLong = await browser.post("/settings/safety", { _csrf: browser.csrf, rules: `[${" ".repeat(250_000)}]` });
    expect(tooLong.status).toBe(403);
    const valid = await browser.post("/settings/safety", { _csrf: browser.csrf, rules: "[]" });
    expect(valid.status).toBe(403);
    expect(await repos.audit.forEntity("settings", "safety_rules")).toEqual([]);
  });
});

describe("admins manage staff at /settings/users", () => {
  test("the page lists everyone with their role and status", async () => {
    await aStaffMember();
    const { response, html } = await admin.page("/settings/users");
    expect(response.status).toBe(200);
    expect(html).toContain("ann@handy.example");
    expect(html).toContain("sam@handy.example");
    expect(html).toContain('action="/settings/users"');
  });

  test("adding a user: they can log in, and the audit trail says who added them", async () => {
    const response = await admin.post("/settings/users", {
      _csrf: admin.csrf,
      email: " New.Person@Handy.example ",
      name: "New Person",
      role: "staff",
      password: PASSWORD,
    });
    expect(response.status).toBe(303);
    const added = await repos.staffUsers.byEmail("new.person@handy.example");
    expect(added).toMatchObject({ name: "New Person", role: "staff", disabledAt: null });
    const login = await testBrowser(world.app).post("/login", {
      email: "new.person@handy.example",
      password: PASSWORD,
    });
    expect(login.status).toBe(303);
    const [entry] = await entriesFor(added!.id);
    expect(entry).toMatchObject({ who: "ann@handy.example", what: "added as staff", entity: "user" });
    expect(entry!.details).toEqual({ email: "new.person@handy.example" });
  });

  test("a bad new user is refused with the reason beside its field and adds nothing", async () => {
    const cases: [Record<string, string>, number, string][] = [
      [{ email: "not-an-email", role: "staff", password: PASSWORD }, 422, "is not an email address"],
      [{ email: "a@handy.example", role: "staff", password: "short" }, 422, "at least 10 characters"],
      [{ email: "a@handy.example", role: "owner", password: PASSWORD }, 422, "Role must be admin or staff"],
      [{ email: "ann@handy.example", role: "staff", password: PASSWORD }, 409, "already an account"],
      [{ email: "a@handy.example", role: "staff", password: "p".repeat(1_001) }, 422, "Keep it to 1000 characters"],
    ];
    for (const [fields, status, reason] of cases) {
      const response = await admin.post("/settings/users", { _csrf: admin.csrf, name: "", ...fields });
      const html = await response.text();
      expect({ fields, status: response.status, has: html.includes(reason) }).toEqual({ fields, status, has: true });
      expect(html).not.toContain(PASSWORD);
    }
    expect(await repos.staffUsers.count()).toBe(1);
  });

  test("setting a role is audited and takes effect on the user's next request", async () => {
    const { user, browser } = await aStaffMember();
    expect((await browser.request("/settings/users")).status).toBe(403);
    const response = await admin.post(`/settings/users/${user.id}/role`, { _csrf: admin.csrf, role: "admin" });
    expect(response.status).toBe(303);
    expect((await browser.request("/settings/users")).status).toBe(200);
    expect((await entriesFor(user.id))[0]).toMatchObject({ who: "ann@handy.example", what: "role staff → admin" });

    const bad = await admin.post(`/settings/users/${user.id}/role`, { _csrf: admin.csrf, role: "owner" });
    expect(bad.status).toBe(422);
    expect((await repos.staffUsers.byId(user.id))!.role).toBe("admin");
  });

  test("resetting a password: the new one works, the old one and the user's open sessions do not", async () => {
    const { user, browser } = await aStaffMember();
    const response = await admin.post(`/settings/users/${user.id}/password`, {
      _csrf: admin.csrf,
      password: "a brand new passphrase",
    });
    expect(response.status).toBe(303);
    expect((await browser.request("/leads")).status).toBe(303);
    const old = await testBrowser(world.app).post("/login", { email: user.email, password: PASSWORD });
    expect(old.status).toBe(401);
    const fresh = await testBrowser(world.app).post("/login", {
      email: user.email,
      password: "a brand new passphrase",
    });
    expect(fresh.status).toBe(303);
    expect((await entriesFor(user.id))[0]).toMatchObject({ what: "password reset" });

    const weak = await admin.post(`/settings/users/${user.id}/password`, { _csrf: admin.csrf, password: "short" });
    expect(weak.status).toBe(422);
  });

  test("a disabled user's open session stops at once and they cannot log in; enabled, they can again", async () => {
    const { user, browser } = await aStaffMember();
    expect((await browser.request("/leads")).status).toBe(200);
    const disabled = await admin.post(`/settings/users/${user.id}/disable`, { _csrf: admin.csrf });
    expect(disabled.status).toBe(303);
    const after = await browser.request("/leads");
    expect(after.status).toBe(303);
    expect(after.headers.get("Location")).toStartWith("/login");
    const login = await testBrowser(world.app).post("/login", { email: user.email, password: PASSWORD });
    expect(login.status).toBe(401);
    expect((await admin.page("/settings/users")).html).toContain("Enable");

    const enabled = await admin.post(`/settings/users/${user.id}/enable`, { _csrf: admin.csrf });
    expect(enabled.status).toBe(303);
    const again = await testBrowser(world.app).post("/login", { email: user.email, password: PASSWORD });
    expect(again.status).toBe(303);
    expect((await entriesFor(user.id)).map((e) => e.what).sort()).toEqual(["disabled", "enabled"]);
  });

  test("the last active admin can be neither demoted nor disabled: 409 with the reason, nothing changes", async () => {
    const id = adminUser.user.id;
    for (const [path, fields] of [
      [`/settings/users/${id}/role`, { role: "staff" }],
      [`/settings/users/${id}/disable`, {}],
    ] as const) {
      const response = await admin.post(path, { _csrf: admin.csrf, ...fields });
      expect(response.status).toBe(409);
      expect(await response.text()).toContain("ann@handy.example is the last active admin");
    }
    const htmx = await admin.post(`/settings/users/${id}/disable`, { _csrf: admin.csrf }, { "HX-Request": "true" });
    expect(htmx.status).toBe(409);
    expect(htmx.headers.get("HX-Retarget")).toBe("#flash");
    expect(await repos.staffUsers.byId(id)).toMatchObject({ role: "admin", disabledAt: null });
    expect(await entriesFor(id)).toEqual([]);

    // With a second admin, the first may step down; a disabled admin does not count.
    const { user: second } = await aStaffMember("bea@handy.example");
    await admin.post(`/settings/users/${second.id}/role`, { _csrf: admin.csrf, role: "admin" });
    await admin.post(`/settings/users/${second.id}/disable`, { _csrf: admin.csrf });
    expect((await admin.post(`/settings/users/${id}/role`, { _csrf: admin.csrf, role: "staff" })).status).toBe(409);
    await admin.post(`/settings/users/${second.id}/enable`, { _csrf: admin.csrf });
    expect((await admin.post(`/settings/users/${id}/role`, { _csrf: admin.csrf, role: "staff" })).status).toBe(303);
    expect((await repos.staffUsers.byId(id))!.role).toBe("staff");
  });

  test("two admins demoting each other at once leave one admin, not none", async () => {
    const { user: second } = await aStaffMember("bea@handy.example");
    await admin.post(`/settings/users/${second.id}/role`, { _csrf: admin.csrf, role: "admin" });
    const results = await Promise.all([
      admin.post(`/settings/users/${second.id}/role`, { _csrf: admin.csrf, role: "staff" }),
      admin.post(`/settings/users/${adminUser.user.id}/role`, { _csrf: admin.csrf, role: "staff" }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([303, 409]);
    const admins = (await repos.staffUsers.list()).filter((u) => u.role === "admin");
    expect(admins).toHaveLength(1);
  });

  test("an unknown user id is 404", async () => {
    const response = await admin.post("/settings/users/00000000-0000-4000-8000-000000000000/disable", {
      _csrf: admin.csrf,
    });
    expect(response.status).toBe(404);
  });
});
