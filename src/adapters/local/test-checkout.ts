import { and, eq, gt } from "drizzle-orm";
import Stripe from "stripe";
import type { Database } from "../db/database-handle.ts";
import { testCheckoutSessions } from "../db/schema.ts";
import type { Checkout, CheckoutRequest, CheckoutSession } from "../../ports/payments.ts";

type Row = typeof testCheckoutSessions.$inferSelect;

/** A signed delivery, as Stripe would POST it to the webhook: the raw body and its Stripe-Signature header. */
export interface SignedDelivery {
  eventId: string;
  type: string;
  payload: string;
  signature: string;
}

export interface TestCheckout extends Checkout {
  /** The session as its page shows it, with the request it was made from. */
  session(id: string): Promise<(CheckoutSession & { request: CheckoutRequest }) | null>;
  /**
   * The customer pressed "Pay (test)": the session completes (no card, no money) and the
   * events Stripe would send come back signed with the local webhook secret, for the app's
   * own webhook handler. Paying again returns the same events (same ids), so a double click
   * settles once. Refused when the session is expired or unknown.
   */
  pay(id: string): Promise<{ ok: true; deliveries: SignedDelivery[] } | { ok: false; message: string }>;
  /** Re-signs the events of a completed session (for a delivery retried later). */
  deliveries(id: string): Promise<SignedDelivery[]>;
}

const random = (bytes: number) =>
  Buffer.from(crypto.getRandomValues(new Uint8Array(bytes)))
    .toString("base64url")
    .replace(/[-_]/g, "x");

const toSession = (row: Row, baseUrl: string): CheckoutSession & { request: CheckoutRequest } => {
  const request = row.request as unknown as CheckoutRequest & { expiresAt: string };
  return {
    id: row.id,
    url: `${baseUrl}/checkout/test/${row.id}`,
    status: row.status as CheckoutSession["status"],
    paymentStatus: row.paymentStatus as CheckoutSession["paymentStatus"],
    amountTotalPence: row.amountTotalPence,
    currency: row.currency,
    expiresAt: row.expiresAt,
    metadata: { payment_id: request.paymentId, quote_id: request.quoteId, kind: request.kind },
    request: { ...request, expiresAt: new Date(request.expiresAt) },
  };
};

/**
 * The embedded default for payments when no Stripe keys are set: a checkout page in the app,
 * plainly labelled "test payment, no card is charged". Its sessions live in the database and
 * look like Stripe's; paying one produces checkout.session.completed and
 * payment_intent.succeeded events shaped like Stripe's and signed like Stripe's (with the
 * SDK's generateTestHeaderStringAsync and a secret made locally), so the very same webhook
 * handler and signature check settle them.
 */
export function createTestCheckout(deps: {
  db: Database;
  webhookSecret: string;
  baseUrl: () => string;
  now: () => Date;
}): TestCheckout {
  const { db } = deps;

  async function sign(row: Row): Promise<SignedDelivery[]> {
    const s = toSession(row, deps.baseUrl());
    const created = Math.floor(deps.now().getTime() / 1000);
    const metadata = s.metadata;
    const session = {
      id: s.id,
      object: "checkout.session",
      mode: "payment",
      status: "complete",
      payment_status: "paid",
      amount_total: s.amountTotalPence,
      amount_subtotal: s.amountTotalPence,
      currency: s.currency,
      client_reference_id: s.request.quoteId,
      payment_intent: row.paymentIntentId,
      metadata,
      expires_at: Math.floor(s.expiresAt.getTime() / 1000),
      livemode: false,
      url: null,
    };
    const intent = {
      id: row.paymentIntentId,
      object: "payment_intent",
      amount: s.amountTotalPence,
      amount_received: s.amountTotalPence,
      currency: s.currency,
      status: "succeeded",
      metadata,
      livemode: false,
    };
    const events = [
      { id: `evt_local_${row.id.slice(-20)}_cs`, type: "checkout.session.completed", object: session },
      { id: `evt_local_${row.id.slice(-20)}_pi`, type: "payment_intent.succeeded", object: intent },
    ];
    return Promise.all(
      events.map(async (e) => {
        const payload = JSON.stringify(
          {
            id: e.id,
            object: "event",
            api_version: Stripe.API_VERSION,
            created,
            livemode: false,
            type: e.type,
            data: { object: e.object },
            pending_webhooks: 1,
            request: { id: null, idempotency_key: null },
          },
          null,
          2,
        );
        const signature = await Stripe.webhooks.generateTestHeaderStringAsync({
          payload,
          secret: deps.webhookSecret,
          timestamp: created,
        });
        return { eventId: e.id, type: e.type, payload, signature };
      }),
    );
  }

  return {
    provider: "test",

    async createSession(request) {
      const id = `cs_test_local_${random(24)}`;
      const [row] = await db
        .insert(testCheckoutSessions)
        .values({
          id,
          idempotencyKey: request.idempotencyKey,
          request: { ...request, expiresAt: request.expiresAt.toISOString() } as unknown as Record<string, unknown>,
          amountTotalPence: request.items.reduce((sum, item) => sum + item.amountPence, 0),
          currency: request.currency,
          expiresAt: request.expiresAt,
        })
        .onConflictDoNothing({ target: testCheckoutSessions.idempotencyKey })
        .returning();
      // The same idempotency key gives the first session back, as Stripe does.
      const found =
        row ??
        (
          await db
            .select()
            .from(testCheckoutSessions)
            .where(eq(testCheckoutSessions.idempotencyKey, request.idempotencyKey))
        )[0]!;
      return toSession(found, deps.baseUrl());
    },

    async retrieveSession(id) {
      const [row] = await db.select().from(testCheckoutSessions).where(eq(testCheckoutSessions.id, id));
      if (!row) return null;
      const session = toSession(row, deps.baseUrl());
      const { request: _request, ...rest } = session;
      return row.status === "open" && row.expiresAt <= deps.now() ? { ...rest, status: "expired" } : rest;
    },

    async session(id) {
      const [row] = await db.select().from(testCheckoutSessions).where(eq(testCheckoutSessions.id, id));
      return row ? toSession(row, deps.baseUrl()) : null;
    },

    async pay(id) {
      const now = deps.now();
      const [completed] = await db
        .update(testCheckoutSessions)
        .set({ status: "complete", paymentStatus: "paid", paymentIntentId: `pi_test_local_${random(18)}` })
        .where(
          and(
            eq(testCheckoutSessions.id, id),
            eq(testCheckoutSessions.status, "open"),
            gt(testCheckoutSessions.expiresAt, now),
          ),
        )
        .returning();
      if (completed) return { ok: true, deliveries: await sign(completed) };
      const [row] = await db.select().from(testCheckoutSessions).where(eq(testCheckoutSessions.id, id));
      if (!row) return { ok: false, message: "There is no such test checkout." };
      if (row.status === "complete") return { ok: true, deliveries: await sign(row) };
      return { ok: false, message: "This checkout has expired. Go back to the quote and start again." };
    },

    async deliveries(id) {
      const [row] = await db.select().from(testCheckoutSessions).where(eq(testCheckoutSessions.id, id));
      return row && row.status === "complete" ? sign(row) : [];
    },
  };
}
