import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { OpenDatabase } from "../../src/adapters/db/database.ts";
import { DEFAULT_CALLING_HOURS } from "../../src/domain/assistant/call-policy.ts";
import type { E164 } from "../../src/domain/phone.ts";
import { addStaffUser } from "../../src/domain/staff-access.ts";
import { aLead } from "../support/jobs.ts";
import { aStaffUser, buildTestApp, testBrowser } from "../support/test-app.ts";
import { freshPglite } from "../support/test-db.ts";

let repos: OpenDatabase;
let world: ReturnType<typeof buildTestApp>;
let admin: ReturnType<typeof testBrowser>;
let staff: ReturnType<typeof testBrowser>;
let leadId: string;

// The test clock: Friday 27 November 2026, 10:00 GMT, inside the default calling hours.
const WEEK = ["09:30-18:00", "09:30-18:00", "09:30-18:00", "09:30-18:00", "09:30-18:00", "10:00-13:00", "none"];
const PHONE = "+447700900555" as E164;
const settingsAudit = () => repos.audit.forEntity("settings", "assistant_calling_hours");

beforeAll(async () => {
  repos = await freshPglite();
  world = buildTestApp(repos);
  leadId = (await repos.leads.create(aLead({ name: "Olive Optout", phone: PHONE }))).id;
  const owner = await aStaffUser(world.deps);
  admin = testBrowser(world.app);
  await admin.logIn(owner.email, owner.password);
  await addStaffUser(
    { staffUsers: repos.staffUsers, passwords: world.deps.passwords },
    { email: "sam@handy.example", password: "correct horse battery", role: "staff" },
  );
  staff = testBrowser(world.app);
  await staff.logIn("sam@handy.example", "correct horse battery");
}, 60_000);
afterAll(async () => repos?.close());

describe("/settings/assistant-calls: calling hours", () => {
  test("shows the default hours and that calls may go out now", async () => {
    const { response, html } = await admin.page("/settings/assistant-calls");
    expect(response.status).toBe(200);
    expect(html).toContain("09:00–19:00, Monday to Saturday");
    expect(html).toContain('value="09:00-19:00"');
    expect(html).toContain("inside the calling hours");
    expect(html).toContain("Nobody has opted out");
  });

  test("bad hours are refused with 422 and the reason, the typed hours kept, nothing saved or audited", async () => {
    const cases: [string[], string][] = [
      [[...WEEK.slice(0, 6), "9-5"], "Sunday: &quot;9-5&quot; is not a time span"],
      [[...WEEK.slice(0, 6), "06:00-12:00"], "never calls before 08:00 or after 21:00"],
      [WEEK.slice(0, 3), "each of the seven weekdays"],
      [[...WEEK, "09:00-10:00"], "day: Keep it to 7 rows or fewer."],
    ];
    for (const [day, reason] of cases) {
      const response = await admin.post("/settings/assistant-calls/hours", { _csrf: admin.csrf, day });
      expect(response.status).toBe(422);
      const html = await response.text();
      expect(html).toContain(reason);
    }
    const typed = await admin.post("/settings/assistant-calls/hours", {
      _csrf: admin.csrf,
      day: [...WEEK.slice(0, 6), "9-5"],
    });
    expect(await typed.text()).toContain('value="9-5"');
    expect(await repos.callConsent.callingHours()).toEqual(DEFAULT_CALLING_HOURS);
    expect(await settingsAudit()).toEqual([]);
  });

  test("a staff-role user reads the page but cannot change the hours", async () => {
    const { response, html } = await staff.page("/settings/assistant-calls");
    expect(response.status).toBe(200);
    expect(html).toContain("Only admins can remove one");
    expect(html).not.toContain("Save calling hours");
    const post = await staff.post("/settings/assistant-calls/hours", { _csrf: staff.csrf, day: WEEK });
    expect(post.status).toBe(403);
    expect(await repos.callConsent.callingHours()).toEqual(DEFAULT_CALLING_HOURS);
  });

  test("an admin sets the hours: stored, audited, and the gate follows them", async () => {
    const response = await admin.post("/settings/assistant-calls/hours", { _csrf: admin.csrf, day: WEEK });
    expect(response.status).toBe(303);
    expect(await repos.callConsent.callingHours()).toEqual([
      ...Array(5).fill({ start: 570, end: 1080 }),
      { start: 600, end: 780 },
      null,
    ]);
    expect(await settingsAudit()).toEqual([
      expect.objectContaining({ who: "tom@handy.example", what: "assistant calling hours set" }),
    ]);
    const { html } = await admin.page("/settings/assistant-calls");
    expect(html).toContain("09:30–18:00, Monday to Friday; 10:00–13:00, Saturday");
    // 09:15 on a Monday is now too early.
    const early = await world.deps.callConsent.mayPlaceAssistantCall({
      phone: "+447700900556",
      now: new Date("2026-11-30T09:15:00Z"),
    });
    expect(early).toMatchObject({
      ok: false,
      reason: "outside_calling_hours",
      message: "outside calling hours: calls go out 09:30–18:00, Monday to Friday; 10:00–13:00, Saturday",
    });
  });
});

