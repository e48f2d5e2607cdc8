import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { addStaffUser } from "../../src/domain/staff-access.ts";
import type { AuditEntry } from "../../src/ports/audit.ts";
import type { Repositories } from "../../src/ports/database.ts";
import { freshPglite } from "../support/test-db.ts";
import { aStaffUser, buildTestApp, testBrowser } from "../support/test-app.ts";

let repos: Repositories;
let world: ReturnType<typeof buildTestApp>;
let admin: ReturnType<typeof testBrowser>;

const entry = (overrides: Partial<AuditEntry>): AuditEntry => ({
  who: "ann@handy.example",
  what: "edited",
  entity: "lead",
  entityId: null,
  at: new Date("2026-11-20T10:00:00Z"),
  ...overrides,
});

beforeAll(async () => {
  repos = await freshPglite();
  world = buildTestApp(repos);
  const user = await aStaffUser(world.deps, "ann@handy.example");
  admin = testBrowser(world.app);
  await admin.logIn(user.email, user.password);
  await repos.audit.record(entry({ what: "created", entityId: "lead-1", at: new Date("2026-11-01T09:00:00Z") }));
  await repos.audit.record(
    entry({
      who: "bob@handy.example",
      what: "sent to the customer",
      entity: "quote",
      entityId: "quote-7",
      at: new Date("2026-11-10T23:30:00Z"),
    }),
  );
  await repos.audit.record(
    entry({
      who: "stripe",
      what: "payment flagged for staff",
      entity: "payment",
      entityId: "pay-3",
      at: new Date("2026-11-15T12:00:00Z"),
    }),
  );
  // 60 more, for paging: newest of all.
  for (let i = 0; i < 60; i++) {
    await repos.audit.record(entry({ what: `bulk change ${i}`, at: new Date(Date.UTC(2026, 10, 25, 8, i)) }));
  }
}, 60_000);
afterAll(async () => repos?.close());

const page = async (query: string) => {
  const { response, html } = await admin.page(`/settings/audit${query}`);
  expect(response.status).toBe(200);
  return html;
};

describe("the audit trail at /settings/audit", () => {
  test("newest first, 50 a page, with a link to older entries", async () => {
    const first = await page("");
    // The admin's own log-in is the newest entry, so the page ends one change earlier.
    expect(first.indexOf("logged in")).toBeLessThan(first.indexOf("bulk change 59"));
    expect(first.indexOf("bulk change 59")).toBeLessThan(first.indexOf("bulk change 58"));
    expect(first).toContain("bulk change 11");
    expect(first).not.toContain("bulk change 10<");
    expect(first).toContain("Older →");
    const second = await page("?page=2");
    expect(second).toContain("bulk change 10<");
    expect(second).toContain("bulk change 9<");
    expect(second).toContain("payment flagged for staff");
    expect(second).toContain("created");
    expect(second).not.toContain("Older →");
    expect(second).toContain("← Newer");
  });

  test("searches by who, by what, by a record's id, by entity and by London dates", async () => {
    const byWho = await page("?who=bob");
    expect(byWho).toContain("sent to the customer");
    expect(byWho).not.toContain("bulk change");

    const byText = await page("?q=FLAGGED");
    expect(byText).toContain("payment flagged for staff");
    expect(byText).not.toContain("sent to the customer");

    expect(await page("?q=quote-7")).toContain("sent to the customer");
    const byEntity = await page("?entity=lead&q=created");
    expect(byEntity).toContain("created");
    expect(byEntity).not.toContain("bulk change");

    // 23:30 UTC on 10 November is still the 10th in London (GMT); the range covers whole days.
    const byDates = await page("?from=2026-11-10&to=2026-11-15");
    expect(byDates).toContain("sent to the customer");
    expect(byDates).toContain("payment flagged for staff");
    expect(byDates).not.toContain(">created");
    expect(byDates).not.toContain("bulk change");
    expect(await page("?to=2026-11-09")).not.toContain("sent to the customer");
  });

  test("an htmx search answers only the results fragment; wildcards typed are matched literally", async () => {
    const response = await admin.request("/settings/audit?q=flagged", { headers: { "HX-Request": "true" } });
    const html = await response.text();
    expect(response.headers.get("Vary")).toContain("HX-Request");
    expect(html).not.toContain("<html");
    expect(html).toContain("payment flagged for staff");
    expect(await page("?q=%25")).toContain("No entries match.");
  });

  test("odd query values are read leniently, never a 500", async () => {
    for (const query of ["?page=abc", "?page=-5", "?from=2026-13-45", "?entity=nope", `?who=${"x".repeat(500)}`]) {
      const { response } = await admin.page(`/settings/audit${query}`);
      expect({ query, status: response.status }).toEqual({ query, status: 200 });
    }
  });

  test("a staff-role user gets 403", async () => {
    const added = await addStaffUser(
      { staffUsers: repos.staffUsers, passwords: world.deps.passwords },
      { email: "sam@handy.example", password: "correct horse battery", role: "staff" },
    );
    expect(added.ok).toBe(true);
    const staff = testBrowser(world.app);
    await staff.logIn("sam@handy.example", "correct horse battery");
    const response = await staff.request("/settings/audit");
    expect(response.status).toBe(403);
    expect(await response.text()).not.toContain("bulk change");
  });
});
