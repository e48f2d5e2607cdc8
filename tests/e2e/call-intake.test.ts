/**
 * Understanding the caller while they speak: the shipped calls played through the running
 * server (demo transcript, rules extractor), the details panel watched over SSE, corrections
 * typed mid-call, and what the end of the call files.
 */
import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import type { E164 } from "../../src/domain/phone.ts";
import { SHIPPED_FIXTURES_DIR } from "../../src/fixtures.ts";
import { playCall } from "../../src/simulator/play-call.ts";
import type { LiveServer } from "../support/running-server.ts";
import { eventually, openEvents, textOf, withRunningServer } from "./helpers.ts";

let server: LiveServer;
let cookie: string;

withRunningServer((running, staffCookie) => ((server = running), (cookie = staffCookie)));

const play = (fixture: string, onAnswered?: (callId: string) => void, speed = 20) =>
  playCall({
    baseUrl: server.baseUrl,
    authToken: server.deps.twilio.authToken,
    fixtureDir: join(SHIPPED_FIXTURES_DIR, fixture),
    speed,
    demoTranscript: true,
    log: (event) => {
      if (event.type === "answered" && event.callId) onAnswered?.(event.callId);
    },
  });

const post = (path: string, fields: Record<string, string>, csrf: string) =>
  fetch(`${server.baseUrl}${path}`, {
    method: "POST",
    headers: {
      Cookie: cookie,
      "Content-Type": "application/x-www-form-urlencoded",
      Origin: server.baseUrl,
      "X-CSRF-Token": csrf,
      "HX-Request": "true",
    },
    body: new URLSearchParams(fields).toString(),
  });

const csrfToken = async () => {
  const html = await (await fetch(`${server.baseUrl}/`, { headers: { Cookie: cookie } })).text();
  return html.match(/name="_csrf" value="([^"]+)"/)![1]!;
};

