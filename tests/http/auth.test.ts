import { afterAll, beforeEach, describe, expect, test } from "bun:test";
import type { Repositories } from "../../src/ports/database.ts";
import { freshPglite } from "../support/test-db.ts";
import { aStaffUser, buildTestApp, ORIGIN, testBrowser } from "../support/test-app.ts";

let repos: Repositories;
let world: ReturnType<typeof buildTestApp>;
let staff: { email: string; password: string };

beforeEach(async () => {
  repos = await freshPglite();
  world = buildTestApp(repos);
  staff = await aStaffUser(world.deps);
}, 30_000);
afterAll(async () => repos?.close());

describe("staff pages need a login", () => {
  test("a page request without a session is sent to the login page, remembering where it was going", async () => {
    const response = await testBrowser(world.app).request("/leads?q=smith");
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe(`/login?next=${encodeURIComponent("/leads?q=smith")}`);
  });

  test.each(["/board/0123456789abcdef0123456789abcdef/anything", "/a/tok3n/x", "/q/tok3n/x/y"])(
    "a path holding a secret (%p) is sent to the login page without it in next=",
    async (path) => {
      const response = await testBrowser(world.app).request(path);
      expect(response.status).toBe(303);
      expect(response.headers.get("Location")).toBe("/login");
    },
  );

  test("an htmx request without a session gets HX-Redirect instead of a login form to swap in", async () => {
    const response = await testBrowser(world.app).request("/leads?q=x", { headers: { "HX-Request": "true" } });
    expect(response.status).toBe(401);
    expect(response.headers.get("HX-Redirect")).toStartWith("/login");
    expect(await response.text()).toBe("");
  });

  test("health and readiness need no login", async () => {
    const browser = testBrowser(world.app);
    expect(await (await browser.request("/health")).json()).toEqual({ status: "ok" });
    const ready = await browser.request("/ready");
    expect(ready.status).toBe(200);
    expect((await ready.json()).status).toBe("ready");
  });
});

describe("logging in and out", () => {
  test("wrong password: 401, the reason on the page, no session", async () => {
    const browser = testBrowser(world.app);
    const response = await browser.post("/login", { email: staff.email, password: "not the password" });
    expect(response.status).toBe(401);
    expect(await response.text()).toContain("do not match");
    expect(browser.cookie).toBe("");
  });

  test("an over-long password is refused before it is checked: 422, the reason on the page, no session", async () => {
    const browser = testBrowser(world.app);
    const response = await browser.post("/login", { email: staff.email, password: "x".repeat(257) });
    expect(response.status).toBe(422);
    const html = await response.text();
    expect(html).toContain("Keep it to 256 characters or fewer.");
    expect(html).toContain(`value="${staff.email}"`);
    expect(browser.cookie).toBe("");
  });

  test("right password: a session cookie that is HttpOnly and SameSite=Lax, then the dashboard", async () => {
    const browser = testBrowser(world.app);
    const response = await browser.post("/login", { email: staff.email.toUpperCase(), password: staff.password });
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe("/");
    const cookie = response.headers.get("Set-Cookie")!;
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toContain("SameSite=Lax");
    expect(cookie).not.toContain("Secure");
    const { response: page, html } = await browser.page("/");
    expect(page.status).toBe(200);
    expect(html).toContain("Calls today");
  });

  test("behind https the cookie is Secure", async () => {
    const secure = buildTestApp(repos, { settings: { ...world.deps.settings, secureCookies: true } });
    const response = await testBrowser(secure.app).post("/login", { email: staff.email, password: staff.password });
    expect(response.headers.get("Set-Cookie")).toContain("Secure");
  });

  test("login issues a new session id, so one planted before login is worthless", async () => {
    const browser = testBrowser(world.app);
    await browser.logIn(staff.email, staff.password);
    const first = browser.cookie;
    await browser.post("/login", { email: staff.email, password: staff.password, _csrf: browser.csrf });
    expect(browser.cookie).not.toBe(first);
    const replay = await world.app.request(`${ORIGIN}/`, { headers: { Cookie: first }, redirect: "manual" });
    expect(replay.status).toBe(303);
  });

  test("after login the user goes back to the page they asked for", async () => {
    const browser = testBrowser(world.app);
    const back = await browser.post("/login", { email: staff.email, password: staff.password, next: "/issues?page=2" });
    expect(back.headers.get("Location")).toBe("/issues?page=2");
  });

  test.each([
    "//evil.example/",
    "/\\evil.example",
    "/%09/evil.example",
    "/\t/evil",
    "https://evil.example/",
    "javascript:alert(1)",
  ])("but never off-site: next=%p lands on /", async (next) => {
    const away = await testBrowser(world.app).post("/login", { email: staff.email, password: staff.password, next });
    expect(away.status).toBe(303);
    expect(away.headers.get("Location")).toBe("/");
  });

  test("the login page does not carry an off-site next into its form", async () => {
    const { html } = await testBrowser(world.app).page(`/login?next=${encodeURIComponent("/\\evil.example")}`);
    expect(html).not.toContain("evil.example");
  });

  test("logout ends the session on the server: the old cookie no longer works", async () => {
    const browser = testBrowser(world.app);
    await browser.logIn(staff.email, staff.password);
    const cookie = browser.cookie;
    const out = await browser.post("/logout", { _csrf: browser.csrf });
    expect(out.status).toBe(303);
    const replay = await world.app.request(`${ORIGIN}/`, { headers: { Cookie: cookie }, redirect: "manual" });
    expect(replay.status).toBe(303);
    expect(replay.headers.get("Location")).toBe("/login");
  });

  test("an idle session expires; activity keeps it alive", async () => {
    const browser = testBrowser(world.app);
    await browser.logIn(staff.email, staff.password);
    world.clock.advanceMinutes(20);
    expect((await browser.request("/")).status).toBe(200);
    world.clock.advanceMinutes(20); // 40 minutes since login, 20 since last use: still alive
    expect((await browser.request("/")).status).toBe(200);
    world.clock.advanceMinutes(31); // idle longer than 30 minutes
    const expired = await browser.request("/");
    expect(expired.status).toBe(303);
    expect(expired.headers.get("Location")).toBe("/login");
  });

  test("login attempts are rate-limited per email: the sixth try waits, even with the right password", async () => {
    const browser = testBrowser(world.app);
    for (let i = 0; i < 5; i++) {
      expect((await browser.post("/login", { email: staff.email, password: `wrong ${i}` })).status).toBe(401);
    }
    const blocked = await browser.post("/login", { email: staff.email, password: staff.password });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect(browser.cookie).toBe("");
    world.clock.advanceMinutes(16);
    expect((await browser.post("/login", { email: staff.email, password: staff.password })).status).toBe(303);
  });
});

