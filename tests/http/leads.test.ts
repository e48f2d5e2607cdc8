import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Repositories } from "../../src/ports/database.ts";
import { freshPglite } from "../support/test-db.ts";
import { aStaffUser, buildTestApp, testBrowser } from "../support/test-app.ts";

let repos: Repositories;
let browser: ReturnType<typeof testBrowser>;

beforeAll(async () => {
  repos = await freshPglite();
  const world = buildTestApp(repos);
  const staff = await aStaffUser(world.deps);
  browser = testBrowser(world.app);
  await browser.logIn(staff.email, staff.password);
}, 30_000);
afterAll(async () => repos?.close());

describe("creating leads", () => {
  test("a valid lead is saved with its phone in E.164 and postcode normalised, then shown", async () => {
    const response = await browser.post("/leads", { _csrf: browser.csrf, name: "Sarah Jones", phone: "07700 900123", postcode: "nw16xe", segment: "tenant" });
    expect(response.status).toBe(303);
    const location = response.headers.get("Location")!;
    expect(location).toMatch(/^\/leads\/[\w-]+$/);
    const lead = await repos.leads.byId(location.split("/").pop()!);
    expect(lead).toMatchObject({ name: "Sarah Jones", phone: "+447700900123", postcode: "NW1 6XE", segment: "tenant" });
    const { html } = await browser.page(location);
    expect(html).toContain("Sarah Jones");
    expect(html).toContain("07700 900123");
  });

  test("a malformed field gets 422 with the message beside that field, and nothing is written", async () => {
    const before = (await repos.leads.search({ limit: 1, offset: 0 })).total;
    const response = await browser.post("/leads", { _csrf: browser.csrf, name: "Bad Postcode", phone: "12", postcode: "XYZ" });
    expect(response.status).toBe(422);
    const html = await response.text();
    expect(html).toMatch(/id="field-phone"[^>]*aria-invalid="true"/);
    expect(html).toContain('id="field-phone-error"');
    expect(html).toContain('id="field-postcode-error"');
    expect(html).toContain('value="Bad Postcode"');
    expect((await repos.leads.search({ limit: 1, offset: 0 })).total).toBe(before);
  });

  test("a number that belongs to a lead already is refused beside the phone field", async () => {
    const response = await browser.post("/leads", { _csrf: browser.csrf, name: "Someone Else", phone: "+44 7700 900123" });
    expect(response.status).toBe(422);
    expect(await response.text()).toContain("belongs to a lead already");
  });

  test("an htmx form post with errors answers just the form, 422", async () => {
    const response = await browser.post("/leads", { name: "", phone: "" }, { "X-CSRF-Token": browser.csrf, "HX-Request": "true" });
    expect(response.status).toBe(422);
    const html = await response.text();
    expect(html).toStartWith("<form");
    expect(html).toContain("Give a name, an organisation or a phone number.");
    expect(response.headers.get("Vary")).toContain("HX-Request");
  });
});

describe("finding leads", () => {
  beforeAll(async () => {
    for (let i = 0; i < 30; i++) {
      await browser.post("/leads", { _csrf: browser.csrf, name: `Tenant ${String(i).padStart(2, "0")}`, phone: `+4477009002${String(i).padStart(2, "0")}`, postcode: "CF10 1EP" });
    }
    await browser.post("/leads", { _csrf: browser.csrf, name: "Priya Shah", organisation: "Shah Lettings", phone: "02079460123" });
  }, 30_000);

  test("by name, case-insensitive", async () => {
    const { html } = await browser.page("/leads?q=priya");
    expect(html).toContain("Priya Shah");
    expect(html).not.toContain("Tenant 01");
  });

  test("by phone as people write it", async () => {
    const { html } = await browser.page(`/leads?q=${encodeURIComponent("020 7946 0123")}`);
    expect(html).toContain("Priya Shah");
  });

  test("by postcode, with pagination over the matches", async () => {
    const first = await browser.page("/leads?q=cf10");
    expect(first.html).toContain("Page 1 of 2 · 30 leads");
    const second = await browser.page("/leads?q=cf10&page=2");
    expect(second.html).toContain("Page 2 of 2");
    const rows = (html: string) => (html.match(/<tr>/g) ?? []).length - 1;
    expect(rows(first.html) + rows(second.html)).toBe(30);
  });

  test("an htmx search answers only the results", async () => {
    const response = await browser.request("/leads?q=shah", { headers: { "HX-Request": "true" } });
    const html = await response.text();
    expect(html).not.toContain("<html");
    expect(html).toContain("Priya Shah");
  });

  test("no match says so", async () => {
    const { html } = await browser.page("/leads?q=nobody-by-this-name");
    expect(html).toContain("No leads match");
  });
});

describe("editing and missing leads", () => {
  test("an edit is saved; an invalid edit is refused with 422 and changes nothing", async () => {
    const lead = (await repos.leads.search({ query: "Priya", limit: 1, offset: 0 })).leads[0]!;
    const ok = await browser.post(`/leads/${lead.id}`, { _csrf: browser.csrf, name: "Priya Shah-Patel", phone: lead.phone!, segment: "letting_agent" });
    expect(ok.status).toBe(303);
    expect((await repos.leads.byId(lead.id))!.name).toBe("Priya Shah-Patel");
    const bad = await browser.post(`/leads/${lead.id}`, { _csrf: browser.csrf, name: "X", phone: lead.phone!, segment: "alien" });
    expect(bad.status).toBe(422);
    expect((await repos.leads.byId(lead.id))!.name).toBe("Priya Shah-Patel");
  });

  test("an unknown id gets a 404 page", async () => {
    const { response, html } = await browser.page("/leads/00000000-0000-4000-8000-000000000000");
    expect(response.status).toBe(404);
    expect(html).toContain("There is no lead with that id.");
  });

  test("an unknown address gets a 404 page", async () => {
    const { response } = await browser.page("/no-such-page");
    expect(response.status).toBe(404);
  });
});
