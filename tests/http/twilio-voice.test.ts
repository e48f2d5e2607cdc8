import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import twilio from "twilio";
import type { OpenDatabase } from "../../src/adapters/db/database.ts";
import { freshPglite } from "../support/test-db.ts";
import { buildTestApp, ORIGIN, TEST_TWILIO_TOKEN } from "../support/test-app.ts";

let repos: OpenDatabase;
let world: ReturnType<typeof buildTestApp>;

beforeAll(async () => {
  repos = await freshPglite();
  world = buildTestApp(repos, {
    twilio: {
      authToken: TEST_TWILIO_TOKEN,
      accountSid: "AC123",
      staffNumbers: ["+447700900001", "+447700900002"],
      local: false,
    },
  });
}, 30_000);
afterAll(async () => repos?.close());

/** A webhook as Twilio sends it: form-encoded, signed by the official SDK over the public URL. */
function twilioPost(
  path: string,
  params: Record<string, string>,
  options: { token?: string; signedUrl?: string; signature?: string | null } = {},
) {
  const url = options.signedUrl ?? `${ORIGIN}${path}`;
  const signature =
    options.signature === undefined
      ? twilio.getExpectedTwilioSignature(options.token ?? TEST_TWILIO_TOKEN, url, params)
      : options.signature;
  const headers: Record<string, string> = { "Content-Type": "application/x-www-form-urlencoded" };
  if (signature !== null) headers["X-Twilio-Signature"] = signature;
  return world.app.request(`http://10.0.0.5:3000${path}`, {
    method: "POST",
    headers,
    body: new URLSearchParams(params).toString(),
  });
}

const ringing = (callSid: string, from = "07700 900123") => ({
  CallSid: callSid,
  AccountSid: "AC123",
  From: from,
  To: "+442079460000",
  CallStatus: "ringing",
  Direction: "inbound",
});

describe("POST /api/twilio/voice", () => {
  test("a signed call creates the lead and the call, and answers TwiML: stream both tracks, then dial staff with dual recording", async () => {
    const response = await twilioPost(
      "/api/twilio/voice",
      ringing("CA00000000000000000000000000000001", "+447700900123"),
    );
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toContain("text/xml");
    const xml = await response.text();
    const call = await repos.calls.byProviderId("CA00000000000000000000000000000001");
    expect(call).not.toBeNull();
    expect(call!.status).toBe("ringing");
    const lead = await repos.leads.byPhone("+447700900123" as never);
    expect(call!.leadId).toBe(lead!.id);
    expect(xml).toContain('<Stream url="ws://localhost/api/twilio/media-stream" track="both_tracks">');
    expect(xml).toContain(`<Parameter name="callId" value="${call!.id}"/>`);
    expect(xml).toContain('name="streamToken"');
    expect(xml).toMatch(/<Dial [^>]*record="record-from-answer-dual"/);
    expect(xml).toContain('recordingStatusCallback="http://localhost/api/twilio/recording"');
    expect(xml).toContain("<Number>+447700900001</Number><Number>+447700900002</Number>");
  });

  test("the same caller again: the same lead, a second call", async () => {
    await twilioPost("/api/twilio/voice", ringing("CA00000000000000000000000000000002", "07700 900123"));
    const lead = await repos.leads.byPhone("+447700900123" as never);
    expect((await repos.calls.forLead(lead!.id)).length).toBe(2);
  });

  test("the signature is checked against PUBLIC_BASE_URL, not the host this process sees", async () => {
    const wrongUrl = await twilioPost("/api/twilio/voice", ringing("CA00000000000000000000000000000003"), {
      signedUrl: "http://10.0.0.5:3000/api/twilio/voice",
    });
    expect(wrongUrl.status).toBe(403);
    expect(await repos.calls.byProviderId("CA00000000000000000000000000000003")).toBeNull();
  });

  test("a missing or forged signature gets 403 and changes nothing", async () => {
    const before = (await repos.leads.search({ limit: 1, offset: 0 })).total;
    expect(
      (
        await twilioPost("/api/twilio/voice", ringing("CA00000000000000000000000000000004", "+447700900999"), {
          signature: null,
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await twilioPost("/api/twilio/voice", ringing("CA00000000000000000000000000000004", "+447700900999"), {
          token: "another-account-token",
        })
      ).status,
    ).toBe(403);
    expect(await repos.calls.byProviderId("CA00000000000000000000000000000004")).toBeNull();
    expect((await repos.leads.search({ limit: 1, offset: 0 })).total).toBe(before);
  });

  test("with no staff numbers the caller goes to voicemail", async () => {
    const alone = buildTestApp(repos);
    const params = ringing("CA00000000000000000000000000000005");
    const response = await alone.app.request(`${ORIGIN}/api/twilio/voice`, {
      method: "POST",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Twilio-Signature": twilio.getExpectedTwilioSignature(
          TEST_TWILIO_TOKEN,
          `${ORIGIN}/api/twilio/voice`,
          params,
        ),
      },
      body: new URLSearchParams(params).toString(),
    });
    const xml = await response.text();
    expect(xml).not.toContain("<Dial");
    expect(xml).toContain("<Record");
    expect(xml).toContain("leave a message");
  });

  test("a dial nobody answered goes to voicemail; an answered one hangs up", async () => {
    const missed = await (
      await twilioPost("/api/twilio/voicemail", {
        CallSid: "CA00000000000000000000000000000001",
        DialCallStatus: "no-answer",
      })
    ).text();
    expect(missed).toContain("<Record");
    const answered = await (
      await twilioPost("/api/twilio/voicemail", {
        CallSid: "CA00000000000000000000000000000001",
        DialCallStatus: "completed",
      })
    ).text();
    expect(answered).toContain("<Hangup/>");
  });
});

