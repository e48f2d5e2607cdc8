import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { OpenDatabase } from "../../src/adapters/db/database.ts";
import { addStaffUser } from "../../src/domain/staff-access.ts";
import { alicePipe } from "../support/engineers.ts";
import { aStaffUser, buildTestApp, testBrowser } from "../support/test-app.ts";
import { freshPglite } from "../support/test-db.ts";

let repos: OpenDatabase;
let world: ReturnType<typeof buildTestApp>;
let admin: ReturnType<typeof testBrowser>;
let alice: string;

// The test clock: Friday 27 November 2026, 10:00 GMT.
const WEEK = ["08:00-17:30", "08:00-17:30", "08:00-17:30", "08:00-17:30", "08:00-17:30", "09:00-12:00", "closed"];
const rotaAt = (from: string, to: string) =>
  repos.onCall.rota({ from: new Date(from), to: new Date(to) }).then((r) => r.map((p) => p.startsAt.toISOString()));

beforeAll(async () => {
  repos = await freshPglite();
  world = buildTestApp(repos);
  alice = (await repos.engineers.create(alicePipe({ phone: "+447700900777" as never }))).userId;
  const staff = await aStaffUser(world.deps);
  admin = testBrowser(world.app);
  await admin.logIn(staff.email, staff.password);
}, 30_000);
afterAll(async () => repos?.close());

