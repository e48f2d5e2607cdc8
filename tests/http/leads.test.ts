import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { E164 } from "../../src/domain/phone.ts";
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
    const response = await browser.post("/leads", {
      _csrf: browser.csrf,
      name: "Sarah Jones",
      phone: "07700 900123",
      postcode: "nw16xe",
      segment: "tenant",
    });
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
    const response = await browser.post("/leads", {
      _csrf: browser.csrf,
      name: "Bad Postcode",
      phone: "12",
      postcode: "XYZ",
    });
    expect(response.status).toBe(422);
    const html = await response.text();
    expect(html).toMatch(/id="field-phone"[^>]*aria-invalid="true"/);
    expect(html).toContain('id="field-phone-error"');
    expect(html).toContain('id="field-postcode-error"');
    expect(html).toContain('value="Bad Postcode"');
    expect((await repos.leads.search({ limit: 1, offset: 0 })).total).toBe(before);
  });

  test("a number that belongs to a lead already is refused beside the phone field (409, phone_taken) with a link to that lead", async () => {
    const existing = (await repos.leads.byPhone("+447700900123" as E164))!;
    const response = await browser.post("/leads", {
      _csrf: browser.csrf,
      name: "Someone Else",
      phone: "+44 7700 900123",
    });
    expect(response.status).toBe(409);
    const html = await response.text();
    expect(html).toContain("This number belongs to a lead already: Sarah Jones.");
    expect(html).toMatch(/id="field-phone"[^>]*aria-invalid="true"/);
    expect(html).toContain(`href="/leads/${existing.id}"`);
    expect(html).toContain('value="Someone Else"');
    expect((await repos.leads.search({ query: "Someone Else", limit: 1, offset: 0 })).total).toBe(0);
  });

  test("an htmx create with a taken number answers just the form, 409, with the link", async () => {
    const existing = (await repos.leads.byPhone("+447700900123" as E164))!;
    const response = await browser.post(
      "/leads",
      { name: "Someone Else", phone: "07700 900123" },
      { "X-CSRF-Token": browser.csrf, "HX-Request": "true" },
    );
    expect(response.status).toBe(409);
    const html = await response.text();
    expect(html).toStartWith("<form");
    expect(html).toContain(`href="/leads/${existing.id}"`);
  });

  test("two staff saving the same new caller at once: one lead is made, every other save gets phone_taken (409), never a 500", async () => {
    const saves = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        browser.post("/leads", { _csrf: browser.csrf, name: `Racer ${i}`, phone: "07700 900888" }),
      ),
    );
    const statuses = saves.map((r) => r.status).sort();
    expect(statuses).toEqual([303, 409, 409, 409, 409, 409]);
    const made = (await repos.leads.byPhone("+447700900888" as E164))!;
    expect(saves.find((r) => r.status === 303)!.headers.get("Location")).toBe(`/leads/${made.id}`);
    for (const refused of saves.filter((r) => r.status === 409))
      expect(await refused.text()).toContain(`href="/leads/${made.id}"`);
  });

  test("an htmx form post with errors answers just the form, 422", async () => {
    const response = await browser.post(
      "/leads",
      { name: "", phone: "" },
      { "X-CSRF-Token": browser.csrf, "HX-Request": "true" },
    );
    expect(response.status).toBe(422);
    const html = await response.text();
    expect(html).toStartWith("<form");
    expect(html).toContain("Give a name, an organisation or a phone number.");
    expect(response.headers.get("Vary")).toContain("HX-Request");
  });

  test("an over-long field is refused at the edge: 422, the form again with the size beside it, nothing written", async () => {
    const before = (await repos.leads.search({ limit: 1, offset: 0 })).total;
    const response = await browser.post("/leads", {
      _csrf: browser.csrf,
      name: "Long Number",
      phone: "0".repeat(5_000),
    });
    expect(response.status).toBe(422);
    const html = await response.text();
    expect(html).toMatch(/id="field-phone"[^>]*aria-invalid="true"/);
    expect(html).toContain("Keep it to 100 characters or fewer.");
    expect(html).toContain('value="Long Number"');
    expect((await repos.leads.search({ limit: 1, offset: 0 })).total).toBe(before);
  });
});

