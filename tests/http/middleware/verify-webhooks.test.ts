import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import twilio from "twilio";
import type { OpenDatabase } from "../../../src/adapters/db/database.ts";
import { rowsOf } from "../../../src/adapters/db/messages-repository.ts";
import { META_MAX_BODY_BYTES } from "../../../src/http/middleware/verify-meta.ts";
import { STRIPE_MAX_BODY_BYTES } from "../../../src/http/middleware/verify-stripe.ts";
import { TWILIO_MAX_BODY_BYTES } from "../../../src/http/middleware/verify-twilio.ts";
import { TEST_WHATSAPP_APP_SECRET } from "../../support/messaging-world.ts";
import { signedDelivery, textMessage } from "../../support/meta-peer.ts";
import { TEST_STRIPE_WEBHOOK_SECRET } from "../../support/quotes-world.ts";
import { signed, stripeEvents } from "../../support/stripe-events.ts";
import { buildTestApp, ORIGIN, TEST_TWILIO_TOKEN } from "../../support/test-app.ts";
import { freshPglite } from "../../support/test-db.ts";

let repos: OpenDatabase;
let world: ReturnType<typeof buildTestApp>;

beforeAll(async () => {
  repos = await freshPglite();
  world = buildTestApp(repos);
}, 30_000);
afterAll(async () => repos?.close());

const count = async (table: string) =>
  rowsOf<{ n: number }>(await repos.db.execute(sql.raw(`select count(*)::int as n from ${table}`)))[0]!.n;

/** A body sent in chunks with no Content-Length, as a client streaming it would. */
const streamed = (text: string) => {
  const bytes = new TextEncoder().encode(text);
  return new ReadableStream<Uint8Array>({
    start(controller) {
      for (let at = 0; at < bytes.length; at += 16 * 1024) controller.enqueue(bytes.slice(at, at + 16 * 1024));
      controller.close();
    },
  });
};

const smsParams = (sid: string, body: string) => ({
  MessageSid: sid,
  AccountSid: "AC123",
  From: "+447700900555",
  To: "+442079460000",
  Body: body,
  NumMedia: "0",
});

function twilioSms(params: Record<string, string>, options: { streamed?: boolean; signature?: string } = {}) {
  const url = `${ORIGIN}/api/twilio/sms`;
  const body = new URLSearchParams(params).toString();
  return world.app.request(url, {
    method: "POST",
    headers: {
      "Content-Type": "application/x-www-form-urlencoded",
      "X-Twilio-Signature": options.signature ?? twilio.getExpectedTwilioSignature(TEST_TWILIO_TOKEN, url, params),
    },
    body: options.streamed ? streamed(body) : body,
  });
}

describe("verifyTwilio", () => {
  test("the longest SMS Twilio delivers (1,600 four-byte characters) is still accepted", async () => {
    const response = await twilioSms(smsParams("SM00000000000000000000000000000001", "🔧".repeat(1_600)));
    expect(response.status).toBe(200);
  });

  test("a correctly signed body over the limit is refused 413 with a reason, and nothing is stored", async () => {
    const before = await count("messages");
    const response = await twilioSms(
      smsParams("SM00000000000000000000000000000002", "x".repeat(TWILIO_MAX_BODY_BYTES)),
    );
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ error: "The body is too large to be a Twilio webhook." });
    expect(await count("messages")).toBe(before);
  });

  test("a streamed body with no Content-Length is cut off at the limit, before the signature is looked at", async () => {
    const response = await twilioSms(
      smsParams("SM00000000000000000000000000000003", "x".repeat(TWILIO_MAX_BODY_BYTES)),
      { streamed: true, signature: "not-a-signature" },
    );
    expect(response.status).toBe(413);
  });
});

describe("verifyMeta", () => {
  test("a delivery over 1 MB is refused 413 before its signature is checked, streamed or declared", async () => {
    const padded = {
      ...textMessage({ waId: "447700900555", name: "Big" }, "wamid.big", "hello"),
      padding: "x".repeat(META_MAX_BODY_BYTES),
    };
    const { body, headers } = signedDelivery(padded, "the wrong secret");
    const streamedResponse = await world.app.request(`${ORIGIN}/api/whatsapp/webhook`, {
      method: "POST",
      headers,
      body: streamed(body),
    });
    expect(streamedResponse.status).toBe(413);
    expect(await streamedResponse.json()).toEqual({ error: "The body is too large to be a WhatsApp delivery." });
    const declared = await world.app.request(`${ORIGIN}/api/whatsapp/webhook`, {
      method: "POST",
      headers: { ...headers, "Content-Length": String(body.length) },
      body: "{}",
    });
    expect(declared.status).toBe(413);
    expect(await count("webhook_deliveries")).toBe(0);
  });

  test("a correctly signed delivery under the limit is recorded", async () => {
    const { body, headers } = signedDelivery(
      textMessage({ waId: "447700900555", name: "Small" }, "wamid.small", "hello"),
      TEST_WHATSAPP_APP_SECRET,
    );
    const response = await world.app.request(`${ORIGIN}/api/whatsapp/webhook`, { method: "POST", headers, body });
    expect(response.status).toBe(200);
    expect(await count("webhook_deliveries")).toBe(1);
  });
});

describe("verifyStripe", () => {
  const refs = {
    paymentId: crypto.randomUUID(),
    quoteId: crypto.randomUUID(),
    sessionId: "cs_test_verify000001",
    paymentIntentId: "pi_verify0001",
    amountPence: 12_000,
  };

  test("a correctly signed event over 1 MB is refused 413, and nothing is queued", async () => {
    const event = { ...stripeEvents.checkoutCompleted(refs), padding: "x".repeat(STRIPE_MAX_BODY_BYTES) };
    const { body, signature } = await signed(event, TEST_STRIPE_WEBHOOK_SECRET, world.clock.now());
    const before = await count("jobs");
    const response = await world.app.request(`${ORIGIN}/api/stripe/webhook`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "Stripe-Signature": signature },
      body,
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ error: "The body is too large to be a Stripe event." });
    expect(await count("jobs")).toBe(before);
  });

  test("a correctly signed event under the limit reaches the route, which records it", async () => {
    const { body, signature } = await signed(
      stripeEvents.checkoutCompleted(refs),
      TEST_STRIPE_WEBHOOK_SECRET,
      world.clock.now(),
    );
    const response = await world.app.request(`${ORIGIN}/api/stripe/webhook`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "Stripe-Signature": signature },
      body,
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ received: true, outcome: "queued" });
  });
});
