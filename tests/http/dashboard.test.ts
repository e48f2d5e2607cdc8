/**
 * The dashboard is kept between loads (src/domain/dashboard/summary.ts): every change made
 * through the app (webhooks, forms, status buttons) shows on the very next load, and a bad
 * request changes nothing on it.
 */
import { beforeAll, afterAll, describe, expect, test } from "bun:test";
import { signedTwilioPost, aLoggedInStaff, buildTestApp, type testBrowser } from "../support/test-app.ts";
import { freshPglite } from "../support/test-db.ts";
import { textOf } from "../e2e/helpers.ts";
import type { Repositories } from "../../src/ports/database.ts";

let repos: Repositories;
let world: ReturnType<typeof buildTestApp>;
let browser: ReturnType<typeof testBrowser>;

beforeAll(async () => {
  repos = await freshPglite();
  world = buildTestApp(repos);
  ({ browser } = await aLoggedInStaff(world));
}, 30_000);
afterAll(async () => repos?.close());

const dashboard = async () => textOf((await browser.page("/")).html);
const stat = (text: string, label: string) => Number(text.match(new RegExp(`(\\d+) ${label}`))?.[1]);
const call = (callSid: string, status: string) => ({
  CallSid: callSid,
  AccountSid: "AC123",
  From: "+447700900321",
  To: "+442079460000",
  CallStatus: status,
  Direction: "inbound",
});
const SID = "CA0000000000000000000000000000d001";

describe("the dashboard after changes made through the app", () => {
  test("a call rings and is answered: counted, listed, its status kept up to date", async () => {
    const before = await dashboard();
    expect(stat(before, "Calls today")).toBe(0);
    expect((await signedTwilioPost(world.app, "/api/twilio/voice", call(SID, "ringing"))).status).toBe(200);
    const rang = await dashboard();
    expect(stat(rang, "Calls today")).toBe(1);
    expect(stat(rang, "New leads this week")).toBe(1);
    expect(rang).toContain("07700 900321");
    expect(rang).toMatch(/07700 900321 \S+ · Ringing/);

    const status = await signedTwilioPost(world.app, "/api/twilio/status", {
      ...call(SID, "in-progress"),
      CallbackSource: "call-progress-events",
      SequenceNumber: "1",
    });
    expect(status.status).toBe(204);
    expect(await dashboard()).toMatch(/07700 900321 \S+ · In progress/);
  });

  test("the lead renamed on its form shows by its new name beside the call", async () => {
    const stored = (await repos.calls.byProviderId(SID))!;
    const lead = (await repos.leads.byId(stored.leadId!))!;
    const response = await browser.post(`/leads/${lead.id}`, {
      _csrf: browser.csrf,
      name: "Olivia Grant",
      organisation: "",
      phone: lead.phone ?? "",
      email: "",
      address: "",
      postcode: "",
      segment: "tenant",
      notes: "",
    });
    expect(response.status).toBe(303);
    expect(await dashboard()).toMatch(/Olivia Grant \S+ · In progress/);
  });

  test("a job opened, then cancelled with the status button, comes and goes; a refused move changes nothing", async () => {
    const lead = (await repos.leads.byId((await repos.calls.byProviderId(SID))!.leadId!))!;
    const created = await browser.post("/issues", {
      _csrf: browser.csrf,
      leadId: lead.id,
      title: "Ceiling dripping after the storm",
      urgency: "emergency",
      category: "roofing",
    });
    expect(created.status).toBe(303);
    const issueId = created.headers.get("Location")!.split("/").pop()!;
    const opened = await dashboard();
    expect(opened).toContain("Ceiling dripping after the storm");
    expect(stat(opened, "Open emergencies")).toBe(1);

    const htmx = { "X-CSRF-Token": browser.csrf, "HX-Request": "true" };
    const refused = await browser.post(`/issues/${issueId}/status`, { status: "done" }, htmx);
    expect(refused.status).toBe(422);
    expect(stat(await dashboard(), "Open emergencies")).toBe(1);

    expect((await browser.post(`/issues/${issueId}/status`, { status: "cancelled" }, htmx)).status).toBe(200);
    const cancelled = await dashboard();
    expect(cancelled).not.toContain("Ceiling dripping after the storm");
    expect(stat(cancelled, "Open emergencies")).toBe(0);
  });
});
