import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { OpenDatabase } from "../../src/adapters/db/database.ts";
import { billToLines } from "../../src/domain/payments/invoice.ts";
import { sendQuote, startCheckout } from "../../src/domain/payments/quote-flow.ts";
import { settlementRules } from "../../src/domain/payments/settlement-flow.ts";
import type { E164 } from "../../src/domain/phone.ts";
import { quoteTotals, type QuoteLine } from "../../src/domain/quotes.ts";
import { flowDeps } from "../../src/http/routes/quotes-support.ts";
import { quoteTaskRunner, TEST_STRIPE_WEBHOOK_SECRET } from "../support/quotes-world.ts";
import { signed, stripeEvents } from "../support/stripe-events.ts";
import { aStaffUser, buildTestApp, ORIGIN, testBrowser } from "../support/test-app.ts";
import { freshPglite } from "../support/test-db.ts";

/**
 * Issue 13, item 8: after a payment the quote's Updated time, the job's board column and the
 * lead's status move on, each step audited, once however often Stripe delivers; the lead's
 * timeline says what happened in words and money.
 */
let repos: OpenDatabase;
let world: ReturnType<typeof buildTestApp>;
let jobs: ReturnType<typeof quoteTaskRunner>;
let logins = 0;

/** Staff signed in now (the test clock moves past the session's idle limit). */
async function staffPage(path: string) {
  const staff = testBrowser(world.app);
  const user = await aStaffUser(world.deps, `office${++logins}@handy.example`);
  await staff.logIn(user.email, user.password);
  return staff.page(path);
}

beforeAll(async () => {
  repos = await freshPglite();
  world = buildTestApp(repos);
  jobs = quoteTaskRunner(world);
}, 30_000);
afterAll(async () => {
  await jobs?.stop();
  await repos?.close();
});

// £237.50 + 20% VAT = £285.00; a 25% deposit is £71.25, leaving £213.75.
const LINES: QuoteLine[] = [
  { kind: "labour", description: "Replace valve", quantity: 1, unitPricePence: 23_750, vatRatePercent: 20 },
];
const DEPOSIT = { kind: "percent" as const, percent: 25 };

async function aSentQuote(
  phone: string,
  who: { name: string; organisation: string | null } = { name: "Nia Evans", organisation: null },
) {
  const lead = await repos.leads.create({
    ...who,
    phone: phone as E164,
    email: null,
    address: null,
    postcode: null,
    segment: "homeowner",
    source: "manual",
    notes: null,
  });
  const issue = await repos.issues.create({
    leadId: lead.id,
    title: "Leaking valve",
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
    totals: quoteTotals(LINES, 0, DEPOSIT),
    discountPence: 0,
    deposit: DEPOSIT,
    validUntil: null,
    terms: null,
  });
  const sent = await sendQuote(flowDeps(world.deps), draft.id);
  if (!sent.ok) throw new Error(sent.message);
  return { lead, issue, quote: sent.value.quote };
}

/** The customer pays `choice` on the test checkout; Stripe's event for it is delivered, signed, `times` times. */
async function pay(token: string, choice: "deposit" | "full", times = 1) {
  const started = await startCheckout(flowDeps(world.deps), token, choice);
  if (!started.ok) throw new Error(started.message);
  const event = stripeEvents.checkoutCompleted({
    paymentId: started.value.payment.id,
    quoteId: started.value.payment.quoteId,
    sessionId: started.value.sessionId,
    paymentIntentId: `pi_${crypto.randomUUID().slice(0, 8)}`,
    amountPence: started.value.payment.amountPence,
  });
  for (let i = 0; i < times; i++) {
    const { body, signature } = await signed(event, TEST_STRIPE_WEBHOOK_SECRET, world.clock.now());
    const response = await world.app.request(`${ORIGIN}/api/stripe/webhook`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "Stripe-Signature": signature },
      body,
    });
    expect(response.status).toBe(200);
    await jobs.runDue();
  }
}

