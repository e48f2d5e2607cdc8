import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { VENDOR_LIMITS } from "../../src/adapters/resilience/vendor-limits.ts";
import pino from "pino";
import { startTaskRunner } from "../../src/adapters/local/task-runner.ts";
import { createTwilioRecordingFetcher } from "../../src/adapters/twilio/recording-fetcher.ts";
import { downloadRecording, RECORDING_TASK } from "../../src/domain/live-call/recordings.ts";
import type { Repositories } from "../../src/ports/database.ts";
import { freshPglite } from "../support/test-db.ts";
import {
  aStaffUser,
  buildTestApp,
  ORIGIN,
  signedTwilioPost,
  TEST_TWILIO_TOKEN,
  testBrowser,
} from "../support/test-app.ts";

let repos: Repositories;
let world: ReturnType<typeof buildTestApp>;
let twilioPeer: ReturnType<typeof Bun.serve>;
let peerRequests: { path: string; authorization: string | null }[] = [];
let peerFailuresLeft = 0;
const WAV = new Uint8Array([0x52, 0x49, 0x46, 0x46, 1, 2, 3, 4, 5, 6, 7, 8]);
const CALL_SID = "CA00000000000000000000000000000777";

beforeAll(async () => {
  repos = await freshPglite();
  world = buildTestApp(repos, {
    twilio: { authToken: TEST_TWILIO_TOKEN, accountSid: "AC123", staffNumbers: [], local: false },
  });
  // Loopback stand-in for Twilio's recording media URL: Basic auth with the account's credentials, WAV bytes.
  twilioPeer = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch(request) {
      peerRequests.push({ path: new URL(request.url).pathname, authorization: request.headers.get("Authorization") });
      if (request.headers.get("Authorization") !== `Basic ${btoa(`AC123:${TEST_TWILIO_TOKEN}`)}`)
        return new Response("no", { status: 401 });
      if (peerFailuresLeft-- > 0) return new Response("try later", { status: 503 });
      return new Response(WAV, { headers: { "Content-Type": "audio/x-wav" } });
    },
  });
  await repos.calls.record({
    providerCallId: CALL_SID,
    direction: "inbound",
    from: "+447700900123",
    to: "+442079460000",
    leadId: null,
    status: "completed",
    startedAt: new Date(),
  });
}, 30_000);
afterAll(async () => {
  await twilioPeer?.stop(true);
  await repos?.close();
});

function recordingCallback(params: Record<string, string>, token = TEST_TWILIO_TOKEN) {
  return signedTwilioPost(world.app, "/api/twilio/recording", params, token);
}

/** The peer is on loopback, so the fetcher is told to trust its origin; without that it refuses it. */
const peerOrigin = () => `http://127.0.0.1:${twilioPeer.port}`;
const runner = (alsoAllow: string[] = [peerOrigin()]) =>
  startTaskRunner(
    { tasks: repos.tasks, log: pino({ level: "silent" }), now: world.clock.now },
    {
      [RECORDING_TASK]: downloadRecording({
        calls: repos.calls,
        blobStore: world.deps.blobStore,
        fetchRecording: createTwilioRecordingFetcher(
          { accountSid: "AC123", authToken: TEST_TWILIO_TOKEN },
          { alsoAllow },
        ),
      }),
    },
    { autoStart: false },
  );

