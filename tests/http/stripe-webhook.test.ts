import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import type { OpenDatabase } from "../../src/adapters/db/database.ts";
import { startCheckout } from "../../src/domain/payments/quote-flow.ts";
import type { E164 } from "../../src/domain/phone.ts";
import { quoteTotals, type QuoteLine } from "../../src/domain/quotes.ts";
import { flowDeps } from "../../src/http/routes/quotes-support.ts";
import { quoteTaskRunner, TEST_STRIPE_WEBHOOK_SECRET } from "../support/quotes-world.ts";
import { signed, stripeEvents, type PaymentRefs } from "../support/stripe-events.ts";
import { aStaffUser, buildTestApp, ORIGIN, testBrowser } from "../support/test-app.ts";
import { freshPglite } from "../support/test-db.ts";

let repos: OpenDatabase;
let world: ReturnType<typeof buildTestApp>;
let leadId = "";
let jobs: ReturnType<typeof quoteTaskRunner>;

beforeAll(async () => {
  repos = await freshPglite();
  world = buildTestApp(repos);
  jobs = quoteTaskRunner(world);
  const lead = await repos.leads.create({
    name: "Ola Nowak",
    organisation: null,
    phone: "+447700900222" as E164,
    email: null,
    address: null,
    postcode: null,
    segment: "landlord",
    source: "manual",
    notes: null,
  });
  leadId = lead.id;
}, 30_000);
afterAll(async () => {
  await jobs?.stop();
  await repos?.close();
});

const LINES: QuoteLine[] = [
  { kind: "labour", description: "Fix leak", quantity: 2, unitPricePence: 5_000, vatRatePercent: 20 },
];

/** A sent quote with a checkout started for it (on the test checkout): the payment's ids, as Stripe's events would carry them. */
async function aPendingPayment(): Promise<PaymentRefs> {
  const issue = await repos.issues.create({
    leadId,
    title: "Leak",
    description: null,
    category: "plumbing",
    urgency: "routine",
    address: null,
    postcode: null,
    accessNotes: null,
  });
  const draft = await repos.quotes.createDraft({
    issueId: issue.id,
    lines: LINES,
    totals: quoteTotals(LINES),
    discountPence: 0,
    deposit: null,
    validUntil: null,
    terms: null,
  });
  await repos.quotes.markSent(draft.id, world.clock.now());
  const started = await startCheckout(flowDeps(world.deps), draft.token, "full");
  if (!started.ok) throw new Error(started.message);
  return {
    paymentId: started.value.payment.id,
    quoteId: draft.id,
    sessionId: started.value.sessionId,
    paymentIntentId: `pi_${crypto.randomUUID().slice(0, 8)}`,
    amountPence: 12_000,
  };
}

/** POSTs a signed delivery, then runs the jobs it queued (as the server's runner does when poked). */
async function deliver(
  event: object,
  options: {
    secret?: string;
    at?: Date;
    tamper?: (body: string) => string;
    noSignature?: boolean;
    settle?: boolean;
  } = {},
) {
  const { body, signature } = await signed(
    event,
    options.secret ?? TEST_STRIPE_WEBHOOK_SECRET,
    options.at ?? world.clock.now(),
  );
  const headers: Record<string, string> = { "Content-Type": "application/json" };
  if (!options.noSignature) headers["Stripe-Signature"] = signature;
  const response = await world.app.request(`${ORIGIN}/api/stripe/webhook`, {
    method: "POST",
    headers,
    body: options.tamper ? options.tamper(body) : body,
  });
  if (options.settle !== false) await jobs.runDue();
  return response;
}

const count = async (table: string, where = "true") =>
  Number(
    (
      (await repos.db.execute(sql.raw(`select count(*)::int as n from ${table} where ${where}`))) as unknown as {
        rows: { n: number }[];
      }
    ).rows[0]!.n,
  );

describe("Stripe webhook: signatures", () => {
  test("unsigned, tampered, stale (over 5 minutes) or wrongly signed deliveries get 400 and change nothing", async () => {
    const refs = await aPendingPayment();
    const event = stripeEvents.checkoutCompleted(refs);
    const before = await count("processed_webhook_events");
    const jobsBefore = await count("jobs", "kind = 'settle-payment-event'");
    const sixMinutesAgo = new Date(world.clock.now().getTime() - 6 * 60_000);
    const responses = await Promise.all([
      deliver(event, { noSignature: true }),
      deliver(event, { tamper: (body) => body.replace('"amount_total":12000', '"amount_total":1') }),
      deliver(event, { at: sixMinutesAgo }),
      deliver(event, { secret: "whsec_somebody_else" }),
    ]);
    for (const response of responses) {
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: string }).error).toBeTruthy();
    }
    expect(await count("processed_webhook_events")).toBe(before);
    expect(await count("jobs", "kind = 'settle-payment-event'")).toBe(jobsBefore);
    expect((await repos.payments.byId(refs.paymentId))!.status).toBe("pending");
    // A delivery 4 minutes old is still inside the window.
    const fresh = await deliver(event, { at: new Date(world.clock.now().getTime() - 4 * 60_000) });
    expect(fresh.status).toBe(200);
  });
});

