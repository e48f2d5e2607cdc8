/**
 * Durable work a dead instance left half-done is finished by another, through real processes on
 * one real PostgreSQL and one S3-compatible server, with Twilio's REST API played by the loopback
 * Twilio peer (TWILIO_API_BASE_URL). The peer holds its answer so the job is in flight when
 * instance A is killed with SIGKILL; instance B takes the job once A's claim lapses (claims last
 * TASK_CLAIM_MS, 30 s, renewed while the job runs; B polls every 2 s), so within about 32 s.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { GetObjectCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { TASK_CLAIM_MS } from "../src/adapters/local/task-runner.ts";
import type { E164 } from "../src/domain/phone.ts";
import { RECORDING_TASK, SEND_TASK } from "../src/domain/tasks/kinds.ts";
import { answerCall } from "../src/simulator/play-call.ts";
import { postSigned, statusParams, type CallParties } from "../src/simulator/twilio-wire.ts";
import { startInstances, until, type Instances } from "./support/instances.ts";
import { startS3Server, type TestS3Server } from "./support/s3-server.ts";
import { startTwilioApiPeer, type TwilioPeer } from "./support/twilio-api-peer.ts";

const ACCOUNT_SID = `AC${"5e".repeat(16)}`;
const AUTH_TOKEN = "durable-work-auth-token";
const OUR_NUMBER = "+442079460000";
/** The runner's poll, and slack for a loaded machine: B finds a lapsed claim within this of the lapse. */
const POLL_AND_SLACK_MS = 2_000 + 5_000;

let world: Instances;
let s3: TestS3Server;
let peer: TwilioPeer;
let env: Record<string, string>;

beforeAll(async () => {
  [world, s3, peer] = await Promise.all([
    startInstances("durable_work_takeover"),
    startS3Server(),
    startTwilioApiPeer({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN }),
  ]);
  env = {
    TWILIO_ACCOUNT_SID: ACCOUNT_SID,
    TWILIO_AUTH_TOKEN: AUTH_TOKEN,
    TWILIO_PHONE_NUMBER: OUR_NUMBER,
    TWILIO_API_BASE_URL: peer.baseUrl,
    AWS_ACCESS_KEY_ID: "S3RVER",
    AWS_SECRET_ACCESS_KEY: "S3RVER", // the keys s3rver accepts
    AWS_S3_BUCKET: s3.bucket,
    S3_ENDPOINT: s3.endpoint,
    MISSED_CALL_REPLY_CHANNEL: "sms",
  };
}, 60_000);
afterAll(async () => {
  peer?.releaseHeld();
  await world?.close();
  await Promise.all([s3?.stop(), peer?.close()]);
}, 30_000);

const bucket = () =>
  new S3Client({
    endpoint: s3.endpoint,
    region: "eu-west-2",
    forcePathStyle: true,
    credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
  });

/** A call rung into `port` (signed as Twilio signs, over the instance's PUBLIC_BASE_URL). */
async function ring(port: number, from: string): Promise<CallParties & { callId: string; base: string }> {
  const base = `http://localhost:${port}`;
  const call = await answerCall({
    baseUrl: base,
    authToken: AUTH_TOKEN,
    from,
    to: OUR_NUMBER,
    accountSid: ACCOUNT_SID,
  });
  return { ...call, callId: call.callId!, base };
}

const recordingGets = () => peer.requests.filter((r) => r.method === "GET" && r.path.includes("/Recordings/"));
const smsPosts = () => peer.requests.filter((r) => r.method === "POST" && r.path.endsWith("/Messages.json"));

