/**
 * Each vendor's key check against a loopback peer that speaks the vendor's wire format: a good
 * key works, a wrong one is refused and names the variable to fix, a closed port is
 * unreachable. The checker's timeout is in tests/compose/vendor-checker.test.ts.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { createDeepgramProjectsCheck } from "../../src/adapters/deepgram/projects-check.ts";
import { createElevenLabsUserCheck } from "../../src/adapters/elevenlabs/user-check.ts";
import { createOpenAIClient } from "../../src/adapters/openai/client.ts";
import { createOpenAIModelsCheck } from "../../src/adapters/openai/models-check.ts";
import { createS3BucketCheck } from "../../src/adapters/s3/bucket-check.ts";
import { createStripeBalanceCheck } from "../../src/adapters/stripe/balance-check.ts";
import { createStripeClient } from "../../src/adapters/stripe/stripe-checkout.ts";
import { createTwilioAccountCheck } from "../../src/adapters/twilio/account-check.ts";
import { createWhatsAppPhoneNumberCheck } from "../../src/adapters/whatsapp/phone-number-check.ts";
import type { VendorCheck } from "../../src/ports/vendor-check.ts";
import { startDeepgramPeer } from "../support/deepgram-peer.ts";
import { startElevenLabsPeer } from "../support/elevenlabs-peer.ts";
import { PEER_ACCESS_TOKEN, PEER_PHONE_NUMBER_ID, startMetaPeer } from "../support/meta-peer.ts";
import { startOpenAIPeer } from "../support/openai-peer.ts";
import { startS3Server } from "../support/s3-server.ts";
import { startStripePeer } from "../support/stripe-peer.ts";
import { startTwilioApiPeer } from "../support/twilio-api-peer.ts";

const stops: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  await Promise.all(stops.map((stop) => stop()));
});

/** A loopback port nothing listens on (a server started, then stopped). */
async function closedPort(): Promise<number> {
  const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response() });
  const port = server.port!;
  await server.stop(true);
  return port;
}

const run = (check: VendorCheck) => check.check(AbortSignal.timeout(10_000));

describe("Twilio account fetch", () => {
  const accountSid = `AC${"1".repeat(32)}`;
  const authToken = "twilio-auth-token-right";

  test("a good token works (loopback twilio peer)", async () => {
    const peer = await startTwilioApiPeer({ accountSid, authToken });
    stops.push(peer.close);
    expect(await run(createTwilioAccountCheck({ accountSid, authToken, apiBaseUrl: peer.baseUrl }))).toEqual({
      state: "working",
    });
    expect(peer.requests.at(-1)).toMatchObject({ method: "GET", path: `/2010-04-01/Accounts/${accountSid}.json` });
  });

  test("a wrong token is refused and names TWILIO_AUTH_TOKEN (loopback twilio peer)", async () => {
    const peer = await startTwilioApiPeer({ accountSid, authToken });
    stops.push(peer.close);
    const outcome = await run(
      createTwilioAccountCheck({ accountSid, authToken: "wrong-token", apiBaseUrl: peer.baseUrl }),
    );
    expect(outcome).toMatchObject({ state: "refused", variable: "TWILIO_AUTH_TOKEN" });
  });

  test("a closed port is unreachable (loopback twilio peer)", async () => {
    const port = await closedPort();
    const outcome = await run(
      createTwilioAccountCheck({ accountSid, authToken, apiBaseUrl: `http://127.0.0.1:${port}` }),
    );
    expect(outcome.state).toBe("unreachable");
  });
});

describe("Stripe balance", () => {
  const apiKey = "sk_test_right";
  test("a good key works, a wrong one is refused naming STRIPE_SECRET_KEY (loopback stripe peer)", async () => {
    const peer = startStripePeer({ apiKey });
    stops.push(peer.stop);
    const endpoint = { host: "127.0.0.1", port: peer.port, protocol: "http" } as const;
    expect(await run(createStripeBalanceCheck(createStripeClient(apiKey, endpoint)))).toEqual({ state: "working" });
    expect(peer.requests.at(-1)).toMatchObject({ method: "GET", path: "/v1/balance" });
    const refused = await run(createStripeBalanceCheck(createStripeClient("sk_test_wrong", endpoint)));
    expect(refused).toMatchObject({ state: "refused", variable: "STRIPE_SECRET_KEY" });
  });

  test("a closed port is unreachable (loopback stripe peer)", async () => {
    const port = await closedPort();
    const client = createStripeClient(apiKey, { host: "127.0.0.1", port, protocol: "http" });
    expect((await run(createStripeBalanceCheck(client))).state).toBe("unreachable");
  });
});

describe("OpenAI models list", () => {
  test("a good key works, a wrong one is refused naming OPENAI_API_KEY (loopback openai peer)", async () => {
    const peer = await startOpenAIPeer({ apiKey: "sk-right" });
    stops.push(peer.close);
    const check = (apiKey: string) => createOpenAIModelsCheck(createOpenAIClient({ apiKey, baseURL: peer.baseURL }));
    expect(await run(check("sk-right"))).toEqual({ state: "working" });
    expect(peer.requests.at(-1)).toMatchObject({ method: "GET", path: "/v1/models" });
    expect(await run(check("sk-wrong"))).toMatchObject({ state: "refused", variable: "OPENAI_API_KEY" });
  });

  test("a closed port is unreachable (loopback openai peer)", async () => {
    const port = await closedPort();
    const client = createOpenAIClient({ apiKey: "sk-right", baseURL: `http://127.0.0.1:${port}/v1` });
    expect((await run(createOpenAIModelsCheck(client))).state).toBe("unreachable");
  });
});