describe("the details panel during a call", () => {
  test("fills in as the tenant speaks, lists what is still to ask, and at the end files a heating job and names the lead", async () => {
    const viewer: { events?: Awaited<ReturnType<typeof openEvents>> } = {};
    const opened: Promise<void>[] = [];
    const result = await play("boiler-leak-tenant", (callId) => {
      opened.push(
        openEvents(`${server.baseUrl}/calls/${callId}/events`, cookie).then((sse) => void (viewer.events = sse)),
      );
    });
    await Promise.all(opened);
    const sse = viewer.events!;
    const firstDetails = await sse.waitFor((e) => e.event === "details");
    expect(textOf(firstDetails.data)).toContain("Still to ask");
    const intake = await sse.waitFor((e) => e.event === "intake", 15_000);
    expect(textOf(intake.data)).toContain("Job opened");
    // The caller card and heading learn the name the call gave, before the job is announced.
    const caller = sse.events.find((e) => e.event === "caller");
    expect(caller).toBeDefined();
    expect(sse.events.indexOf(caller!)).toBeLessThan(sse.events.indexOf(intake));
    expect(textOf(caller!.data)).toContain("Lead Sarah Jones");
    expect(textOf(caller!.data)).toContain("NW1 6XE Segment Tenant");
    expect(sse.events.find((e) => e.event === "caller-name")?.data).toBe("Sarah Jones");
    // Then "filed", the call's last event: the page listens until it (not just until "ended").
    const filed = await sse.waitFor((e) => e.event === "filed", 5_000);
    expect(sse.events.indexOf(filed)).toBeGreaterThan(sse.events.indexOf(intake));
    const later = sse.events.filter((e) => e.event === "details").at(-1)!;
    expect(later.data).toContain('value="Sarah Jones"');
    expect(later.data).toContain('value="NW1 6XE"');
    sse.close();

    const call = await server.deps.repos.calls.byId(result.callId!);
    expect(call!.extracted).toMatchObject({
      name: "Sarah Jones",
      postcode: "NW1 6XE",
      urgency: "urgent",
      category: "heating",
      segment: "tenant",
    });
    const issue = await server.deps.repos.issues.byId(call!.issueId!);
    expect(issue).toMatchObject({
      category: "heating",
      urgency: "urgent",
      postcode: "NW1 6XE",
      sourceCallId: call!.id,
      status: "open",
    });
    const lead = await server.deps.repos.leads.byPhone("+447700900123" as E164);
    expect(lead).toMatchObject({ name: "Sarah Jones", segment: "tenant", postcode: "NW1 6XE" });
    expect(call!.emergency).toBe(false);
    // The baby at home with no heating: advice to give now, though the job is urgent, not an emergency.
    expect(later.data).toContain('class="safety"');
  }, 60_000);

  test("the same caller about the same site again: the call joins the open job instead of opening another", async () => {
    const lead = await server.deps.repos.leads.byPhone("+447700900123" as E164);
    const before = await server.deps.repos.issues.forLead(lead!.id);
    const result = await play("boiler-leak-tenant");
    const call = await eventually(async () => {
      const c = await server.deps.repos.calls.byId(result.callId!);
      if (!c?.issueId) throw new Error("not filed yet");
      return c;
    }, 15_000);
    expect(call.issueId).toBe(before[0]!.id);
    expect(await server.deps.repos.issues.forLead(lead!.id)).toHaveLength(before.length);
  }, 60_000);

  test("corrections typed during a call filed under the open job reach that job and the lead", async () => {
    const lead = await server.deps.repos.leads.byPhone("+447700900123" as E164);
    const [job] = await server.deps.repos.issues.forLead(lead!.id);
    const csrf = await csrfToken();
    const typed: Promise<Response>[] = [];
    const result = await play("boiler-leak-tenant", (callId) => {
      typed.push(
        post(`/calls/${callId}/details`, { field: "accessNotes", value: "Key safe by the door, code 4512" }, csrf),
      );
      typed.push(post(`/calls/${callId}/details`, { field: "organisation", value: "Baker Street Flats" }, csrf));
    });
    expect((await Promise.all(typed)).map((r) => r.status)).toEqual([200, 200]);
    const call = await eventually(async () => {
      const c = await server.deps.repos.calls.byId(result.callId!);
      if (!c?.issueId) throw new Error("not filed yet");
      return c;
    }, 15_000);
    expect(call.issueId).toBe(job!.id);
    const filed = await eventually(async () => {
      const issue = await server.deps.repos.issues.byId(job!.id);
      if (!issue?.accessNotes?.includes("4512")) throw new Error("not carried yet");
      return issue;
    }, 5_000);
    expect(filed.accessNotes).toContain("Key safe by the door, code 4512");
    expect(await server.deps.repos.leads.byId(lead!.id)).toMatchObject({ organisation: "Baker Street Flats" });
    const trail = await server.deps.repos.audit.forEntity("issue", job!.id);
    expect(trail.map((e) => [e.who, e.what])).toContainEqual([
      "call filing",
      "took staff's corrections from a call: accessNotes",
    ]);
  }, 60_000);

  test("an emergency is flagged while the call is still going, for the calls list and dashboard", async () => {
    const flagged: { callId?: string } = {};
    const list = await openEvents(`${server.baseUrl}/calls/events`, cookie);
    const playing = play("burst-pipe-agent", (callId) => void (flagged.callId = callId), 5);
    await list.waitFor((e) => e.event === "calls-changed" && flagged.callId !== undefined);
    const whileLive = await eventually(async () => {
      const c = await server.deps.repos.calls.byId(flagged.callId!);
      if (!c?.emergency) throw new Error("not flagged yet");
      return c;
    }, 15_000);
    expect(whileLive.endedAt).toBeNull();
    await playing;
    list.close();
    const page = await (await fetch(`${server.baseUrl}/calls`, { headers: { Cookie: cookie } })).text();
    expect(page).toContain('class="badge emergency"');
  }, 60_000);

  test("a correction typed mid-call is kept over every later extraction, and the lead gets staff's value", async () => {
    const csrf = await csrfToken();
    const corrected: Promise<Response>[] = [];
    const result = await play("extractor-fan-landlord", (callId) => {
      corrected.push(post(`/calls/${callId}/details`, { field: "name", value: "Dev Patel" }, csrf));
    });
    const response = await corrected[0]!;
    expect(response.status).toBe(200);
    expect(await response.text()).toContain("corrected by staff");
    const call = await eventually(async () => {
      const c = await server.deps.repos.calls.byId(result.callId!);
      if (!c?.issueId) throw new Error("not filed yet");
      return c;
    }, 15_000);
    expect(call.corrections).toEqual({ name: "Dev Patel" });
    expect(call.extracted!.name).toBe("David Patel");
    const lead = await server.deps.repos.leads.byId(call.leadId!);
    expect(lead!.name).toBe("Dev Patel");
    const page = await (await fetch(`${server.baseUrl}/calls/${call.id}`, { headers: { Cookie: cookie } })).text();
    expect(page).toContain('value="Dev Patel"');
  }, 60_000);

  test("a bad correction is refused with a reason and changes nothing", async () => {
    const csrf = await csrfToken();
    const calls = await server.deps.repos.calls.recent({ limit: 1, offset: 0 });
    const response = await post(`/calls/${calls[0]!.id}/details`, { field: "postcode", value: "XYZ" }, csrf);
    expect(response.status).toBe(422);
    expect(await response.text()).toContain("not a UK postcode");
    const unknownField = await post(`/calls/${calls[0]!.id}/details`, { field: "password", value: "x" }, csrf);
    expect(unknownField.status).toBe(422);
  });
});
