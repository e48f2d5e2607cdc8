/**
 * The dashboard is kept between loads (src/domain/dashboard/summary.ts), so it must still show
 * what changed on another instance. Two instances on one real PostgreSQL, composed as
 * `npm start` composes them: data changes on A, through its webhooks and the domain's use
 * cases, and B's dashboard (already loaded, so kept) shows each change within moments, long
 * before its 30-second re-read would.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { checkCaller } from "../../src/domain/live-call/caller-check.ts";
import { emptyExtraction } from "../../src/domain/extraction/extraction.ts";
import { callParams, postSigned, twilioSid } from "../../src/simulator/twilio-wire.ts";
import type { LiveServer } from "../support/running-server.ts";
import { eventually, textOf, withTwoInstances } from "./helpers.ts";

let a: LiveServer;
let b: LiveServer;
let cookieOnB: string;
withTwoInstances("dashboard_two_instances", (started, other, cookie) => {
  a = started;
  b = other;
  cookieOnB = cookie;
});

const dashboardOnB = async () => {
  const response = await fetch(`${b.baseUrl}/`, { headers: { Cookie: cookieOnB } });
  expect(response.status).toBe(200);
  return response.text();
};
/** The number on a stat card ("Calls today"). */
const stat = (html: string, label: string) => Number(textOf(html).match(new RegExp(`(\\d+) ${label}`))?.[1]);
/** Within a few seconds: B's summary heard of it, it did not wait for its 30-second re-read. */
const soon = <T>(check: () => Promise<T>) => eventually(check, 3_000);

describe("B's dashboard, kept between loads, shows what changed on A", () => {
  test("a call, a new lead, its job, the job's status and a caller to check", async () => {
    expect(b.deps.repos.kind).toBe("PostgreSQL");
    const before = await dashboardOnB();
    expect(stat(before, "Calls today")).toBe(0);
    expect(stat(before, "New leads this week")).toBe(0);

    // A call rings on A: a new lead for the number, and the call.
    const call = { callSid: twilioSid("CA"), accountSid: twilioSid("AC"), from: "+447700900456", to: "+442079460000" };
    const rang = await postSigned(
      `${a.baseUrl}/api/twilio/voice`,
      a.deps.twilio.authToken,
      callParams(call, "ringing"),
    );
    expect(rang.status).toBe(200);
    await soon(async () => {
      const html = await dashboardOnB();
      expect(stat(html, "Calls today")).toBe(1);
      expect(stat(html, "New leads this week")).toBe(1);
      expect(textOf(html)).toContain("07700 900456");
    });

    // A names the lead and opens an emergency job for it, through its repositories.
    const stored = (await a.deps.repos.calls.byProviderId(call.callSid))!;
    await a.deps.repos.leads.update(stored.leadId!, { name: "Priya Shah" });
    const issue = await a.deps.repos.issues.create({
      leadId: stored.leadId!,
      title: "Gas smell in the hallway",
      description: null,
      category: "heating",
      urgency: "emergency",
      address: null,
      postcode: "SE1 7PB",
      accessNotes: null,
    });
    await soon(async () => {
      const html = textOf(await dashboardOnB());
      expect(html).toContain("Gas smell in the hallway");
      expect(html).toMatch(/1 Open emergencies/);
      // The call's caller now shows by the lead's name.
      expect(html).toContain("Priya Shah");
    });

    // The caller gives another name: A's live intake flags the call "check caller".
    const flagged = (await a.deps.repos.calls.update(stored.id, {
      extracted: { ...emptyExtraction("rules"), name: "David Patel", postcode: "CR0 1YY" },
    }))!;
    await checkCaller(
      { ...a.deps.repos, liveEvents: a.deps.liveEvents, log: a.deps.logger },
      flagged.id,
      flagged.extracted!,
    );
    expect((await a.deps.repos.calls.byId(stored.id))!.callerCheck?.state).toBe("pending");
    await soon(async () => expect(await dashboardOnB()).toContain('id="callers-to-check"'));

    // The job is cancelled on A: it leaves B's open issues.
    expect((await a.deps.repos.issues.setStatus(issue.id, "cancelled")).ok).toBe(true);
    await soon(async () => {
      const html = textOf(await dashboardOnB());
      expect(html).not.toContain("Gas smell in the hallway");
      expect(html).toMatch(/0 Open emergencies/);
    });
  }, 30_000);
});
