/**
 * The right customer, end to end: the shipped landlord call (David Patel, from +447700900456)
 * played through the running server after the demo data gave that number to Priya Shah of Shah
 * Lettings. The live page is told at once, the dashboard flags the call, the job waits, and
 * "a different customer" files it under a new lead while Priya's lead stays as it was.
 */
import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { seedDemoCommand } from "../../src/cli/seed-demo.ts";
import type { E164 } from "../../src/domain/phone.ts";
import { SHIPPED_FIXTURES_DIR } from "../../src/fixtures.ts";
import { playCall } from "../../src/simulator/play-call.ts";
import type { LiveServer } from "../support/running-server.ts";
import { eventually, openEvents, textOf, withRunningServer, type SseClient } from "./helpers.ts";

let server: LiveServer;
let cookie: string;

withRunningServer((running, staffCookie) => ((server = running), (cookie = staffCookie)));

const page = async (path: string) => (await fetch(`${server.baseUrl}${path}`, { headers: { Cookie: cookie } })).text();

describe("a caller on another customer's number", () => {
  test("the landlord on Priya Shah's number: told at once, flagged, held, then filed under a new lead David Patel", async () => {
    await seedDemoCommand(server.deps);
    const priya = (await server.deps.repos.leads.byPhone("+447700900456" as E164))!;
    expect(priya).toMatchObject({ name: "Priya Shah", organisation: "Shah Lettings" });
    const priyasJobs = await server.deps.repos.issues.forLead(priya.id);

    const watching: Promise<SseClient>[] = [];
    const played = playCall({
      baseUrl: server.baseUrl,
      authToken: server.deps.twilio.authToken,
      fixtureDir: join(SHIPPED_FIXTURES_DIR, "extractor-fan-landlord"),
      speed: 5,
      demoTranscript: true,
      log: (event) => {
        if (event.type === "answered" && event.callId)
          watching.push(openEvents(`${server.baseUrl}/calls/${event.callId}/events`, cookie));
      },
    });
    const sse = await eventually(() => watching[0] ?? Promise.reject(new Error("not answered yet")), 15_000);

    // At once: while the caller is still on the line, the page is told who is who.
    const notice = await sse.waitFor((e) => e.event === "caller-check" && e.data !== "", 20_000);
    expect(textOf(notice.data)).toContain("Caller says David Patel; this number belongs to Priya Shah, Shah Lettings");
    expect(sse.events.some((e) => e.event === "ended")).toBe(false);
    const { callId } = await played;
    const dashboard = await page("/");
    expect(textOf(dashboard)).toContain("Callers to check");
    expect(dashboard).toContain(`href="/calls/${callId}"`);
    expect(await page("/calls")).toContain('class="badge check-caller"');

    // The call ended with nobody choosing: its filing waits, and Priya gains nothing from it.
    await sse.waitFor((e) => e.event === "filed", 20_000);
    sse.close();
    const held = (await server.deps.repos.calls.byId(callId!))!;
    expect(held.callerCheck).toMatchObject({ state: "pending", filingHeld: true });
    expect(held.issueId).toBeNull();
    expect(await server.deps.repos.issues.forLead(priya.id)).toEqual(priyasJobs);

    const csrf = dashboard.match(/name="_csrf" value="([^"]+)"/)![1]!;
    const chosen = await fetch(`${server.baseUrl}/calls/${callId}/caller`, {
      method: "POST",
      headers: {
        Cookie: cookie,
        "Content-Type": "application/x-www-form-urlencoded",
        Origin: server.baseUrl,
        "X-CSRF-Token": csrf,
        "HX-Request": "true",
      },
      body: new URLSearchParams({ choice: "different", name: "David Patel" }).toString(),
    });
    expect(chosen.status).toBe(200);
    const answer = textOf(await chosen.text());
    expect(answer).toContain("A different customer: David Patel, a new lead");
    expect(answer).toContain("Job opened");

    const filed = (await server.deps.repos.calls.byId(callId!))!;
    const david = (await server.deps.repos.leads.byId(filed.leadId!))!;
    expect(david).toMatchObject({ name: "David Patel", segment: "landlord", postcode: "CR0 1YY", phone: null });
    const job = (await server.deps.repos.issues.byId(filed.issueId!))!;
    expect(job).toMatchObject({ leadId: david.id, sourceCallId: callId, postcode: "CR0 1YY", category: "electrical" });

    const priyaAfter = (await server.deps.repos.leads.byId(priya.id))!;
    const { updatedAt: _a, ...priyaNow } = priyaAfter;
    const { updatedAt: _b, ...priyaThen } = priya;
    expect(priyaNow).toEqual(priyaThen);
    expect(await server.deps.repos.issues.forLead(priya.id)).toEqual(priyasJobs);
    expect(await page("/")).not.toContain('id="callers-to-check"');
    expect((await server.deps.repos.calls.awaitingCallerCheck(10)).map((c) => c.id)).not.toContain(callId);
  }, 90_000);
});
