import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import pino from "pino";
import { startTaskRunner } from "../../src/adapters/local/task-runner.ts";
import type { OpenDatabase } from "../../src/adapters/db/database.ts";
import { londonDate } from "../../src/domain/london-time.ts";
import { freshPglite } from "../support/test-db.ts";
import {
  aStaffUser,
  buildTestApp,
  ORIGIN,
  signedTwilioPost,
  TEST_TWILIO_TOKEN,
  testBrowser,
} from "../support/test-app.ts";

let repos: OpenDatabase;
let world: ReturnType<typeof buildTestApp>;

beforeAll(async () => {
  repos = await freshPglite();
  world = buildTestApp(
    repos,
    { twilio: { authToken: TEST_TWILIO_TOKEN, accountSid: "AC123", staffNumbers: ["+447700900001"], local: false } },
    {
      missedCallReply: { channel: "sms", text: "Sorry we missed your call to {company}. We will call you back." },
    },
  );
}, 30_000);
afterAll(async () => repos?.close());

function twilioPost(path: string, params: Record<string, string>) {
  return signedTwilioPost(world.app, path, params);
}
const sid = (n: number) => `CA${String(n).padStart(32, "0")}`;
async function call(n: number, from: string) {
  expect(
    (
      await twilioPost("/api/twilio/voice", {
        CallSid: sid(n),
        AccountSid: "AC123",
        From: from,
        To: "+442079460000",
        CallStatus: "ringing",
        Direction: "inbound",
      })
    ).status,
  ).toBe(200);
}
const status = (n: number, callStatus: string) =>
  twilioPost("/api/twilio/status", { CallSid: sid(n), AccountSid: "AC123", CallStatus: callStatus, CallDuration: "0" });
const replies = async (phone: string) => {
  const lead = await repos.leads.byPhone(phone as never);
  return (await repos.messages.forLead(lead!.id)).filter((m) => m.purpose === "missed_call");
};

describe("missed-call recovery", () => {
  test("a call that ends unanswered gets the configured SMS reply and becomes a follow-up on the dashboard", async () => {
    await call(1, "+447700900501");
    expect((await status(1, "no-answer")).status).toBe(204);
    const [reply] = await replies("+447700900501");
    expect(reply).toMatchObject({
      channel: "sms",
      status: "queued",
      body: "Sorry we missed your call to Handy Services. We will call you back.",
      address: "+447700900501",
    });
    const r = startTaskRunner(
      { tasks: repos.tasks, log: pino({ level: "silent" }), now: world.clock.now },
      world.messagingTasks,
      { autoStart: false },
    );
    await r.runDue();
    await r.stop();
    expect((await replies("+447700900501"))[0]!.status).toBe("not_sent"); // embedded default: the outbox sends nothing

    const staff = await aStaffUser(world.deps);
    const browser = testBrowser(world.app);
    await browser.logIn(staff.email, staff.password);
    expect((await browser.page("/")).html).toContain('hx-get="/missed-calls"');
    const { html } = await browser.page("/missed-calls");
    expect(html).toContain("Missed calls to follow up");
    expect(html).toContain("Automatic reply:");
    const [followUp] = await repos.missedCalls.open(10);
    const resolved = await browser.post(
      `/missed-calls/${followUp!.id}/resolve`,
      { _csrf: browser.csrf },
      { "HX-Request": "true" },
    );
    expect(resolved.status).toBe(200);
    expect(await resolved.text()).toContain("None: every caller has been answered or followed up.");
  });

  test("only one reply per caller per day: a second missed call the same day is a follow-up without a reply; the next day replies again", async () => {
    await call(2, "+447700900502");
    await status(2, "busy");
    await status(2, "busy"); // Twilio repeats itself
    await call(3, "+447700900502");
    await status(3, "canceled");
    expect(await replies("+447700900502")).toHaveLength(1);
    const open = (await repos.missedCalls.open(10)).filter((m) => m.phone === "+447700900502");
    expect(open).toHaveLength(2);
    expect(open.find((m) => m.replyMessageId === null)!.note).toBe("This caller already had today's automatic reply.");

    world.clock.advanceMinutes(24 * 60);
    await call(4, "+447700900502");
    await status(4, "no-answer");
    expect(await replies("+447700900502")).toHaveLength(2);
  });

  test("staff not picking up (the dial ends in no-answer, the caller goes to voicemail) is a missed call too; an answered call is not", async () => {
    await call(5, "+447700900503");
    const voicemail = await twilioPost("/api/twilio/voicemail", {
      CallSid: sid(5),
      AccountSid: "AC123",
      DialCallStatus: "no-answer",
    });
    expect(await voicemail.text()).toContain("<Record");
    await status(5, "completed");
    expect(await replies("+447700900503")).toHaveLength(1);

    await call(6, "+447700900504");
    await twilioPost("/api/twilio/voicemail", { CallSid: sid(6), AccountSid: "AC123", DialCallStatus: "completed" });
    await status(6, "in-progress");
    await status(6, "completed");
    expect(await replies("+447700900504")).toHaveLength(0);
  });

  test("a withheld number gets a follow-up but no reply, saying why", async () => {
    await call(7, "anonymous");
    await status(7, "no-answer");
    const missed = (await repos.missedCalls.open(20)).find((m) => m.phone === null);
    expect(missed!.note).toBe("The number was withheld: no reply could be sent.");
  });

  test("the caller's day is London's", () => {
    expect(londonDate(new Date("2026-06-30T23:30:00Z"))).toBe("2026-07-01");
    expect(londonDate(new Date("2026-12-31T23:30:00Z"))).toBe("2026-12-31");
  });
});