describe("POST /api/twilio/status", () => {
  const sid = "CA00000000000000000000000000000010";
  const status = (CallStatus: string, extra: Record<string, string> = {}) =>
    twilioPost("/api/twilio/status", { CallSid: sid, AccountSid: "AC123", CallStatus, ...extra });

  beforeAll(async () => {
    await twilioPost("/api/twilio/voice", ringing(sid, "+447700900555"));
  });

  test("in-progress then completed: answered, ended, with its duration", async () => {
    expect((await status("in-progress")).status).toBe(204);
    expect((await repos.calls.byProviderId(sid))!.answeredAt).not.toBeNull();
    expect((await status("completed", { CallDuration: "95" })).status).toBe(204);
    const call = await repos.calls.byProviderId(sid);
    expect(call).toMatchObject({ status: "completed", durationSeconds: 95 });
    expect(call!.endedAt).not.toBeNull();
  });

  test("a late ringing after completed, and completed again, change nothing", async () => {
    const before = await repos.calls.byProviderId(sid);
    expect((await status("ringing")).status).toBe(204);
    expect((await status("completed", { CallDuration: "12" })).status).toBe(204);
    expect(await repos.calls.byProviderId(sid)).toEqual(before);
  });

  test("reports racing each other: exactly one ending wins", async () => {
    const racing = "CA00000000000000000000000000000011";
    await twilioPost("/api/twilio/voice", ringing(racing, "+447700900556"));
    await Promise.all(
      ["busy", "no-answer", "canceled", "failed"].map((s) =>
        twilioPost("/api/twilio/status", { CallSid: racing, CallStatus: s }),
      ),
    );
    const call = await repos.calls.byProviderId(racing);
    expect(["busy", "no-answer", "canceled", "failed"]).toContain(call!.status);
  });

  test("an unknown status is refused with a reason; an unsigned report gets 403", async () => {
    const unknown = await status("exploded");
    expect(unknown.status).toBe(400);
    expect(await unknown.text()).toContain("exploded");
    expect(
      (
        await twilioPost(
          "/api/twilio/status",
          { CallSid: sid, CallStatus: "ringing" },
          { signature: "bm90IGEgc2lnbmF0dXJl" },
        )
      ).status,
    ).toBe(403);
  });
});

describe("a call's lease from its first ring", () => {
  const leaseOf = async (callId: string) => {
    type Row = { lease_owner: string | null; lease_expires_at: string | Date | null };
    const result: unknown = await repos.db.execute(
      sql`select lease_owner, lease_expires_at from calls where id = ${callId}`,
    );
    // PGlite answers { rows }, postgres.js an array.
    const [row] = (Array.isArray(result) ? result : (result as { rows: Row[] }).rows) as Row[];
    return {
      owner: row!.lease_owner,
      expiresAt: row!.lease_expires_at === null ? null : new Date(row!.lease_expires_at),
    };
  };
  const status = (sid: string, CallStatus: string) =>
    twilioPost("/api/twilio/status", { CallSid: sid, AccountSid: "AC123", CallStatus });

  test("the incoming-call webhook holds the new call under this instance's lease, so a death before the stream opens is noticed", async () => {
    const sid = "CA00000000000000000000000000000021";
    expect((await twilioPost("/api/twilio/voice", ringing(sid, "+447700900561"))).status).toBe(200);
    const call = (await repos.calls.byProviderId(sid))!;
    const lease = await leaseOf(call.id);
    expect(lease.owner).toBe(world.deps.instance.id);
    expect(lease.expiresAt!.getTime() - world.clock.now().getTime()).toBe(30_000);
  });

  test("a replayed webhook leaves the lease of the instance that streams the call alone", async () => {
    const sid = "CA00000000000000000000000000000022";
    await twilioPost("/api/twilio/voice", ringing(sid, "+447700900562"));
    const call = (await repos.calls.byProviderId(sid))!;
    const streamedUntil = new Date(world.clock.now().getTime() + 40_000);
    await repos.callLeases.hold(call.id, "instance-streaming-it", streamedUntil);
    expect((await twilioPost("/api/twilio/voice", ringing(sid, "+447700900562"))).status).toBe(200);
    expect(await leaseOf(call.id)).toEqual({ owner: "instance-streaming-it", expiresAt: streamedUntil });
  });

  test("a call that ends without ever streaming lets its lease go; a streamed one keeps it until its filing is done", async () => {
    const unstreamed = "CA00000000000000000000000000000023";
    await twilioPost("/api/twilio/voice", ringing(unstreamed, "+447700900563"));
    const quiet = (await repos.calls.byProviderId(unstreamed))!;
    expect(await status(unstreamed, "no-answer")).toHaveProperty("status", 204);
    expect(await leaseOf(quiet.id)).toEqual({ owner: null, expiresAt: null });

    const streamed = "CA00000000000000000000000000000024";
    await twilioPost("/api/twilio/voice", ringing(streamed, "+447700900564"));
    const live = (await repos.calls.byProviderId(streamed))!;
    // What a media stream's start records: the transcriber serving it.
    await repos.calls.update(live.id, { transcriber: "deepgram" });
    await status(streamed, "in-progress");
    expect(await status(streamed, "completed")).toHaveProperty("status", 204);
    expect((await leaseOf(live.id)).owner).toBe(world.deps.instance.id);
  });
});