describe("/settings/on-call", () => {
  test("shows the default office hours, an empty rota and who answers now", async () => {
    const { response, html } = await admin.page("/settings/on-call");
    expect(response.status).toBe(200);
    expect(html).toContain("The office (office hours)");
    expect(html).toContain('value="08:00-17:00"');
    expect(html).toContain("Nobody is on the rota");
  });

  test("an admin sets the office hours; they are stored and audited", async () => {
    const response = await admin.post("/settings/on-call/hours", { _csrf: admin.csrf, day: WEEK });
    expect(response.status).toBe(303);
    const week = await repos.onCall.officeHours();
    expect(week[5]).toEqual({ start: 540, end: 720 });
    expect(week[6]).toBeNull();
    expect(await repos.audit.forEntity("settings", "office_hours")).toEqual([
      expect.objectContaining({ what: "office hours set" }),
    ]);
  });

  test("bad hours are refused with the reason and change nothing", async () => {
    const before = await repos.onCall.officeHours();
    const bad = await admin.post("/settings/on-call/hours", { _csrf: admin.csrf, day: [...WEEK.slice(0, 6), "9-5"] });
    expect(bad.status).toBe(422);
    expect(await bad.text()).toContain("sun: &quot;9-5&quot; is not a working day");
    const closed = await admin.post("/settings/on-call/hours", { _csrf: admin.csrf, day: Array(7).fill("closed") });
    expect(closed.status).toBe(422);
    expect(await repos.onCall.officeHours()).toEqual(before);
  });

  test("an admin adds a night (London times, across no clock change): stored as UTC instants and audited", async () => {
    const response = await admin.post("/settings/on-call/periods", {
      _csrf: admin.csrf,
      engineerId: alice,
      from: "2026-11-27T17:30",
      to: "2026-11-28T09:00",
    });
    expect(response.status).toBe(303);
    expect(await rotaAt("2026-11-27T00:00:00Z", "2026-11-29T00:00:00Z")).toEqual(["2026-11-27T17:30:00.000Z"]);
    expect(await repos.audit.forEntity("settings", "on_call_rota")).toEqual([
      expect.objectContaining({ what: "on-call period added" }),
    ]);
    const { html } = await admin.page("/settings/on-call");
    expect(html).toContain("Alice Pipe");
  });

  test.each([
    [{ from: "2026-11-28T08:00", to: "2026-11-28T20:00" }, 409, "overlaps another"],
    [{ from: "2026-11-29T20:00", to: "2026-11-29T08:00" }, 422, "ends before it starts"],
    [{ from: "someday", to: "2026-11-29T08:00" }, 422, "as a date and a time"],
    [{ engineerId: "00000000-0000-4000-8000-000000000000" }, 404, "no such engineer"],
  ])("refuses %p with %d and the reason, and adds nothing", async (change, status, reason) => {
    const response = await admin.post("/settings/on-call/periods", {
      _csrf: admin.csrf,
      engineerId: alice,
      from: "2026-11-30T17:30",
      to: "2026-12-01T08:00",
      ...change,
    });
    expect(response.status).toBe(status);
    expect(await response.text()).toContain(reason);
    expect((await rotaAt("2026-11-01T00:00:00Z", "2027-01-01T00:00:00Z")).length).toBe(1);
  });

  test("a staff-role user can read the page but not change it", async () => {
    await addStaffUser(
      { staffUsers: repos.staffUsers, passwords: world.deps.passwords },
      { email: "sam@handy.example", password: "correct horse battery", role: "staff" },
    );
    const staff = testBrowser(world.app);
    await staff.logIn("sam@handy.example", "correct horse battery");
    const { response, html } = await staff.page("/settings/on-call");
    expect(response.status).toBe(200);
    expect(html).toContain("Only admins can change");
    const post = await staff.post("/settings/on-call/hours", { _csrf: staff.csrf, day: WEEK });
    expect(post.status).toBe(403);
  });

  test("an admin removes a period, audited", async () => {
    const [period] = await repos.onCall.rota({ from: new Date("2026-11-01"), to: new Date("2027-01-01") });
    const response = await admin.post(`/settings/on-call/periods/${period!.id}/remove`, { _csrf: admin.csrf });
    expect(response.status).toBe(303);
    expect(await rotaAt("2026-11-01T00:00:00Z", "2027-01-01T00:00:00Z")).toEqual([]);
    const again = await admin.post(`/settings/on-call/periods/${period!.id}/remove`, { _csrf: admin.csrf });
    expect(again.status).toBe(404);
    expect((await repos.audit.forEntity("settings", "on_call_rota")).map((e) => e.what).sort()).toEqual([
      "on-call period added",
      "on-call period removed",
    ]);
  });

  test("an admin sets an engineer's phone beside the rota, audited without the number; a bad one is refused; staff only read it", async () => {
    const { html } = await admin.page("/settings/on-call");
    expect(html).toContain('id="engineer-phones"');
    expect(html).toContain(`action="/settings/on-call/engineers/${alice}/phone"`);
    expect(html).toContain('value="07700 900777"');

    const saved = await admin.post(`/settings/on-call/engineers/${alice}/phone`, {
      _csrf: admin.csrf,
      phone: "07700 900888",
    });
    expect(saved.status).toBe(303);
    expect((await repos.engineers.byId(alice))!.phone as string | null).toBe("+447700900888");
    const trail = await repos.audit.forEntity("user", alice);
    expect(trail).toContainEqual(expect.objectContaining({ what: "phone number changed" }));
    expect(JSON.stringify(trail)).not.toContain("900888");

    const refused = await admin.post(`/settings/on-call/engineers/${alice}/phone`, {
      _csrf: admin.csrf,
      phone: "call me",
    });
    expect(refused.status).toBe(422);
    expect(await refused.text()).toContain("Not saved: &quot;call me&quot; is not a phone number we can dial.");
    expect((await repos.engineers.byId(alice))!.phone as string | null).toBe("+447700900888");
    const unknown = await admin.post("/settings/on-call/engineers/00000000-0000-4000-8000-000000000000/phone", {
      _csrf: admin.csrf,
      phone: "07700 900111",
    });
    expect(unknown.status).toBe(404);

    const staff = testBrowser(world.app);
    await staff.logIn("sam@handy.example", "correct horse battery");
    const page = await staff.page("/settings/on-call");
    expect(page.html).toContain("07700 900888");
    expect(page.html).not.toContain(`action="/settings/on-call/engineers/${alice}/phone"`);
    const post = await staff.post(`/settings/on-call/engineers/${alice}/phone`, { _csrf: staff.csrf, phone: "" });
    expect(post.status).toBe(403);
    expect((await repos.engineers.byId(alice))!.phone as string | null).toBe("+447700900888");
  });
});