describe("durable work of a killed instance", () => {
  test("a recording download in flight is not taken while its instance lives, then finished by another after kill -9 and stored once (through the loopback Twilio peer)", async () => {
    const a = await world.start(env);
    const repos = await world.repos();
    const call = await ring(a.port, "+447700900301");
    expect(
      (await postSigned(`${call.base}/api/twilio/status`, AUTH_TOKEN, statusParams(call, "completed", 1, 42))).status,
    ).toBe(204);

    const recordingSid = `RE${randomBytes(16).toString("hex")}`;
    const wav = new Uint8Array(randomBytes(256 * 1024));
    peer.setRecording(recordingSid, wav);
    peer.hold("recording"); // A gets the headers and half the audio, then nothing more
    const callback = await postSigned(`${call.base}/api/twilio/recording`, AUTH_TOKEN, {
      CallSid: call.callSid,
      AccountSid: ACCOUNT_SID,
      RecordingSid: recordingSid,
      RecordingUrl: `${peer.baseUrl}/2010-04-01/Accounts/${ACCOUNT_SID}/Recordings/${recordingSid}`,
      RecordingStatus: "completed",
      RecordingChannels: "2",
    });
    expect(callback.status).toBe(204);
    await until("A downloading the recording", 15_000, () => recordingGets().length === 1);
    const startedAt = Date.now();

    // B runs beside A for longer than a claim: A's renewals keep the download A's alone.
    const b = await world.start(env);
    await Bun.sleep(Math.max(0, startedAt + TASK_CLAIM_MS + 5_000 - Date.now()));
    expect(recordingGets()).toHaveLength(1);
    expect((await repos.tasks.byKey(RECORDING_TASK, recordingSid))!.doneAt).toBeNull();

    a.kill("SIGKILL");
    await a.exited;
    const killedAt = Date.now();
    const done = await until("B finishing the download", TASK_CLAIM_MS + 15_000, async () => {
      const task = await repos.tasks.byKey(RECORDING_TASK, recordingSid);
      return task?.doneAt ? task : null;
    });
    const tookMs = Date.now() - killedAt;
    console.info(`instance B finished the dead instance's recording download ${tookMs} ms after the kill`);
    expect(tookMs).toBeLessThan(TASK_CLAIM_MS + POLL_AND_SLACK_MS);
    // A's attempt was cut off by its death, not failed: only B's counts.
    expect(done).toMatchObject({ attempts: 1, lastError: null, failedAt: null });
    expect(recordingGets()).toHaveLength(2);

    const key = `recordings/${call.callId}/${recordingSid}.wav`;
    expect((await repos.calls.byId(call.callId))!.recordingKey).toBe(key);
    const listed = await bucket().send(
      new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: `recordings/${call.callId}/` }),
    );
    expect((listed.Contents ?? []).map((object) => object.Key)).toEqual([key]);
    const stored = await bucket().send(new GetObjectCommand({ Bucket: s3.bucket, Key: key }));
    expect(new Uint8Array(await stored.Body!.transformToByteArray())).toEqual(wav);

    await b.stop();
    expect(b.exitCode()).toBe(0);
  }, 150_000);

  test("a missed-call SMS in flight is never sent twice: another instance finds it interrupted and marks it for staff (through the loopback Twilio peer)", async () => {
    const c = await world.start(env);
    const repos = await world.repos();
    const caller = "+447700900302";
    peer.hold("message"); // C's send reaches Twilio and gets no answer
    const call = await ring(c.port, caller);
    expect(
      (await postSigned(`${call.base}/api/twilio/status`, AUTH_TOKEN, statusParams(call, "no-answer", 1))).status,
    ).toBe(204);
    await until("C sending the reply", 15_000, () => smsPosts().length === 1);
    expect(smsPosts()[0]!.form).toMatchObject({ To: caller, From: OUR_NUMBER });
    const lead = (await repos.leads.byPhone(caller as E164))!;
    const [sending] = await repos.messages.forLead(lead.id);
    expect(sending).toMatchObject({ channel: "sms", purpose: "missed_call", status: "sending" });

    // Killed inside Twilio's 15 s timeout: the send's fate is unknown to anyone but Twilio.
    c.kill("SIGKILL");
    await c.exited;
    const killedAt = Date.now();
    const d = await world.start(env);
    const resolved = await until("D resolving the interrupted send", TASK_CLAIM_MS + 15_000, async () => {
      const task = await repos.tasks.byKey(SEND_TASK, sending!.id);
      return task?.doneAt ? task : null;
    });
    const tookMs = Date.now() - killedAt;
    console.info(`instance D resolved the dead instance's interrupted SMS ${tookMs} ms after the kill`);
    expect(tookMs).toBeLessThan(TASK_CLAIM_MS + POLL_AND_SLACK_MS);
    expect(resolved.attempts).toBe(1);

    const message = (await repos.messages.byId(sending!.id))!;
    expect(message.status).toBe("failed");
    expect(message.error).toContain("interrupted");
    expect(message.error).toContain("never sent twice");
    // Twilio takes no idempotency key for a message, so the one request that may have gone out is the only one.
    await Bun.sleep(2_500);
    expect(smsPosts()).toHaveLength(1);

    await d.stop();
    expect(d.exitCode()).toBe(0);
  }, 150_000);
});
