import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createTwilioOutboundCaller } from "../../../src/adapters/twilio/outbound-caller.ts";
import { streamFromTwiml } from "../../../src/simulator/twilio-wire.ts";
import { startTwilioApiPeer, type TwilioPeer } from "../../support/twilio-api-peer.ts";

/** The assistant's calls through the official twilio SDK, against a loopback peer speaking Twilio's REST API. */
const ACCOUNT = `AC${"1".repeat(32)}`;
const TOKEN = "twilio-test-token";
let peer: TwilioPeer;
beforeAll(async () => {
  peer = await startTwilioApiPeer({ accountSid: ACCOUNT, authToken: TOKEN });
});
afterAll(async () => peer.close());

const call = {
  callId: "6d1f0a4e-2d5e-4f7e-9a59-1c1f2c3d4e5f",
  to: "+447700900123",
  streamUrl: "wss://switchboard.example/api/twilio/assistant-stream",
  parameters: { callId: "6d1f0a4e-2d5e-4f7e-9a59-1c1f2c3d4e5f", streamToken: "tok&en<" },
  statusCallback: "https://switchboard.example/api/twilio/status",
  recordingCallback: "https://switchboard.example/api/twilio/recording",
};

describe("Twilio outbound caller (loopback peer)", () => {
  test("loopback peer: calls.create posts the Connect-Stream TwiML, recording and status callbacks; the CallSid comes back", async () => {
    const caller = createTwilioOutboundCaller({
      accountSid: ACCOUNT,
      authToken: TOKEN,
      from: "+441130000000",
      apiBaseUrl: peer.baseUrl,
    });
    const placed = await caller.place(call);
    expect(placed.providerCallId).toMatch(/^CA[0-9a-f]{32}$/);
    const request = peer.requests.at(-1)!;
    expect(request.method).toBe("POST");
    expect(request.path).toBe(`/2010-04-01/Accounts/${ACCOUNT}/Calls.json`);
    expect(request.authorization).toBe(`Basic ${btoa(`${ACCOUNT}:${TOKEN}`)}`);
    expect(request.form).toMatchObject({
      To: "+447700900123",
      From: "+441130000000",
      Record: "true",
      RecordingChannels: "dual",
      RecordingStatusCallback: call.recordingCallback,
      RecordingStatusCallbackEvent: "completed",
      StatusCallback: call.statusCallback,
      StatusCallbackMethod: "POST",
    });
    // The TwiML is a bidirectional stream (<Connect>, not <Start>) carrying the call's parameters, escaped.
    const stream = streamFromTwiml(request.form.Twiml!, "Connect");
    expect(stream).toEqual({ url: call.streamUrl, track: "inbound_track", parameters: call.parameters });
    expect(streamFromTwiml(request.form.Twiml!, "Start")).toBeNull();
  });

  test("loopback peer: Twilio's refusal becomes an error naming Twilio, its status and code", async () => {
    const caller = createTwilioOutboundCaller({
      accountSid: ACCOUNT,
      authToken: TOKEN,
      from: "+441130000000",
      apiBaseUrl: peer.baseUrl,
    });
    peer.fail({ status: 400, code: 21215, message: "Geo permission not enabled for this number" });
    const sent = peer.requests.length;
    await expect(caller.place(call)).rejects.toThrow(
      "Twilio could not place the call (HTTP 400, code 21215): Geo permission not enabled for this number",
    );
    // Tried once: a create that may have reached Twilio is never repeated.
    expect(peer.requests.length).toBe(sent + 1);
  });
});