describe("recordings (Twilio's recording media served by a loopback peer)", () => {
  const params = () => ({
    CallSid: CALL_SID,
    AccountSid: "AC123",
    RecordingSid: "RE0000000000000000000000000000000a",
    RecordingUrl: `http://127.0.0.1:${twilioPeer.port}/2010-04-01/Accounts/AC123/Recordings/RE0000000000000000000000000000000a`,
    RecordingStatus: "completed",
    RecordingChannels: "2",
  });

  test("a forged callback gets 403 and queues nothing", async () => {
    expect((await recordingCallback(params(), "not-the-token")).status).toBe(403);
    expect(await repos.tasks.byKey(RECORDING_TASK, params().RecordingSid)).toBeNull();
  });

  test("the callback queues one download, however often Twilio repeats it", async () => {
    expect((await recordingCallback(params())).status).toBe(204);
    expect((await recordingCallback(params())).status).toBe(204);
    const job = await repos.tasks.byKey(RECORDING_TASK, params().RecordingSid);
    expect(job).toMatchObject({ attempts: 0, doneAt: null });
  });

  test("a failed download is retried from the database, by a new runner after a 'restart', and then linked to the call", async () => {
    // More 503s than Twilio's policy retries in-process: the attempt fails and the database retries it.
    peerFailuresLeft = VENDOR_LIMITS.Twilio.retries + 1;
    const first = runner();
    expect(await first.runDue()).toBe(1);
    await first.stop();
    const failed = await repos.tasks.byKey(RECORDING_TASK, params().RecordingSid);
    expect(failed).toMatchObject({ attempts: 1, doneAt: null });
    expect(failed!.lastError).toContain("503");
    expect((await repos.calls.byProviderId(CALL_SID))!.recordingKey).toBeNull();

    const restarted = runner();
    expect(await restarted.runDue()).toBe(0); // not due yet: backoff
    world.clock.advanceMinutes(5);
    expect(await restarted.runDue()).toBe(1);
    await restarted.stop();

    expect(peerRequests.at(-1)!.path).toEndWith(".wav");
    const call = await repos.calls.byProviderId(CALL_SID);
    expect(call!.recordingKey).toBe(`recordings/${call!.id}/RE0000000000000000000000000000000a.wav`);
    expect((await repos.tasks.byKey(RECORDING_TASK, params().RecordingSid))!.doneAt).not.toBeNull();
  });

  test("a recording URL off Twilio's hosts gets no credentials: the task fails with the reason and the host hears nothing", async () => {
    const sid = "RE0000000000000000000000000000000b";
    expect((await recordingCallback({ ...params(), RecordingSid: sid })).status).toBe(204);
    const before = peerRequests.length;
    const untrusting = runner([]);
    expect(await untrusting.runDue()).toBe(1);
    await untrusting.stop();
    expect(peerRequests.length).toBe(before);
    const job = await repos.tasks.byKey(RECORDING_TASK, sid);
    expect(job).toMatchObject({ attempts: 1, doneAt: null });
    expect(job!.lastError).toBe(
      `not sending the Twilio credentials to 127.0.0.1:${twilioPeer.port}: media is fetched only from Twilio's own hosts over https`,
    );
  });

  test("staff play the recording through the app; without a login it is not served", async () => {
    const call = await repos.calls.byProviderId(CALL_SID);
    const anonymous = await world.app.request(`${ORIGIN}/calls/${call!.id}/recording`, { redirect: "manual" });
    expect(anonymous.status).toBe(303);
    const staff = await aStaffUser(world.deps);
    const browser = testBrowser(world.app);
    await browser.logIn(staff.email, staff.password);
    const response = await browser.request(`/calls/${call!.id}/recording`);
    expect(response.status).toBe(200);
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(WAV);
    // Opening a recording is recorded: who listened, and to which call.
    expect(await repos.audit.forEntity("recording", call!.id)).toEqual([
      expect.objectContaining({ who: staff.email, what: "opened the recording", entity: "recording" }),
    ]);
    // A player fetching a later part with a Range is not a new opening.
    const part = await browser.request(`/calls/${call!.id}/recording`, { headers: { Range: "bytes=100-" } });
    expect(part.status).toBe(200);
    expect(await repos.audit.forEntity("recording", call!.id)).toHaveLength(1);
    const { html } = await browser.page(`/calls/${call!.id}`);
    expect(html).toMatch(new RegExp(`<audio controls[^>]* src="/calls/${call!.id}/recording"`));
  });

  test("a callback with no recording URL is refused with a reason", async () => {
    const { RecordingUrl: _omit, ...rest } = params();
    const response = await recordingCallback(rest);
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("RecordingUrl");
  });
});
