import { afterAll, beforeAll, expect, test } from "bun:test";
import { createTwilioSmsSender } from "../../../src/adapters/twilio/sms-sender.ts";
import { startTwilioApiPeer, type TwilioPeer } from "../../support/twilio-api-peer.ts";

const accountSid = `AC${"4".repeat(32)}`;
const authToken = "twilio-token-pacing";
let peer: TwilioPeer;

beforeAll(async () => {
  peer = await startTwilioApiPeer({ accountSid, authToken });
});
afterAll(() => peer.close());

test("a burst of texts from one number goes out at Twilio's 1 a second, every one of them, in order (loopback twilio peer)", async () => {
  const sms = createTwilioSmsSender({ accountSid, authToken, from: "+442079460000", apiBaseUrl: peer.baseUrl });
  const sent = await Promise.all(
    [1, 2, 3, 4].map((n) => sms.send({ to: "+447700900123", body: `Reminder ${n}`, statusCallback: null })),
  );
  expect(sent.every((s) => s.providerId.startsWith("SM"))).toBe(true);
  expect(peer.requests.map((r) => r.form.Body)).toEqual(["Reminder 1", "Reminder 2", "Reminder 3", "Reminder 4"]);
  // The first at once, then one a second. Paced as each is handed to the SDK, so the first's
  // slower trip (the SDK's first request warms up) can bring the second's arrival a little closer.
  const arrivals = peer.requests.map((r) => r.at);
  expect(arrivals.at(-1)! - arrivals[0]!).toBeGreaterThan(2_700);
  for (let i = 1; i < arrivals.length; i++) expect(arrivals[i]! - arrivals[i - 1]!).toBeGreaterThan(600);
});