describe("Stripe webhook: acknowledged at once, settled by a durable job", () => {
  test("a good delivery is recorded and acknowledged before it is settled; the job settles it", async () => {
    const refs = await aPendingPayment();
    const event = stripeEvents.checkoutCompleted(refs);
    const response = await deliver(event, { settle: false });
    expect(await response.json()).toEqual({ received: true, outcome: "queued" });
    expect((await repos.payments.byId(refs.paymentId))!.status).toBe("pending");
    await jobs.runDue();
    expect((await repos.payments.byId(refs.paymentId))!.status).toBe("paid");
    expect(await count("invoices", `quote_id = '${refs.quoteId}'`)).toBe(1);
  });
});

describe("Stripe webhook: idempotent and order-proof", () => {
  test("the same event delivered five times leaves one payment and one invoice", async () => {
    const refs = await aPendingPayment();
    const event = stripeEvents.checkoutCompleted(refs);
    for (let i = 0; i < 5; i++) {
      const response = await deliver(event);
      expect(response.status).toBe(200);
      expect(((await response.json()) as { outcome: string }).outcome).toBe(i === 0 ? "queued" : "duplicate");
    }
    expect(await count("payments", `quote_id = '${refs.quoteId}' and status = 'paid'`)).toBe(1);
    expect(await count("invoices", `quote_id = '${refs.quoteId}'`)).toBe(1);
    expect((await repos.quotes.byId(refs.quoteId))!.status).toBe("paid");
  });

  test("five different events for one payment, in reverse order, leave one payment and one invoice", async () => {
    const refs = await aPendingPayment();
    const inOrder = [
      stripeEvents.checkoutCompleted(refs, "unpaid"),
      stripeEvents.asyncSucceeded(refs),
      stripeEvents.paymentIntentSucceeded(refs),
      stripeEvents.invoicePaid(refs),
      stripeEvents.checkoutCompleted(refs, "paid"),
    ];
    for (const event of inOrder.reverse()) expect((await deliver(event)).status).toBe(200);
    expect(await count("payments", `quote_id = '${refs.quoteId}'`)).toBe(1);
    expect(await count("payments", `quote_id = '${refs.quoteId}' and status = 'paid'`)).toBe(1);
    expect(await count("invoices", `quote_id = '${refs.quoteId}'`)).toBe(1);
    expect((await repos.payments.byId(refs.paymentId))!.paymentIntentId).toBe(refs.paymentIntentId);
  });

  test("a failure reported after the payment does not undo it; a processing session waits for its async result", async () => {
    const refs = await aPendingPayment();
    await deliver(stripeEvents.checkoutCompleted(refs, "unpaid"));
    expect((await repos.payments.byId(refs.paymentId))!.status).toBe("processing");
    expect((await repos.quotes.byId(refs.quoteId))!.status).toBe("accepted");
    await deliver(stripeEvents.paymentIntentSucceeded(refs));
    await deliver(stripeEvents.asyncFailed(refs));
    expect((await repos.payments.byId(refs.paymentId))!.status).toBe("paid");
    expect(await count("invoices", `quote_id = '${refs.quoteId}'`)).toBe(1);
  });

  test("unknown event types are acknowledged and ignored", async () => {
    const before = await count("invoices");
    const response = await deliver(stripeEvents.other("charge.refund.updated"));
    expect(response.status).toBe(200);
    expect(((await response.json()) as { outcome: string }).outcome).toBe("ignored");
    expect(await count("invoices")).toBe(before);
  });

  test("an event for a payment we never made is acknowledged and changes nothing", async () => {
    const refs = await aPendingPayment();
    const event = stripeEvents.checkoutCompleted({
      ...refs,
      paymentId: "00000000-0000-4000-8000-000000000000",
      sessionId: "cs_test_not_ours",
    });
    const response = await deliver(event);
    expect(response.status).toBe(200);
    expect((await repos.payments.byId(refs.paymentId))!.status).toBe("pending");
    // Recorded as handled, so a replay does nothing either.
    expect(await count("processed_webhook_events", `event_id = '${event.id}'`)).toBe(1);
    const job = await repos.tasks.byKey("settle-payment-event", `stripe:${event.id}`);
    expect(job?.doneAt).not.toBeNull();
  });
});

