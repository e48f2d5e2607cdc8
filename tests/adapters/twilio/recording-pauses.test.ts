import { afterAll, beforeAll, expect, test } from "bun:test";
import { createTwilioRecordingPauses } from "../../../src/adapters/twilio/recording-pauses.ts";
import { startTwilioRecordingsPeer, type TwilioRecordingsPeer } from "../../support/twilio-recordings-peer.ts";

const credentials = { accountSid: `AC${"1".repeat(32)}`, authToken: "recording-pauses-token" };
const CALL = `CA${"a".repeat(32)}`;
let peer: TwilioRecordingsPeer;

beforeAll(() => {
  peer = startTwilioRecordingsPeer(credentials);
  peer.recording(CALL);
});
afterAll(() => peer.close());

test("against a loopback peer speaking Twilio's REST API: the current recording is paused (skipped, not silence) and resumed", async () => {
  const pauses = createTwilioRecordingPauses({ ...credentials, apiBaseUrl: peer.baseUrl });
  await pauses.pause(CALL);
  expect(peer.statusOf(CALL)).toBe("paused");
  expect(peer.requests.at(-1)).toEqual({
    path: `/2010-04-01/Accounts/${credentials.accountSid}/Calls/${CALL}/Recordings/Twilio.CURRENT.json`,
    form: { Status: "paused", PauseBehavior: "skip" },
  });
  await pauses.resume(CALL);
  expect(peer.statusOf(CALL)).toBe("in-progress");
  expect(peer.requests.at(-1)?.form).toEqual({ Status: "in-progress" });
});

test("against a loopback peer speaking Twilio's REST API: a refusal names Twilio, its status and code", async () => {
  const pauses = createTwilioRecordingPauses({ ...credentials, apiBaseUrl: peer.baseUrl });
  await expect(pauses.pause(`CA${"b".repeat(32)}`)).rejects.toThrow(/Twilio could not .*HTTP 404, code 20404/);
  const wrongKey = createTwilioRecordingPauses({ ...credentials, authToken: "wrong", apiBaseUrl: peer.baseUrl });
  await expect(wrongKey.pause(CALL)).rejects.toThrow(/HTTP 401, code 20003/);
});