describe("after a payment", () => {
  test("a paid deposit moves the quote's Updated time, books the job and wins the customer, audited once under replays", async () => {
    const { lead, issue, quote } = await aSentQuote("+447700900611");
    expect((await repos.issues.byId(issue.id))!.status).toBe("quoted");
    expect((await repos.leads.byId(lead.id))!.status).toBe("quoted");
    const sentAt = (await repos.quotes.byId(quote.id))!.updatedAt;

    world.clock.advanceMinutes(45);
    await pay(quote.token, "deposit", 3);

    const after = (await repos.quotes.byId(quote.id))!;
    expect(after.status).toBe("deposit_paid");
    expect(after.updatedAt.getTime()).toBe(world.clock.now().getTime());
    expect(after.updatedAt.getTime()).toBeGreaterThan(sentAt.getTime());
    expect((await repos.issues.byId(issue.id))!.status).toBe("scheduled");
    expect((await repos.leads.byId(lead.id))!.status).toBe("won");

    const jobHistory = await repos.audit.forEntity("issue", issue.id);
    expect(jobHistory.filter((e) => e.who === "stripe").map((e) => e.what)).toEqual(["status quoted → scheduled"]);
    const leadHistory = await repos.audit.forEntity("lead", lead.id);
    expect(leadHistory.filter((e) => e.who === "stripe").map((e) => e.what)).toEqual(["status quoted → won"]);

    // The quotes list's Updated column shows the payment's time (10:45 London, the clock's +45 min).
    const list = await staffPage("/quotes");
    const row = list.html.split("<tr>").find((r) => r.includes(`/quotes/${quote.id}`))!;
    expect(row).toContain("10:45");
    expect(row).toContain("£71.25");
  });

  test("the balance leaves a job staff moved on where they put it, and the timeline tells the money in words", async () => {
    const { lead, issue, quote } = await aSentQuote("+447700900612");
    await pay(quote.token, "deposit");
    expect((await repos.issues.setStatus(issue.id, "in_progress")).ok).toBe(true);
    world.clock.advanceMinutes(60);
    await pay(quote.token, "full");

    expect((await repos.quotes.byId(quote.id))!.status).toBe("paid");
    expect((await repos.issues.byId(issue.id))!.status).toBe("in_progress");
    expect((await repos.leads.byId(lead.id))!.status).toBe("won");

    const { html } = await staffPage(`/leads/${lead.id}`);
    expect(html).toContain("Deposit paid £71.25");
    expect(html).toContain("Balance paid £213.75");
    expect(html).toContain("Paid in full");
    expect(html).toContain("Job in progress");
    expect(html).not.toContain("in_progress");
    expect(html).not.toContain("deposit_paid");
  });

  test("a job paid in full before it was quoted by the book (open) is scheduled too; a lead that was new walks through quoted to won", async () => {
    const { lead, issue, quote } = await aSentQuote("+447700900613");
    // Staff reopened the job and set the lead back to new after sending (both legal moves).
    expect((await repos.issues.setStatus(issue.id, "open")).ok).toBe(true);
    await repos.db.execute(`update leads set status = 'new' where id = '${lead.id}'`);
    await pay(quote.token, "full");
    expect((await repos.issues.byId(issue.id))!.status).toBe("scheduled");
    expect((await repos.leads.byId(lead.id))!.status).toBe("won");
    const leadHistory = await repos.audit.forEntity("lead", lead.id);
    expect(
      leadHistory
        .filter((e) => e.who === "stripe")
        .map((e) => e.what)
        .sort(),
    ).toEqual(["status new → quoted", "status quoted → won"]);
    const { html } = await staffPage(`/issues/${issue.id}`);
    expect(html).toContain("Job scheduled, was open");
  });

  test("the invoice bills the organisation when the lead has one, for the attention of the person", async () => {
    const { quote } = await aSentQuote("+447700900614", { name: "Priya Shah", organisation: "Shah Lettings" });
    await pay(quote.token, "full");
    const [invoice] = await repos.invoices.forQuote(quote.id);
    expect(invoice!.content.customer).toMatchObject({ name: "Shah Lettings", attention: "Priya Shah" });
    expect(billToLines(invoice!.content.customer).slice(0, 2)).toEqual(["Shah Lettings", "FAO Priya Shah"]);

    const { quote: own } = await aSentQuote("+447700900615");
    await pay(own.token, "full");
    const [personal] = await repos.invoices.forQuote(own.id);
    expect(billToLines(personal!.content.customer)[0]).toBe("Nia Evans");
    expect(personal!.content.customer.attention).toBeNull();
  });

  test("a settlement cut short before the job moved (a crash after its transaction) is completed by the next delivery", async () => {
    const { lead, issue, quote } = await aSentQuote("+447700900616");
    const started = await startCheckout(flowDeps(world.deps), quote.token, "full");
    if (!started.ok) throw new Error(started.message);
    const event = stripeEvents.checkoutCompleted({
      paymentId: started.value.payment.id,
      quoteId: quote.id,
      sessionId: started.value.sessionId,
      paymentIntentId: "pi_cutshort",
      amountPence: started.value.payment.amountPence,
    });
    const { body, signature } = await signed(event, TEST_STRIPE_WEBHOOK_SECRET, world.clock.now());
    const verified = await world.deps.quotesToCash.webhooks.verify(body, signature);
    if (!verified.ok) throw new Error(verified.message);
    // Only the settlement's transaction ran: the quote is paid, the job and the lead have not moved.
    await repos.payments.settleEvent(
      verified.value,
      world.clock.now(),
      settlementRules(world.deps.quotesToCash.company, world.clock.now),
    );
    expect((await repos.quotes.byId(quote.id))!.status).toBe("paid");
    expect((await repos.issues.byId(issue.id))!.status).toBe("quoted");

    // Stripe delivers it again: a duplicate for the money, but the job and the customer catch up.
    const response = await world.app.request(`${ORIGIN}/api/stripe/webhook`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "Stripe-Signature": signature },
      body,
    });
    expect(response.status).toBe(200);
    await jobs.runDue();
    expect((await repos.issues.byId(issue.id))!.status).toBe("scheduled");
    expect((await repos.leads.byId(lead.id))!.status).toBe("won");
    expect(await repos.invoices.forQuote(quote.id)).toHaveLength(1);
  });
});