describe("Stripe webhook: amounts", () => {
  test("an amount that does not match the quote is flagged for staff, not marked paid", async () => {
    const refs = await aPendingPayment();
    const response = await deliver(stripeEvents.checkoutCompleted({ ...refs, amountPence: 1_200 }));
    expect(response.status).toBe(200);
    const payment = (await repos.payments.byId(refs.paymentId))!;
    expect(payment.status).toBe("mismatch");
    expect(payment.flag).toContain("£12.00");
    expect((await repos.quotes.byId(refs.quoteId))!.status).toBe("accepted");
    expect(await count("invoices", `quote_id = '${refs.quoteId}'`)).toBe(0);
    // A later event with the right amount does not clear the flag: staff decide.
    await deliver(stripeEvents.paymentIntentSucceeded(refs));
    expect((await repos.payments.byId(refs.paymentId))!.status).toBe("mismatch");
    // Flagged once, in the audit trail, with the reason staff see.
    const flagged = await repos.audit.forEntity("payment", refs.paymentId);
    expect(flagged).toHaveLength(1);
    expect(flagged[0]).toMatchObject({ who: "stripe", what: "payment flagged for staff" });
    expect(String(flagged[0]!.details?.reason)).toContain("£12.00");

    const staff = testBrowser(world.app);
    const user = await aStaffUser(world.deps, "flags@handy.example");
    await staff.logIn(user.email, user.password);
    const { html } = await staff.page("/quotes");
    expect(html).toContain("Payments needing attention");
    expect(html).toContain("Amount mismatch");
  });

  test("money for a quote no longer open is kept as paid but flagged, in the audit trail too", async () => {
    const refs = await aPendingPayment();
    // The customer declined on another device while the checkout was open.
    await repos.db.execute(sql`update quotes set status = 'declined' where id = ${refs.quoteId}`);
    await deliver(stripeEvents.checkoutCompleted(refs));
    const payment = (await repos.payments.byId(refs.paymentId))!;
    expect(payment.status).toBe("paid");
    expect(payment.flag).toContain("check with the customer");
    const [entry] = await repos.audit.forEntity("payment", refs.paymentId);
    expect(entry).toMatchObject({
      who: "stripe",
      what: "payment flagged for staff",
      details: { reason: payment.flag },
    });
  });

  test("a payment in another currency is flagged", async () => {
    const refs = await aPendingPayment();
    await deliver(stripeEvents.paymentIntentSucceeded({ ...refs, currency: "eur" }));
    expect((await repos.payments.byId(refs.paymentId))!.status).toBe("mismatch");
  });
});

describe("invoice numbers", () => {
  test("concurrent payments of two quotes get consecutive invoice numbers", async () => {
    const [a, b] = await Promise.all([aPendingPayment(), aPendingPayment()]);
    const responses = await Promise.all([
      deliver(stripeEvents.checkoutCompleted(a!), { settle: false }),
      deliver(stripeEvents.checkoutCompleted(b!), { settle: false }),
    ]);
    expect(responses.map((r) => r.status)).toEqual([200, 200]);
    expect(await jobs.runDue()).toBe(2 + 2); // two settlements, then their two invoice jobs
    const numbers = [...(await repos.invoices.forQuote(a!.quoteId)), ...(await repos.invoices.forQuote(b!.quoteId))]
      .map((i) => i.number)
      .sort((x, y) => x - y);
    expect(numbers).toHaveLength(2);
    expect(numbers[1]).toBe(numbers[0]! + 1);
    const all = (await repos.invoices.recent(1000)).map((i) => i.number).sort((x, y) => x - y);
    expect(all).toEqual(all.map((_, i) => i + 1));
  });
});

describe("GET /api/stripe/session/:id", () => {
  test("reports the session and our payment", async () => {
    const refs = await aPendingPayment();
    const before = await world.app.request(`${ORIGIN}/api/stripe/session/${refs.sessionId}`);
    expect(before.status).toBe(200);
    expect(await before.json()).toMatchObject({
      status: "open",
      payment: { status: "pending", amountPence: 12_000 },
      quoteStatus: "accepted",
      invoice: null,
    });
    await deliver(stripeEvents.checkoutCompleted(refs));
    const after = (await (await world.app.request(`${ORIGIN}/api/stripe/session/${refs.sessionId}`)).json()) as {
      payment: { status: string };
      invoice: string;
    };
    expect(after.payment.status).toBe("paid");
    expect(after.invoice).toMatch(/^INV-\d{6}$/);
    expect((await world.app.request(`${ORIGIN}/api/stripe/session/cs_test_nothing_here`)).status).toBe(404);
  });
});