describe("finding leads", () => {
  beforeAll(async () => {
    for (let i = 0; i < 30; i++) {
      await browser.post("/leads", {
        _csrf: browser.csrf,
        name: `Tenant ${String(i).padStart(2, "0")}`,
        phone: `+4477009002${String(i).padStart(2, "0")}`,
        postcode: "CF10 1EP",
      });
    }
    await browser.post("/leads", {
      _csrf: browser.csrf,
      name: "Priya Shah",
      organisation: "Shah Lettings",
      phone: "02079460123",
    });
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

  test("by name in either order, by street, and by a job's site postcode", async () => {
    for (const q of ["shah priya", "priya shah"])
      expect((await browser.page(`/leads?q=${q}`)).html).toContain("Priya Shah");
    const [priya] = (await repos.leads.search({ query: "priya", limit: 1, offset: 0 })).leads;
    await repos.leads.update(priya!.id, { address: "9 Mare Street" });
    await repos.issues.create({
      leadId: priya!.id,
      title: "Leaking tap",
      description: null,
      category: "plumbing",
      urgency: "routine",
      address: "Flat 2, 4 Rye Lane",
      postcode: "SE15 4QN",
      accessNotes: null,
    });
    for (const q of ["mare street", "SE15 4QN", "se154qn", "rye lane"]) {
      const { html } = await browser.page(`/leads?q=${encodeURIComponent(q)}`);
      expect({ q, found: html.includes("Priya Shah") }).toEqual({ q, found: true });
      expect(html).not.toContain("Tenant 01");
    }
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
    const ok = await browser.post(`/leads/${lead.id}`, {
      _csrf: browser.csrf,
      name: "Priya Shah-Patel",
      phone: lead.phone!,
      segment: "letting_agent",
    });
    expect(ok.status).toBe(303);
    expect((await repos.leads.byId(lead.id))!.name).toBe("Priya Shah-Patel");
    const bad = await browser.post(`/leads/${lead.id}`, {
      _csrf: browser.csrf,
      name: "X",
      phone: lead.phone!,
      segment: "alien",
    });
    expect(bad.status).toBe(422);
    expect((await repos.leads.byId(lead.id))!.name).toBe("Priya Shah-Patel");
  });

  test("giving a lead another lead's number is refused (409, phone_taken) with a link, and changes nothing", async () => {
    const priya = (await repos.leads.search({ query: "Priya", limit: 1, offset: 0 })).leads[0]!;
    const other = (await repos.leads.byPhone("+447700900123" as E164))!;
    const response = await browser.post(`/leads/${priya.id}`, {
      _csrf: browser.csrf,
      name: priya.name!,
      phone: "07700 900123",
    });
    expect(response.status).toBe(409);
    const html = await response.text();
    expect(html).toContain("This number belongs to a lead already: Sarah Jones.");
    expect(html).toContain(`href="/leads/${other.id}"`);
    expect((await repos.leads.byId(priya.id))!.phone).toBe(priya.phone);
  });

  test("two edits giving two leads the same new number at once: one is saved, the other gets phone_taken (409), never a 500", async () => {
    const [first, second] = (await repos.leads.search({ query: "Tenant 0", limit: 2, offset: 0 })).leads;
    const edits = await Promise.all(
      [first!, second!].map((lead) =>
        browser.post(`/leads/${lead.id}`, { _csrf: browser.csrf, name: lead.name!, phone: "07700 900777" }),
      ),
    );
    expect(edits.map((r) => r.status).sort()).toEqual([303, 409]);
    const owner = (await repos.leads.byPhone("+447700900777" as E164))!;
    expect([first!.id, second!.id]).toContain(owner.id);
    expect(await edits.find((r) => r.status === 409)!.text()).toContain(`href="/leads/${owner.id}"`);
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
