import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Lead } from "../../src/domain/leads.ts";
import type { Repositories } from "../../src/ports/database.ts";
import { freshPglite } from "../support/test-db.ts";
import { aStaffUser, buildTestApp, testBrowser } from "../support/test-app.ts";

let repos: Repositories;
let browser: ReturnType<typeof testBrowser>;
let lead: Lead;

beforeAll(async () => {
  repos = await freshPglite();
  const world = buildTestApp(repos);
  const staff = await aStaffUser(world.deps);
  browser = testBrowser(world.app);
  await browser.logIn(staff.email, staff.password);
  lead = await repos.leads.create({
    name: "Sarah Jones",
    organisation: null,
    phone: null,
    email: null,
    address: "12 Baker Street",
    postcode: "NW1 6XE",
    segment: "tenant",
    source: "manual",
    notes: null,
  });
}, 30_000);
afterAll(async () => repos?.close());

describe("issues", () => {
  let issueId: string;

  test("the new-issue form starts from the lead's address", async () => {
    const { html } = await browser.page(`/issues/new?leadId=${lead.id}`);
    expect(html).toContain('value="12 Baker Street"');
    expect(html).toContain('value="NW1 6XE"');
  });

  test("an issue is created for a lead and shown on the board", async () => {
    const response = await browser.post("/issues", {
      _csrf: browser.csrf,
      leadId: lead.id,
      title: "Boiler leaking",
      category: "heating",
      urgency: "emergency",
      postcode: "nw1 6xe",
    });
    expect(response.status).toBe(303);
    issueId = response.headers.get("Location")!.split("/").pop()!;
    expect(await repos.issues.byId(issueId)).toMatchObject({
      title: "Boiler leaking",
      urgency: "emergency",
      postcode: "NW1 6XE",
      status: "open",
    });
    const { html } = await browser.page("/issues");
    expect(html).toContain("Boiler leaking");
  });

  test("a missing title and an unknown urgency are refused beside their fields", async () => {
    const response = await browser.post("/issues", {
      _csrf: browser.csrf,
      leadId: lead.id,
      title: "",
      urgency: "whenever",
    });
    expect(response.status).toBe(422);
    const html = await response.text();
    expect(html).toContain('id="field-title-error"');
    expect(html).toContain('id="field-urgency-error"');
  });

  test("an issue for a lead that does not exist is refused", async () => {
    const response = await browser.post("/issues", {
      _csrf: browser.csrf,
      leadId: "00000000-0000-4000-8000-000000000000",
      title: "Ghost job",
    });
    expect(response.status).toBe(422);
    expect(await response.text()).toContain("That lead does not exist.");
  });

  test("status changes in place on the board; an illegal one is refused with the reason", async () => {
    const moved = await browser.post(
      `/issues/${issueId}/status`,
      { status: "scheduled" },
      { "X-CSRF-Token": browser.csrf, "HX-Request": "true" },
    );
    expect(moved.status).toBe(200);
    expect(await moved.text()).toContain(`id="issue-${issueId}"`);
    expect((await repos.issues.byId(issueId))!.status).toBe("scheduled");

    const refused = await browser.post(
      `/issues/${issueId}/status`,
      { status: "done" },
      { "X-CSRF-Token": browser.csrf, "HX-Request": "true" },
    );
    expect(refused.status).toBe(422);
    expect(await refused.text()).toContain("cannot go from scheduled to done");
    expect((await repos.issues.byId(issueId))!.status).toBe("scheduled");
  });

  test("over-long input is refused at the edge with 422 and a reason, and changes nothing", async () => {
    const before = (await repos.issues.forLead(lead.id)).length;
    const form = await browser.post("/issues", {
      _csrf: browser.csrf,
      leadId: lead.id,
      title: "Damp",
      accessNotes: "x".repeat(20_001),
    });
    expect(form.status).toBe(422);
    const html = await form.text();
    expect(html).toContain('id="field-accessNotes-error"');
    expect(html).toContain("Keep it to 20000 characters or fewer.");
    expect((await repos.issues.forLead(lead.id)).length).toBe(before);

    const status = await browser.post(
      `/issues/${issueId}/status`,
      { status: "s".repeat(101) },
      { "X-CSRF-Token": browser.csrf, "HX-Request": "true" },
    );
    expect(status.status).toBe(422);
    expect(status.headers.get("HX-Retarget")).toBe("#flash");
    expect(await status.text()).toContain("status: Keep it to 100 characters or fewer.");
    expect((await repos.issues.byId(issueId))!.status).toBe("scheduled");
  });

  test("the issue keeps a history of who changed what", async () => {
    const { html } = await browser.page(`/issues/${issueId}`);
    expect(html).toContain("History");
    expect(html).toContain("tom@handy.example: Job scheduled, was open");
    expect(html).toContain("tom@handy.example: created");
    const entries = await repos.audit.forEntity("issue", issueId);
    expect(entries.map((e) => e.what)).toEqual(["status open → scheduled", "created"]);
  });

  test("the dashboard lists open emergencies first", async () => {
    await browser.post("/issues", {
      _csrf: browser.csrf,
      leadId: lead.id,
      title: "Paint the hallway",
      urgency: "routine",
    });
    const { html } = await browser.page("/");
    expect(html.indexOf("Boiler leaking")).toBeGreaterThan(-1);
    expect(html.indexOf("Boiler leaking")).toBeLessThan(html.indexOf("Paint the hallway"));
  });

  test("an unknown issue id gets a 404 page", async () => {
    const { response } = await browser.page("/issues/00000000-0000-4000-8000-000000000000");
    expect(response.status).toBe(404);
  });
});
