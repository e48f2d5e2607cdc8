import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import Stripe from "stripe";
import { createStripeCheckout, createStripeClient } from "../../../src/adapters/stripe/stripe-checkout.ts";
import { createStripeWebhooks } from "../../../src/adapters/stripe/stripe-webhooks.ts";
import type { CheckoutRequest } from "../../../src/ports/payments.ts";
import { startStripePeer, type StripePeer } from "../../support/stripe-peer.ts";
import { signed, stripeEvents } from "../../support/stripe-events.ts";

const API_KEY = "sk_test_peer_0123456789";
let peer: StripePeer;
let checkout: ReturnType<typeof createStripeCheckout>;

beforeAll(() => {
  peer = startStripePeer({ apiKey: API_KEY });
  checkout = createStripeCheckout(
    createStripeClient(API_KEY, { host: "127.0.0.1", port: peer.port, protocol: "http" }),
  );
});
afterAll(async () => peer?.stop());

const aRequest = (over: Partial<CheckoutRequest> = {}): CheckoutRequest => ({
  paymentId: crypto.randomUUID(),
  quoteId: crypto.randomUUID(),
  kind: "deposit",
  amountPence: 4_965,
  currency: "gbp",
  items: [
    { name: "Deposit, quote version 1", description: "Deposit towards £198.60 (VAT included)", amountPence: 4_965 },
  ],
  customerEmail: "sarah@example.co.uk",
  successUrl: "https://switchboard.example/q/abc/paid?session_id={CHECKOUT_SESSION_ID}",
  cancelUrl: "https://switchboard.example/q/abc",
  expiresAt: new Date(Date.now() + 60 * 60_000),
  idempotencyKey: `checkout:${crypto.randomUUID()}`,
  ...over,
});

describe("Stripe Checkout adapter against a loopback Stripe", () => {
  test("creates a session: GBP line items in pence, our ids in the session's and the payment intent's metadata, an idempotency key", async () => {
    const request = aRequest();
    const session = await checkout.createSession(request);
    expect(session).toMatchObject({
      status: "open",
      paymentStatus: "unpaid",
      amountTotalPence: 4_965,
      currency: "gbp",
    });
    expect(session.id).toMatch(/^cs_test_/);
    expect(session.url).toBe(`https://checkout.stripe.com/c/pay/${session.id}`);
    expect(session.metadata).toEqual({ payment_id: request.paymentId, quote_id: request.quoteId, kind: "deposit" });

    const sent = peer.requests.at(-1)!;
    expect(sent.method).toBe("POST");
    expect(sent.path).toBe("/v1/checkout/sessions");
    expect(sent.headers["idempotency-key"]).toBe(request.idempotencyKey);
    expect(sent.headers["stripe-version"]).toBe(Stripe.API_VERSION);
    expect(sent.body).toMatchObject({
      mode: "payment",
      client_reference_id: request.quoteId,
      customer_email: "sarah@example.co.uk",
      success_url: request.successUrl,
      cancel_url: request.cancelUrl,
      expires_at: String(Math.floor(request.expiresAt.getTime() / 1000)),
      line_items: [
        {
          quantity: "1",
          price_data: {
            currency: "gbp",
            unit_amount: "4965",
            product_data: { name: "Deposit, quote version 1", description: "Deposit towards £198.60 (VAT included)" },
          },
        },
      ],
      metadata: { payment_id: request.paymentId, quote_id: request.quoteId, kind: "deposit" },
      payment_intent_data: { metadata: { payment_id: request.paymentId, quote_id: request.quoteId, kind: "deposit" } },
    });
  });

  test("the same idempotency key gives the same session back", async () => {
    const request = aRequest();
    const first = await checkout.createSession(request);
    const again = await checkout.createSession(request);
    expect(again.id).toBe(first.id);
    expect(peer.sessions.size).toBeGreaterThanOrEqual(1);
  });

  test("a failure on Stripe's side is retried with the same idempotency key", async () => {
    const request = aRequest();
    const before = peer.requests.length;
    peer.failNext(1);
    const session = await checkout.createSession(request);
    const attempts = peer.requests.slice(before);
    expect(attempts).toHaveLength(2);
    expect(new Set(attempts.map((a) => a.headers["idempotency-key"]))).toEqual(new Set([request.idempotencyKey]));
    expect(session.id).toMatch(/^cs_test_/);
  }, 20_000);

  test("a refused request fails with Stripe's name and reason", async () => {
    const tooSoon = aRequest({ expiresAt: new Date(Date.now() + 5 * 60_000) });
    await expect(checkout.createSession(tooSoon)).rejects.toThrow(
      /^Stripe: creating a Checkout session failed: The `expires_at` timestamp must be between 30 minutes and 24 hours/,
    );
  });

  test("retrieves a session, and null for one Stripe does not have", async () => {
    const created = await checkout.createSession(aRequest());
    const found = await checkout.retrieveSession(created.id);
    expect(found).toMatchObject({ id: created.id, status: "open", amountTotalPence: 4_965 });
    expect(peer.requests.at(-1)).toMatchObject({ method: "GET", path: `/v1/checkout/sessions/${created.id}` });
    expect(await checkout.retrieveSession("cs_test_missing")).toBeNull();
  });

  test("a wrong key is an error naming Stripe", async () => {
    const wrong = createStripeCheckout(
      createStripeClient("sk_test_wrong", { host: "127.0.0.1", port: peer.port, protocol: "http" }),
    );
    await expect(wrong.retrieveSession("cs_test_x")).rejects.toThrow(
      /^Stripe: retrieving Checkout session cs_test_x failed: Invalid API Key/,
    );
  });
});