describe("cross-site form posts are refused", () => {
  const leadCount = async () => (await repos.leads.search({ limit: 1, offset: 0 })).total;

  test("a post from another origin gets 403 and writes nothing", async () => {
    const browser = testBrowser(world.app);
    await browser.logIn(staff.email, staff.password);
    const response = await browser.post(
      "/leads",
      { name: "Forged", _csrf: browser.csrf },
      { Origin: "https://evil.example", "Sec-Fetch-Site": "cross-site" },
    );
    expect(response.status).toBe(403);
    expect(await leadCount()).toBe(0);
  });

  test("a same-site post without the session's token gets 403 and writes nothing", async () => {
    const browser = testBrowser(world.app);
    await browser.logIn(staff.email, staff.password);
    const response = await browser.post("/leads", { name: "No token" });
    expect(response.status).toBe(403);
    expect(await response.text()).toContain("expired");
    expect(await leadCount()).toBe(0);
  });

  test("the token from htmx's header is accepted like the form field", async () => {
    const browser = testBrowser(world.app);
    await browser.logIn(staff.email, staff.password);
    const response = await browser.post(
      "/leads",
      { name: "Via htmx" },
      { "X-CSRF-Token": browser.csrf, "HX-Request": "true" },
    );
    expect(response.status).toBe(204);
    expect(response.headers.get("HX-Redirect")).toStartWith("/leads/");
    expect(await leadCount()).toBe(1);
  });

  test("an opaque Origin (null) counts as ours only when the browser says same-origin", async () => {
    const ours = await testBrowser(world.app).post(
      "/login",
      { email: staff.email, password: staff.password },
      { Origin: "null", "Sec-Fetch-Site": "same-origin" },
    );
    expect(ours.status).toBe(303);
    const theirs = await testBrowser(world.app).post(
      "/login",
      { email: staff.email, password: staff.password },
      { Origin: "null", "Sec-Fetch-Site": "cross-site" },
    );
    expect(theirs.status).toBe(403);
  });

  test("a login form posted from another site is refused", async () => {
    const response = await testBrowser(world.app).post(
      "/login",
      { email: staff.email, password: staff.password },
      { Origin: "https://evil.example", "Sec-Fetch-Site": "cross-site" },
    );
    expect(response.status).toBe(403);
  });
});