describe("the opt-out on the lead page and the register", () => {
  let optOutId: string;

  test("an opt-out the engine reports is shown on the lead, to staff without and admins with the remove form", async () => {
    const recorded = await world.deps.callConsent.recordOptOut({
      phone: "07700 900555",
      callId: "00000000-0000-4000-8000-000000000001",
      source: "pressed_9",
    });
    if (!recorded.ok) throw new Error(recorded.message);
    optOutId = recorded.value.id;
    const words = "Opted out of automated calls on 27 Nov 2026 (pressed 9 during an assistant call)";
    const seenByStaff = await staff.page(`/leads/${leadId}`);
    expect(seenByStaff.html).toContain(words);
    expect(seenByStaff.html).not.toContain("Remove the opt-out");
    const seenByAdmin = await admin.page(`/leads/${leadId}`);
    expect(seenByAdmin.html).toContain(words);
    expect(seenByAdmin.html).toContain(`/settings/assistant-calls/opt-outs/${optOutId}/remove`);
    const register = await staff.page("/settings/assistant-calls");
    expect(register.html).toContain("07700 900555");
    expect(register.html).toContain("Olive Optout");
    // …and the engine's next attempt is refused.
    expect(await world.deps.callConsent.mayPlaceAssistantCall({ phone: PHONE, now: world.clock.now() })).toMatchObject({
      ok: false,
      reason: "opted_out",
    });
  });

  test("only an admin removes it, and only with a reason: otherwise 403 or 422 and it stands", async () => {
    const path = `/settings/assistant-calls/opt-outs/${optOutId}/remove`;
    expect((await staff.post(path, { _csrf: staff.csrf, reason: "customer asked", back: "" })).status).toBe(403);
    const blank = await admin.post(path, { _csrf: admin.csrf, reason: "  ", back: `/leads/${leadId}` });
    expect(blank.status).toBe(422);
    expect(await blank.text()).toContain("Say why the number may be called again");
    expect(await repos.callConsent.optOutFor(PHONE)).toMatchObject({ id: optOutId });
    expect(
      (
        await admin.post("/settings/assistant-calls/opt-outs/not-an-id/remove", {
          _csrf: admin.csrf,
          reason: "customer asked again",
          back: "",
        })
      ).status,
    ).toBe(404);
  });

  test("an admin removes it with a reason: back to the lead, gone from the page, audited with who and why", async () => {
    const path = `/settings/assistant-calls/opt-outs/${optOutId}/remove`;
    const response = await admin.post(path, {
      _csrf: admin.csrf,
      reason: "Customer rang the office to ask for reminder calls",
      back: `/leads/${leadId}`,
    });
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe(`/leads/${leadId}`);
    expect(await repos.callConsent.optOutFor(PHONE)).toBeNull();
    const { html } = await admin.page(`/leads/${leadId}`);
    expect(html).not.toContain("Opted out of automated calls");
    const trail = await repos.audit.forEntity("opt_out", optOutId);
    expect(trail.find((e) => e.what === "opt-out removed")).toMatchObject({
      who: "tom@handy.example",
      details: expect.objectContaining({ reason: "Customer rang the office to ask for reminder calls", leadId }),
    });
    expect((await admin.post(path, { _csrf: admin.csrf, reason: "and again", back: "" })).status).toBe(404);
  });

  test("the page to return to must be on this site", async () => {
    const recorded = await world.deps.callConsent.recordOptOut({ phone: PHONE, callId: null, source: "said_stop" });
    if (!recorded.ok) throw new Error(recorded.message);
    const response = await admin.post(`/settings/assistant-calls/opt-outs/${recorded.value.id}/remove`, {
      _csrf: admin.csrf,
      reason: "testing the redirect",
      back: "//evil.example/x",
    });
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe("/");
  });
});

describe("a customer who asks the office to stop automated calls", () => {
  test("any staff member records it from the lead page: on the register, audited with who, and the gate refuses", async () => {
    expect(await repos.callConsent.optOutFor(PHONE)).toBeNull();
    const before = await staff.page(`/leads/${leadId}`);
    expect(before.html).toContain(`action="/leads/${leadId}/opt-out"`);
    const response = await staff.post(`/leads/${leadId}/opt-out`, { _csrf: staff.csrf });
    expect(response.status).toBe(303);
    const optOut = await repos.callConsent.optOutFor(PHONE);
    expect(optOut).toMatchObject({ source: "told_staff", callId: null });
    const { html } = await staff.page(`/leads/${leadId}`);
    expect(html).toContain("Opted out of automated calls on 27 Nov 2026 (asked the office, recorded by staff)");
    expect(html).not.toContain(`action="/leads/${leadId}/opt-out"`);
    const trail = await repos.audit.forEntity("opt_out", optOut!.id);
    expect(trail).toEqual([
      expect.objectContaining({ who: "sam@handy.example", what: "opted out of automated calls" }),
    ]);
    expect(await world.deps.callConsent.mayPlaceAssistantCall({ phone: PHONE, now: world.clock.now() })).toMatchObject({
      ok: false,
      reason: "opted_out",
    });
    // A second press changes nothing: the first opt-out stands, no second audit entry.
    expect((await staff.post(`/leads/${leadId}/opt-out`, { _csrf: staff.csrf })).status).toBe(303);
    expect(await repos.audit.forEntity("opt_out", optOut!.id)).toHaveLength(1);
  });

  test("an unknown lead is 404 and a lead with no phone 422, nothing recorded", async () => {
    expect(
      (await staff.post("/leads/00000000-0000-4000-8000-000000000009/opt-out", { _csrf: staff.csrf })).status,
    ).toBe(404);
    const noPhone = await repos.leads.create(aLead({ name: "Nora Nophone", phone: null }));
    const refused = await staff.post(`/leads/${noPhone.id}/opt-out`, { _csrf: staff.csrf });
    expect(refused.status).toBe(422);
    expect(await refused.text()).toContain("no phone number");
    expect((await repos.callConsent.optOuts(10)).filter((o) => o.source === "told_staff")).toHaveLength(1);
  });
});