describe("Stripe webhook verifier", () => {
  const secret = "whsec_verifier_test";
  const at = new Date("2026-11-27T10:00:00Z");
  const webhooks = createStripeWebhooks({ secret, now: () => at });
  const refs = {
    paymentId: "7d0c3c3e-9a8e-4a51-9a4e-0d6d2f1c1a11",
    quoteId: "q",
    sessionId: "cs_test_1",
    paymentIntentId: "pi_1",
    amountPence: 100,
  };

  test("translates each handled event type", async () => {
    const cases = [
      [stripeEvents.checkoutCompleted(refs), "paid", "cs_test_1"],
      [stripeEvents.checkoutCompleted(refs, "unpaid"), "processing", "cs_test_1"],
      [stripeEvents.asyncSucceeded(refs), "paid", "cs_test_1"],
      [stripeEvents.asyncFailed(refs), "failed", "cs_test_1"],
      [stripeEvents.paymentIntentSucceeded(refs), "paid", null],
      [stripeEvents.invoicePaid(refs), "paid", null],
    ] as const;
    for (const [event, outcome, sessionId] of cases) {
      const { body, signature } = await signed(event, secret, at);
      const result = await webhooks.verify(body, signature);
      if (!result.ok) throw new Error(result.message);
      expect(result.value).toMatchObject({
        provider: "stripe",
        eventId: event.id,
        type: event.type,
        ref: { paymentId: refs.paymentId, checkoutSessionId: sessionId },
        report: { outcome, amountPence: 100, currency: "gbp" },
      });
    }
  });

  test("other types have nothing to settle", async () => {
    const { body, signature } = await signed(stripeEvents.other("customer.created"), secret, at);
    const result = await webhooks.verify(body, signature);
    expect(result.ok && result.value.ref).toBeNull();
  });

  test("refuses a missing header, a stale signature and a body that is not an event", async () => {
    const { body } = await signed(stripeEvents.checkoutCompleted(refs), secret, at);
    expect(await webhooks.verify(body, undefined)).toMatchObject({ ok: false, reason: "bad_signature" });
    const stale = await signed(stripeEvents.checkoutCompleted(refs), secret, new Date(at.getTime() - 301_000));
    expect(await webhooks.verify(stale.body, stale.signature)).toMatchObject({
      ok: false,
      reason: "bad_signature",
      message: expect.stringContaining("tolerance"),
    });
    const notJson = "not json";
    const header = await Stripe.webhooks.generateTestHeaderStringAsync({
      payload: notJson,
      secret,
      timestamp: Math.floor(at.getTime() / 1000),
    });
    expect(await webhooks.verify(notJson, header)).toMatchObject({ ok: false, reason: "bad_payload" });
  });
});
