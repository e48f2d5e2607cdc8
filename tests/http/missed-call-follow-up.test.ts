import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { OpenDatabase } from "../../src/adapters/db/database.ts";
import type { E164 } from "../../src/domain/phone.ts";
import { freshPglite } from "../support/test-db.ts";
import { aStaffUser, buildTestApp, signedTwilioPost, TEST_TWILIO_TOKEN, testBrowser } from "../support/test-app.ts";

/**
 * Issue 13, item 8: an unanswered call stays under "Missed calls to follow up" until someone
 * follows it up — pressing "Followed up", or writing to the customer — and who did it, and
 * when, is kept in the audit trail.
 */
let repos: OpenDatabase;
let world: ReturnType<typeof buildTestApp>;
let staff: ReturnType<typeof testBrowser>;
let staffEmail = "";

beforeAll(async () => {
  repos = await freshPglite();
  world = buildTestApp(repos, {
    twilio: { authToken: TEST_TWILIO_TOKEN, accountSid: "AC123", staffNumbers: ["+447700900001"], local: false },
  });
  const user = await aStaffUser(world.deps, "amy@handy.example");
  staffEmail = user.email;
  staff = testBrowser(world.app);
  await staff.logIn(user.email, user.password);
}, 30_000);
afterAll(async () => repos?.close());

const sid = (n: number) => `CA${String(n).padStart(32, "9")}`;
async function missedCall(n: number, from: string, status: "no-answer" | "busy") {
  const voice = await signedTwilioPost(world.app, "/api/twilio/voice", {
    CallSid: sid(n),
    AccountSid: "AC123",
    From: from,
    To: "+442079460000",
    CallStatus: "ringing",
    Direction: "inbound",
  });
  expect(voice.status).toBe(200);
  const ended = await signedTwilioPost(world.app, "/api/twilio/status", {
    CallSid: sid(n),
    AccountSid: "AC123",
    CallStatus: status,
    CallDuration: "0",
  });
  expect(ended.status).toBe(204);
  return (await repos.calls.byProviderId(sid(n)))!;
}
const followUpsPage = async () => (await staff.page("/missed-calls")).html;

describe("missed calls to follow up", () => {
  test("an unanswered call stays listed until staff press Followed up; who and when go to the audit trail, once", async () => {
    const call = await missedCall(1, "+447700900701", "no-answer");
    const lead = (await repos.leads.byPhone("+447700900701" as E164))!;
    expect(await followUpsPage()).toContain(`/leads/${lead.id}`);
    // Still there on the next look: nothing but a follow-up takes it off.
    expect(await followUpsPage()).toContain(`/leads/${lead.id}`);

    const [open] = (await repos.missedCalls.open(20)).filter((m) => m.callId === call.id);
    const pressed = await staff.post(
      `/missed-calls/${open!.id}/resolve`,
      { _csrf: staff.csrf },
      { "HX-Request": "true" },
    );
    expect(pressed.status).toBe(200);
    expect(await pressed.text()).not.toContain(`/leads/${lead.id}`);
    expect(await followUpsPage()).not.toContain(`/leads/${lead.id}`);

    // Pressed again (a second tab): nothing changes, no second entry.
    await staff.post(`/missed-calls/${open!.id}/resolve`, { _csrf: staff.csrf }, { "HX-Request": "true" });
    const history = await repos.audit.forEntity("call", call.id);
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({
      who: staffEmail,
      what: "missed call followed up",
      at: world.clock.now(),
      details: { missedCallId: open!.id, how: "marked followed up" },
    });
  });

  test("a reply to the customer follows up their missed calls", async () => {
    const call = await missedCall(2, "+447700900702", "busy");
    const lead = (await repos.leads.byPhone("+447700900702" as E164))!;
    expect(await followUpsPage()).toContain(`/leads/${lead.id}`);

    await staff.page(`/leads/${lead.id}`);
    const reply = await staff.post(`/leads/${lead.id}/messages`, {
      _csrf: staff.csrf,
      channel: "sms",
      text: "Sorry we missed you, calling back in five minutes.",
    });
    expect(reply.status).toBe(303);
    expect(await followUpsPage()).not.toContain(`/leads/${lead.id}`);
    const [entry] = await repos.audit.forEntity("call", call.id);
    expect(entry).toMatchObject({ who: staffEmail, details: { how: "replied by SMS" } });
  });

  test("a refused reply (an empty message) follows up nothing", async () => {
    await missedCall(3, "+447700900703", "no-answer");
    const lead = (await repos.leads.byPhone("+447700900703" as E164))!;
    await staff.page(`/leads/${lead.id}`);
    const reply = await staff.post(`/leads/${lead.id}/messages`, { _csrf: staff.csrf, channel: "sms", text: "  " });
    expect(reply.status).toBeGreaterThanOrEqual(400);
    expect(await followUpsPage()).toContain(`/leads/${lead.id}`);
  });
});
