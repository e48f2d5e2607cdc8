/**
 * The lease sweep on a real database (PGlite), as the server wires it: a call whose instance
 * died (its lease lapsed) is closed by another instance — interrupted, or with Twilio's own
 * ending when Twilio's keys are set (asked through the official SDK of a loopback Twilio API
 * peer) — its lines kept, its lead and job filed, its viewers told, and an audit entry left.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import pino from "pino";
import type { OpenDatabase } from "../../src/adapters/db/database.ts";
import { createInProcessLiveEvents } from "../../src/adapters/local/in-process-live-events.ts";
import { createRulesExtractor } from "../../src/adapters/local/rules-extractor/index.ts";
import { wireCallLeases } from "../../src/compose/call-leases.ts";
import { callChannel, CALLS_CHANNEL } from "../../src/domain/live-call/channels.ts";
import type { E164 } from "../../src/domain/phone.ts";
import { aCall, aLead } from "../adapters/db/contract.ts";
import { freshPglite, truncateAll } from "../support/test-db.ts";
import { startTwilioApiPeer, type TwilioPeer } from "../support/twilio-api-peer.ts";

const ACCOUNT_SID = `AC${"1".repeat(32)}`;
const AUTH_TOKEN = "twilio-loopback-token";
const t0 = new Date("2026-11-20T10:00:00Z");
let clock = t0;
const now = () => clock;
const lines = [
  { track: "outbound", text: "Good morning, Handy Services, how can I help?" },
  { track: "inbound", text: "Hi, my name is Sarah Jones. My boiler is leaking water all over the kitchen floor." },
  { track: "inbound", text: "I'm at 221 Baker Street, London NW1 6XE." },
] as const;

let repos: OpenDatabase;
/** Calls handed to the missed-call follow-up. */
let missed: string[] = [];
let peer: TwilioPeer;
beforeAll(async () => {
  repos = await freshPglite();
  peer = await startTwilioApiPeer({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN });
}, 60_000);
afterAll(async () => {
  await peer?.close();
  await repos?.close();
});
beforeEach(async () => {
  await truncateAll(repos);
  clock = t0;
  missed = [];
});

/** A call answered at t0 on a dead instance, with its lines stored and its lease running to t0 + 30 s. */
async function callLeftByADeadInstance() {
  const lead = await repos.leads.create(aLead({ name: null, phone: "+447700900123" as E164 }));
  const call = await repos.calls.record(aCall({ leadId: lead.id, status: "in-progress" }));
  await repos.calls.update(call.id, { answeredAt: t0 });
  for (const [i, line] of lines.entries()) {
    await repos.calls.addSegment({
      callId: call.id,
      track: line.track,
      text: line.text,
      startMs: i * 4000,
      endMs: i * 4000 + 3500,
      isFinal: true,
      confidence: 0.9,
    });
  }
  await repos.callLeases.hold(call.id, "dead-instance", new Date(t0.getTime() + 30_000));
  return { lead, call };
}

function sweeper(config: { TWILIO_ACCOUNT_SID?: string; TWILIO_AUTH_TOKEN?: string } = {}) {
  const liveEvents = createInProcessLiveEvents();
  const keeper = wireCallLeases(
    { CALL_LEASE_SECONDS: 30, ...config },
    {
      repos,
      extractor: createRulesExtractor(),
      liveEvents,
      logger: pino({ level: process.env.TEST_LOG ? "debug" : "silent" }),
      now,
      owner: "live-instance",
      missedCall: async (call) => void missed.push(call.id),
      twilioApiBaseUrl: peer.baseUrl,
    },
  );
  return { keeper, liveEvents };
}

