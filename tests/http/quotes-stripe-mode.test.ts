/**
 * The app with Stripe keys: "accept" creates a Stripe Checkout session (through the official
 * SDK, against a loopback peer speaking Stripe's API) and sends the customer to Stripe's page;
 * the webhook, signed with STRIPE_WEBHOOK_SECRET, settles it.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { OpenDatabase } from "../../src/adapters/db/database.ts";
import { createStripeCheckout, createStripeClient } from "../../src/adapters/stripe/stripe-checkout.ts";
import { createStripeWebhooks } from "../../src/adapters/stripe/stripe-webhooks.ts";
import type { E164 } from "../../src/domain/phone.ts";
import { quoteTotals, type QuoteLine } from "../../src/domain/quotes.ts";
import { startStripePeer, type StripePeer } from "../support/stripe-peer.ts";
import { signed, stripeEvents } from "../support/stripe-events.ts";
import { buildTestApp, ORIGIN, testBrowser } from "../support/test-app.ts";
import { quoteTaskRunner } from "../support/quotes-world.ts";
import { freshPglite } from "../support/test-db.ts";

const API_KEY = "sk_test_mode_0123456789";
const WEBHOOK_SECRET = "whsec_stripe_mode_secret";
let repos: OpenDatabase;
let peer: StripePeer;
let world: ReturnType<typeof buildTestApp>;

beforeAll(async () => {
  repos = await freshPglite();
  peer = startStripePeer({ apiKey: API_KEY, now: () => new Date("2026-11-27T10:00:00Z") });
  const base = buildTestApp(repos);
  world = buildTestApp(repos, {
    quotesToCash: {
      ...base.deps.quotesToCash,
      checkout: createStripeCheckout(
        createStripeClient(API_KEY, { host: "127.0.0.1", port: peer.port, protocol: "http" }),
      ),
      testCheckout: null,
      webhooks: createStripeWebhooks({ secret: WEBHOOK_SECRET, now: base.clock.now }),
    },
  });
}, 30_000);
afterAll(async () => {
  await peer?.stop();
  await repos?.close();
});

const LINES: QuoteLine[] = [
  { kind: "labour", description: "Unblock drain", quantity: 2, unitPricePence: 4_500, vatRatePercent: 20 },
  { kind: "call_out", description: "Call-out", quantity: 1, unitPricePence: 3_000, vatRatePercent: 20 },
];

describe("quotes on Stripe", () => {
  test("accept goes to Stripe Checkout with the quote's lines; the signed webhook settles it", async () => {
    const lead = await repos.leads.create({
      name: "Ada",
      organisation: null,
      phone: "+447700900777" as E164,
      email: "ada@example.co.uk",
      address: null,
      postcode: null,
      segment: "homeowner",
      source: "manual",
      notes: null,
    });
    const issue = await repos.issues.create({
      leadId: lead.id,
      title: "Drain",
      description: null,
      category: "drainage",
      urgency: "urgent",
      address: null,
      postcode: null,
      accessNotes: null,
    });
    const quote = await repos.quotes.createDraft({
      issueId: issue.id,
      lines: LINES,
      totals: quoteTotals(LINES),
      discountPence: 0,
      deposit: null,
      validUntil: null,
      terms: null,
    });
    await repos.quotes.markSent(quote.id, world.clock.now());

    const customer = testBrowser(world.app);
    const accepted = await customer.post("/api/stripe/create-checkout", { token: quote.token, pay: "full" });
    expect(accepted.status).toBe(303);
    expect(accepted.headers.get("Location")).toMatch(/^https:\/\/checkout\.stripe\.com\/c\/pay\/cs_test_/);
    const request = peer.requests.at(-1)!;
    expect(request.body).toMatchObject({ customer_email: "ada@example.co.uk", client_reference_id: quote.id });
    expect(
      (request.body.line_items as { price_data: { unit_amount: string; product_data: { name: string } } }[]).map(
        (i) => [i.price_data.product_data.name, i.price_data.unit_amount],
      ),
    ).toEqual([
      ["Unblock drain", "10800"],
      ["Call-out", "3600"],
    ]);
    const payment = (await repos.payments.forQuote(quote.id))[0]!;
    expect(request.headers["idempotency-key"]).toBe(`checkout:${payment.id}`);

    // Accepting again while that checkout is open sends the customer back to the same page.
    const again = await customer.post("/api/stripe/create-checkout", { token: quote.token, pay: "full" });
    expect(again.headers.get("Location")).toBe(accepted.headers.get("Location"));
    expect(await repos.payments.forQuote(quote.id)).toHaveLength(1);

    const session = (await (
      await world.app.request(`${ORIGIN}/api/stripe/session/${payment.checkoutSessionId}`)
    ).json()) as { provider: string; status: string; amountTotal: number };
    expect(session).toMatchObject({ provider: "stripe", status: "open", amountTotal: 14_400 });

    const event = stripeEvents.checkoutCompleted({
      paymentId: payment.id,
      quoteId: quote.id,
      sessionId: payment.checkoutSessionId!,
      paymentIntentId: "pi_live_1",
      amountPence: 14_400,
    });
    const { body, signature } = await signed(event, WEBHOOK_SECRET, world.clock.now());
    const settled = await world.app.request(`${ORIGIN}/api/stripe/webhook`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "Stripe-Signature": signature },
      body,
    });
    expect(settled.status).toBe(200);
    await quoteTaskRunner(world).runDue();
    expect((await repos.quotes.byId(quote.id))!.status).toBe("paid");
    expect(await repos.invoices.forQuote(quote.id)).toHaveLength(1);

    // The embedded test checkout is not there on Stripe.
    expect((await customer.request("/checkout/test/cs_test_local_anything")).status).toBe(404);
  });
});
