/** A world for the assistant-call tests: a running server with a test voice, a job with a visit, a sent quote. */
import { ok } from "../../src/domain/result.ts";
import type { E164 } from "../../src/domain/phone.ts";
import type { QuoteLine } from "../../src/domain/quotes.ts";
import type { OutboundCall, OutboundCaller } from "../../src/ports/outbound-caller.ts";
import { assistantTwiml } from "../../src/adapters/twilio/assistant-twiml.ts";
import { answerAssistantCall, type AnsweredCall } from "../../src/simulator/assistant-customer.ts";
import { twilioSid } from "../../src/simulator/twilio-wire.ts";
import type { CustomerReply } from "../../src/compose/app-deps.ts";
import type { LiveServer } from "../support/running-server.ts";
import { alicePipe } from "../support/engineers.ts";
import { aDraftQuote, aLeadWithJob, LEEDS_JOB } from "../support/jobs.ts";

const LINES: QuoteLine[] = [
  { kind: "labour", description: "Fix leak", quantity: 2, unitPricePence: 5_000, vatRatePercent: 20 },
];
let phones = 100;
let days = 1;

/** A lead with a job, an engineer's booked visit some days ahead (09:00–11:00 UTC) and a sent quote. */
export async function aJobWithVisitAndQuote(server: LiveServer) {
  const repos = server.deps.repos;
  const { lead, issue } = await aLeadWithJob(repos, {
    lead: { name: "Sarah Jones", phone: `+4477009${String(phones++).padStart(5, "0")}` as E164, source: "manual" },
    issue: { ...LEEDS_JOB, title: "Leaking radiator valve" },
  });
  const engineer =
    (await repos.engineers.active()).find((e) => e.email === "alice@e.example") ??
    (await repos.engineers.create(alicePipe()));
  const day = new Date(Date.now() + (days++ + 2) * 86_400_000);
  day.setUTCHours(9, 0, 0, 0);
  const booked = await repos.appointments.book(
    { issueId: issue.id, engineerId: engineer.userId, startsAt: day, endsAt: new Date(day.getTime() + 2 * 3_600_000) },
    () => ok(true),
    { who: "test" },
  );
  if (!booked.ok) throw new Error(booked.message);
  const draft = await repos.quotes.createDraft(aDraftQuote(issue.id, LINES));
  await repos.quotes.markSent(draft.id, new Date());
  return { lead, issue, visit: booked.value, quote: (await repos.quotes.byId(draft.id))! };
}

/**
 * Replaces the server's caller with one that keeps each call it is asked to place; the test then
 * answers it as Twilio and the customer would (answerAssistantCall), and can read what it saw.
 */
export function capturingCaller(server: LiveServer) {
  const placed: { call: OutboundCall; callSid: string }[] = [];
  const waiting: ((p: { call: OutboundCall; callSid: string }) => void)[] = [];
  const caller: OutboundCaller = {
    name: "test caller",
    from: "+441130000000",
    async place(call) {
      const entry = { call, callSid: twilioSid("CA") };
      placed.push(entry);
      waiting.shift()?.(entry);
      return { providerCallId: entry.callSid };
    },
  };
  server.deps.assistant = { ...server.deps.assistant, caller };
  return {
    placed,
    next: () => new Promise<{ call: OutboundCall; callSid: string }>((resolve) => waiting.push(resolve)),
  };
}

/** Presses "Call with the assistant" as staff do; the call's id from the redirect. */
export async function pressCallButton(server: LiveServer, cookie: string, path: string, reply = "") {
  const home = await (await fetch(`${server.baseUrl}/`, { headers: { Cookie: cookie } })).text();
  const csrf = /name="_csrf" value="([^"]+)"/.exec(home)?.[1] ?? "";
  const response = await fetch(`${server.baseUrl}${path}`, {
    method: "POST",
    headers: {
      "Content-Type": "application/x-www-form-urlencoded",
      Origin: server.baseUrl,
      "Sec-Fetch-Site": "same-origin",
      Cookie: cookie,
      "X-CSRF-Token": csrf,
    },
    body: new URLSearchParams(reply ? { reply } : {}).toString(),
    redirect: "manual",
  });
  const location = response.headers.get("Location") ?? "";
  return {
    status: response.status,
    text: response.status === 303 ? "" : await response.text(),
    callId: /\/calls\/([\w-]+)$/.exec(location)?.[1] ?? null,
  };
}

/** Answers a captured call as Twilio would, with the customer giving `replies`. */
export async function answer(
  server: LiveServer,
  placed: { call: OutboundCall; callSid: string },
  replies: CustomerReply[],
  speed = 2,
): Promise<AnsweredCall> {
  return answerAssistantCall({
    twiml: assistantTwiml(placed.call),
    authToken: server.deps.twilio.authToken,
    callSid: placed.callSid,
    replies,
    speed,
    thinkMs: 300,
    maxAudioMs: 60_000,
  });
}

/** Waits until `read` gives something truthy (polling the database), or fails after `ms`. */
export async function eventually<T>(read: () => Promise<T | null | undefined | false>, ms = 10_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (value) return value;
    if (Date.now() > until) throw new Error("condition not met in time");
    await Bun.sleep(50);
  }
}

/** A Wednesday noon in London, inside the default calling hours. */
export const IN_CALLING_HOURS = new Date("2026-12-02T12:00:00Z");

/**
 * The consent gate as composed (the register on the server's database: opt-outs, one call per
 * number and day), asked as if it were `IN_CALLING_HOURS`, so these protocol tests pass at any
 * hour they run. The hours themselves are tested in tests/domain/assistant/call-policy.test.ts.
 */
export function pinCallingClock(server: LiveServer): void {
  const gate = server.deps.callConsent;
  server.deps.callConsent = {
    ...gate,
    mayPlaceAssistantCall: (request) => gate.mayPlaceAssistantCall({ ...request, now: IN_CALLING_HOURS }),
  };
}