describe("the call lease sweep", () => {
  test("a lease not yet lapsed is left alone", async () => {
    const { call } = await callLeftByADeadInstance();
    clock = new Date(t0.getTime() + 29_000);
    expect(await sweeper().keeper.sweep()).toBe(0);
    expect((await repos.calls.byId(call.id))!.status).toBe("in-progress");
  });

  test("a lapsed call is interrupted, keeps its lines, files its lead and job, tells viewers and is audited", async () => {
    const { lead, call } = await callLeftByADeadInstance();
    const { keeper, liveEvents } = sweeper();
    const seen: string[] = [];
    liveEvents.subscribe(callChannel(call.id), null, (event) =>
      seen.push(event.type === "status" ? `status:${event.data.status}` : event.type),
    );
    liveEvents.subscribe(CALLS_CHANNEL, null, (event) =>
      seen.push(event.type === "call" ? `calls:${event.data.status}` : event.type),
    );

    clock = new Date(t0.getTime() + 31_000);
    expect(await keeper.sweep()).toBe(1);

    const closed = (await repos.calls.byId(call.id))!;
    expect(closed).toMatchObject({ status: "interrupted", endedAt: clock, durationSeconds: 31 });
    expect((await repos.calls.transcript(call.id)).map((s) => s.text)).toEqual(lines.map((l) => l.text));
    expect(closed.issueId).not.toBeNull();
    expect(await repos.issues.byId(closed.issueId!)).toMatchObject({ sourceCallId: call.id, category: "heating" });
    expect(await repos.leads.byId(lead.id)).toMatchObject({ name: "Sarah Jones", postcode: "NW1 6XE" });
    expect(seen).toEqual(["status:interrupted", "calls:interrupted", "intake", "filed"]);
    const audit = await repos.audit.forEntity("call", call.id);
    expect(audit.map((entry) => [entry.who, entry.what])).toContainEqual([
      "call lease sweep",
      "status in-progress → interrupted",
    ]);
    // Closed once: the lease was let go, so no later sweep touches it again.
    clock = new Date(t0.getTime() + 600_000);
    expect(await keeper.sweep()).toBe(0);
  });

  test("with Twilio's keys, Twilio is asked first: a call it says completed is completed, with its duration", async () => {
    const { call } = await callLeftByADeadInstance();
    const endTime = new Date("2026-11-20T10:00:20Z");
    peer.setCall(call.providerCallId, { status: "completed", endTime, durationSeconds: 20 });
    const { keeper } = sweeper({ TWILIO_ACCOUNT_SID: ACCOUNT_SID, TWILIO_AUTH_TOKEN: AUTH_TOKEN });

    clock = new Date(t0.getTime() + 31_000);
    expect(await keeper.sweep()).toBe(1);

    expect(await repos.calls.byId(call.id)).toMatchObject({
      status: "completed",
      endedAt: endTime,
      durationSeconds: 20,
    });
    expect(peer.requests.map((r) => `${r.method} ${r.path}`)).toContain(
      `GET /2010-04-01/Accounts/${ACCOUNT_SID}/Calls/${call.providerCallId}.json`,
    );
    expect((await repos.calls.byId(call.id))!.issueId).not.toBeNull();
    expect(missed).toEqual([]);
  });

  test("with Twilio's keys, a call Twilio says nobody answered is no-answer, and gets the missed-call follow-up", async () => {
    const { call } = await callLeftByADeadInstance();
    await repos.calls.update(call.id, { status: "ringing", answeredAt: null });
    peer.setCall(call.providerCallId, {
      status: "no-answer",
      endTime: new Date("2026-11-20T10:00:25Z"),
      durationSeconds: 0,
    });
    const { keeper } = sweeper({ TWILIO_ACCOUNT_SID: ACCOUNT_SID, TWILIO_AUTH_TOKEN: AUTH_TOKEN });
    clock = new Date(t0.getTime() + 31_000);
    expect(await keeper.sweep()).toBe(1);
    expect((await repos.calls.byId(call.id))!.status).toBe("no-answer");
    expect(missed).toEqual([call.id]);
  });

  test("with Twilio's keys, a call Twilio cannot find is still closed, as interrupted", async () => {
    const { call } = await callLeftByADeadInstance();
    const { keeper } = sweeper({ TWILIO_ACCOUNT_SID: ACCOUNT_SID, TWILIO_AUTH_TOKEN: AUTH_TOKEN });
    clock = new Date(t0.getTime() + 31_000);
    expect(await keeper.sweep()).toBe(1);
    expect((await repos.calls.byId(call.id))!.status).toBe("interrupted");
  });
});