describe("Deepgram projects list", () => {
  test("a good key works, a wrong one is refused naming DEEPGRAM_API_KEY (loopback deepgram peer)", async () => {
    const peer = startDeepgramPeer({ apiKey: "dg-right" });
    stops.push(peer.stop);
    expect(await run(createDeepgramProjectsCheck({ apiKey: "dg-right", url: peer.url }))).toEqual({
      state: "working",
    });
    expect(await run(createDeepgramProjectsCheck({ apiKey: "dg-wrong", url: peer.url }))).toMatchObject({
      state: "refused",
      variable: "DEEPGRAM_API_KEY",
    });
  });

  test("a closed port is unreachable (loopback deepgram peer)", async () => {
    const port = await closedPort();
    const outcome = await run(createDeepgramProjectsCheck({ apiKey: "dg-right", url: `ws://127.0.0.1:${port}` }));
    expect(outcome.state).toBe("unreachable");
  });
});

describe("WhatsApp phone number fetch", () => {
  test("a good token works; Meta's code 190 is a refused WHATSAPP_ACCESS_TOKEN (loopback meta peer)", async () => {
    const peer = await startMetaPeer();
    stops.push(peer.close);
    const check = (accessToken: string, phoneNumberId = PEER_PHONE_NUMBER_ID) =>
      createWhatsAppPhoneNumberCheck({ accessToken, phoneNumberId, baseUrl: peer.baseUrl });
    expect(await run(check(PEER_ACCESS_TOKEN))).toEqual({ state: "working" });
    expect(peer.requests.at(-1)?.path).toStartWith(`/v24.0/${PEER_PHONE_NUMBER_ID}?fields=`);
    const refused = await run(check("EAA-wrong"));
    expect(refused).toMatchObject({ state: "refused", variable: "WHATSAPP_ACCESS_TOKEN" });
    if (refused.state === "refused") expect(refused.reason).toContain("code 190");
    expect(await run(check(PEER_ACCESS_TOKEN, "999999999"))).toMatchObject({
      state: "refused",
      variable: "WHATSAPP_PHONE_NUMBER_ID",
    });
  });

  test("a closed port is unreachable (loopback meta peer)", async () => {
    const port = await closedPort();
    const check = createWhatsAppPhoneNumberCheck({
      accessToken: PEER_ACCESS_TOKEN,
      phoneNumberId: PEER_PHONE_NUMBER_ID,
      baseUrl: `http://127.0.0.1:${port}`,
    });
    expect((await run(check)).state).toBe("unreachable");
  });
});

describe("ElevenLabs user", () => {
  test("a good key works, a wrong one is refused naming ELEVENLABS_API_KEY (loopback elevenlabs peer)", async () => {
    const peer = startElevenLabsPeer({ apiKey: "xi-right" });
    stops.push(peer.close);
    expect(await run(createElevenLabsUserCheck({ apiKey: "xi-right", baseUrl: peer.baseUrl }))).toEqual({
      state: "working",
    });
    expect(peer.requests.at(-1)).toMatchObject({ path: "/v1/user", apiKey: "xi-right" });
    expect(await run(createElevenLabsUserCheck({ apiKey: "xi-wrong", baseUrl: peer.baseUrl }))).toMatchObject({
      state: "refused",
      variable: "ELEVENLABS_API_KEY",
    });
  });

  test("a closed port is unreachable (loopback elevenlabs peer)", async () => {
    const port = await closedPort();
    const outcome = await run(createElevenLabsUserCheck({ apiKey: "xi-right", baseUrl: `http://127.0.0.1:${port}` }));
    expect(outcome.state).toBe("unreachable");
  });
});

describe("S3 HeadBucket", () => {
  const s3rverKeys = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };
  test("the bucket is there; a key it does not know is refused; a missing bucket names AWS_S3_BUCKET (loopback S3 server)", async () => {
    const s3 = await startS3Server();
    stops.push(s3.stop);
    const check = (bucket: string, keys = s3rverKeys) =>
      createS3BucketCheck({ bucket, region: "eu-west-2", ...keys, endpoint: s3.endpoint });
    expect(await run(check(s3.bucket))).toEqual({ state: "working" });
    // s3rver knows one access key id (it checks the id, not the signature).
    expect(await run(check(s3.bucket, { accessKeyId: "AKIAWRONG", secretAccessKey: "wrong" }))).toMatchObject({
      state: "refused",
      variable: "AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY",
    });
    expect(await run(check("no-such-bucket"))).toMatchObject({ state: "refused", variable: "AWS_S3_BUCKET" });
  });

  test("a closed port is unreachable (loopback S3 server)", async () => {
    const port = await closedPort();
    const check = createS3BucketCheck({
      bucket: "b",
      region: "eu-west-2",
      ...s3rverKeys,
      endpoint: `http://127.0.0.1:${port}`,
    });
    expect((await run(check)).state).toBe("unreachable");
  });
});
