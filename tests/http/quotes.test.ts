import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Issue } from "../../src/domain/issues.ts";
import type { Lead } from "../../src/domain/leads.ts";
import type { OpenDatabase } from "../../src/adapters/db/database.ts";
import { freshPglite } from "../support/test-db.ts";
import { aStaffUser, buildTestApp, ORIGIN, testBrowser } from "../support/test-app.ts";
import type { E164 } from "../../src/domain/phone.ts";
import { quoteTaskRunner } from "../support/quotes-world.ts";

let repos: OpenDatabase;
let world: ReturnType<typeof buildTestApp>;
let staff: ReturnType<typeof testBrowser>;
let customer: ReturnType<typeof testBrowser>;
let lead: Lead;
let issue: Issue;
let jobs: ReturnType<typeof quoteTaskRunner>;

beforeAll(async () => {
  repos = await freshPglite();
  world = buildTestApp(repos);
  jobs = quoteTaskRunner(world);
  const user = await aStaffUser(world.deps);
  staff = testBrowser(world.app);
  customer = testBrowser(world.app);
  await staff.logIn(user.email, user.password);
  lead = await repos.leads.create({
    name: "Sarah Jones",
    organisation: null,
    phone: "+447700900123" as E164,
    email: null,
    address: "12 Baker Street",
    postcode: "NW1 6XE",
    segment: "tenant",
    source: "manual",
    notes: null,
  });
  issue = await repos.issues.create({
    leadId: lead.id,
    title: "Boiler leaking",
    description: null,
    category: "heating",
    urgency: "urgent",
    address: "12 Baker Street",
    postcode: "NW1 6XE",
    accessNotes: null,
  });
}, 30_000);
afterAll(async () => {
  await jobs?.stop();
  await repos?.close();
});

/** The builder's fields for some lines (pounds as typed). */
function builderForm(
  lines: [kind: string, description: string, quantity: string, unitPrice: string, vatRate: string][],
  extra: Record<string, string> = {},
) {
  const form: Record<string, string> = {
    _csrf: staff.csrf,
    discount: "",
    depositKind: "none",
    depositValue: "",
    validUntil: "2026-12-31",
    terms: "Payment due on completion.",
  };
  lines.forEach(([kind, description, quantity, unitPrice, vatRate], i) => {
    Object.assign(form, {
      [`line-${i}-kind`]: kind,
      [`line-${i}-description`]: description,
      [`line-${i}-quantity`]: quantity,
      [`line-${i}-unitPrice`]: unitPrice,
      [`line-${i}-vatRate`]: vatRate,
    });
  });
  return { ...form, ...extra };
}

const GOOD_LINES: Parameters<typeof builderForm>[0] = [
  ["labour", "Replace boiler valve", "1.5", "60", "20"],
  ["materials", "Valve and fittings", "1", "45.50", "20"],
  ["call_out", "Call-out", "1", "30", "20"],
];

async function draftId(): Promise<string> {
  const versions = await repos.quotes.forIssue(issue.id);
  return versions.find((q) => q.status === "draft")!.id;
}

const locationOf = (response: Response) => response.headers.get("Location") ?? "";
const pathOf = (url: string) => url.replace(ORIGIN, "");

describe("quote builder", () => {
  test("a draft starts from the issue page and the builder is on it", async () => {
    await staff.page(`/issues/${issue.id}`);
    const started = await staff.post(`/issues/${issue.id}/quotes`, { _csrf: staff.csrf });
    expect(started.status).toBe(303);
    const { html } = await staff.page(`/issues/${issue.id}`);
    expect(html).toContain('id="quote-builder"');
    expect(html).toContain("Send to customer");
  });

  test("totals are recalculated live while staff type", async () => {
    const id = await draftId();
    const response = await staff.post(`/quotes/${id}/preview`, builderForm(GOOD_LINES), {
      "HX-Request": "true",
      "X-CSRF-Token": staff.csrf,
    });
    expect(response.status).toBe(200);
    const html = await response.text();
    // 90.00 + 45.50 + 30.00 = 165.50 net; VAT 33.10; total 198.60
    expect(html).toContain("£165.50");
    expect(html).toContain("£33.10");
    expect(html).toContain("£198.60");
  });

  test("negative quantities and prices, VAT outside 0–100 and amounts over the maximum are refused beside the field", async () => {
    const id = await draftId();
    const response = await staff.post(
      `/quotes/${id}`,
      builderForm([
        ["labour", "Labour", "-2", "60", "20"],
        ["materials", "Parts", "1", "-5", "20"],
        ["other", "Odd VAT", "1", "10", "150"],
        ["other", "Too dear", "1", "60000", "20"],
      ]),
    );
    expect(response.status).toBe(422);
    const html = await response.text();
    expect(html).toMatch(/id="field-line-0-quantity-error"[^>]*>Quantity cannot be negative\./);
    expect(html).toMatch(/id="field-line-1-unitPrice-error"[^>]*>Price cannot be negative\./);
    expect(html).toMatch(/id="field-line-2-vatRate-error"[^>]*>VAT rate must be between 0 and 100\./);
    expect(html).toMatch(/id="field-line-3-unitPrice-error"[^>]*>That price is over the £50,000 a line allowed\./);
    expect((await repos.quotes.byId(id))!.lines).toEqual([]);
  });

  test("a total over the maximum is refused", async () => {
    const id = await draftId();
    const response = await staff.post(`/quotes/${id}`, builderForm([["labour", "Big job", "10", "4500", "20"]]));
    expect(response.status).toBe(422);
    expect(await response.text()).toContain("The total, £54,000.00, is over the £50,000 a quote allowed.");
  });

  test("Save draft keeps what is valid when some fields are not; the errors and what was typed stay beside them", async () => {
    const id = await draftId();
    const response = await staff.post(
      `/quotes/${id}`,
      builderForm(
        [
          ["labour", "Replace boiler valve", "1.5", "60", "20"],
          ["materials", "Valve and fittings", "1", "forty", "20"],
        ],
        { discount: "5", depositKind: "percent", depositValue: "150" },
      ),
    );
    expect(response.status).toBe(422);
    const html = await response.text();
    expect(html).toContain("Draft saved, except the fields marked below");
    expect(html).toMatch(/id="field-line-1-unitPrice" name="line-1-unitPrice" value="forty"/);
    expect(html).toMatch(/id="field-line-1-unitPrice-error"[^>]*>Enter a price in pounds/);
    expect(html).toMatch(/id="field-depositValue-error"[^>]*>A deposit percentage is more than 0 and at most 100\./);

    const kept = (await repos.quotes.byId(id))!;
    expect(kept.status).toBe("draft");
    expect(kept.lines).toEqual([
      { kind: "labour", description: "Replace boiler valve", quantity: 1.5, unitPricePence: 6_000, vatRatePercent: 20 },
    ]);
    expect(kept.discountPence).toBe(500);
    expect(kept.deposit).toBeNull();
    expect(kept.terms).toBe("Payment due on completion.");
    expect(kept.totals.totalPence).toBe(10_200); // (90 − 5) + 20% VAT
    const trail = await repos.audit.forEntity("quote", id);
    expect(trail[0]).toMatchObject({ what: "draft saved, with fields to fix" });
    expect(trail[0]!.details).toMatchObject({ fieldsToFix: ["line-1-unitPrice", "depositValue"] });
    expect(JSON.stringify(trail[0]!.details)).not.toContain("forty");

    // Reopened later, the builder shows what was kept.
    const { html: page } = await staff.page(`/issues/${issue.id}`);
    expect(page).toContain('value="Replace boiler valve"');
    expect(page).toContain("£102.00");
  });

  test("Send refuses an invalid draft, saves what is valid, and leaves it a draft", async () => {
    const id = await draftId();
    const response = await staff.post(
      `/quotes/${id}/send`,
      builderForm([
        ["labour", "Replace boiler valve", "2", "60", "20"],
        ["materials", "", "1", "10", "20"],
      ]),
    );
    expect(response.status).toBe(422);
    const html = await response.text();
    expect(html).toContain("Not sent: the fields marked below need correcting first. The rest of the draft is saved.");
    expect(html).toMatch(/id="field-line-1-description-error"[^>]*>Describe the line\./);
    const quote = (await repos.quotes.byId(id))!;
    expect(quote.status).toBe("draft");
    expect(quote.lines.map((l) => l.quantity)).toEqual([2]);
    expect(await repos.outboundMessages.forQuote(id)).toEqual([]);
  });

  test("the live totals mark each line they cannot count, beside the line and under the total", async () => {
    const id = await draftId();
    const response = await staff.post(
      `/quotes/${id}/preview`,
      builderForm([
        ["labour", "Replace boiler valve", "1", "60", "20"],
        ["materials", "Valve", "1", "£4O", "20"],
        ["call_out", "Call-out", "1", "30", "20"],
      ]),
      { "HX-Request": "true", "X-CSRF-Token": staff.csrf },
    );
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain("Total so far");
    expect(html).toContain("£108.00"); // 60 + 30, with VAT: the £4O line is left out, and says so
    expect(html).toMatch(/<li data-not-counted="line-1">Line 2 is not counted: Enter a price in pounds/);
    expect(html).toMatch(
      /<p class="line-count" id="line-1-count" data-not-counted="true" hx-swap-oob="true">Not counted in the total: Enter a price/,
    );
    // The lines that count have their marks cleared in the same response.
    expect(html).toMatch(/<p class="line-count" id="line-0-count" hx-swap-oob="true"><\/p>/);
    expect(html).toMatch(/<p class="line-count" id="line-2-count" hx-swap-oob="true"><\/p>/);
  });

  test("a field past the edge's bound is refused with the builder again, the reason beside it, and nothing saved", async () => {
    const id = await draftId();
    const before = await repos.quotes.byId(id);
    const response = await staff.post(`/quotes/${id}`, builderForm(GOOD_LINES, { terms: "x".repeat(20_001) }));
    expect(response.status).toBe(422);
    const html = await response.text();
    expect(html).toContain('id="quote-builder"');
    expect(html).toContain("Keep it to 20000 characters or fewer.");
    expect(await repos.quotes.byId(id)).toEqual(before);
  });

  test("a valid draft is saved, then sent: frozen, link in the outbox (not sent), job quoted", async () => {
    const id = await draftId();
    const saved = await staff.post(
      `/quotes/${id}`,
      builderForm(GOOD_LINES, { depositKind: "percent", depositValue: "25" }),
    );
    expect(saved.status).toBe(303);
    const draft = (await repos.quotes.byId(id))!;
    expect(draft.totals.totalPence).toBe(19_860);
    expect(draft.totals.depositPence).toBe(4_965);
    expect(await repos.audit.forEntity("quote", id)).toContainEqual(
      expect.objectContaining({ what: "draft saved", details: expect.objectContaining({ totalPence: 19_860 }) }),
    );

    const sent = await staff.post(
      `/quotes/${id}/send`,
      builderForm(GOOD_LINES, { depositKind: "percent", depositValue: "25" }),
    );
    expect(sent.status).toBe(303);
    expect(locationOf(sent)).toBe(`/quotes/${id}?sent=1`);
    const quote = (await repos.quotes.byId(id))!;
    expect(quote.status).toBe("sent");
    expect((await repos.issues.byId(issue.id))!.status).toBe("quoted");

    const messages = await repos.outboundMessages.forQuote(id);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ status: "outbox", purpose: "quote_link", to: "+447700900123" });
    expect(messages[0]!.body).toContain(`/q/${quote.token}`);
    const { html } = await staff.page(`/quotes/${id}?sent=1`);
    expect(html).toContain("In the outbox — not sent");
    expect(html).not.toMatch(/SMS sent|message sent/i);

    // Sent is frozen: saving over it is refused.
    const refused = await staff.post(`/quotes/${id}`, builderForm([["labour", "Changed", "1", "1", "20"]]));
    expect(refused.status).toBe(409);
    expect(await refused.text()).toContain("frozen");
    expect((await repos.quotes.byId(id))!.lines).toHaveLength(3);
  });

  test("the quote link is on the lead's timeline, and in the quotes list with its total", async () => {
    const timeline = await repos.timeline.forLead(lead.id);
    expect(timeline.map((e) => e.title)).toContain("Quote link by SMS: in the outbox, not sent");
    const { html } = await staff.page("/quotes");
    expect(html).toContain("Boiler leaking");
    expect(html).toContain("£198.60");
  });
});

describe("the customer's quote page and paying", () => {
  let token = "";

  test("shows the company, lines, VAT, totals, deposit and terms; records viewed once", async () => {
    const quote = (await repos.quotes.forIssue(issue.id))[0]!;
    token = quote.token;
    expect(token.length).toBeGreaterThanOrEqual(22);
    const { response, html } = await customer.page(`/q/${token}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("Cache-Control")).toContain("no-store");
    for (const text of [
      "Handy Services",
      "1 High Street, London N1 1AA",
      "Replace boiler valve",
      "VAT at 20%",
      "£198.60",
      "£49.65",
      "Payment due on completion.",
      "Decline",
    ])
      expect(html).toContain(text);
    expect(html).not.toContain("Sarah Jones</a>"); // no staff links
    expect((await repos.quotes.byId(quote.id))!.status).toBe("viewed");
    await customer.page(`/q/${token}`);
    expect((await repos.quotes.byId(quote.id))!.status).toBe("viewed");
  });

  test("an unknown token finds nothing", async () => {
    const { response } = await customer.page("/q/AAAAAAAAAAAAAAAAAAAAAA");
    expect(response.status).toBe(404);
  });

  test("accept and pay the deposit in the test checkout: paid by the webhook, invoice issued", async () => {
    const started = await customer.post("/api/stripe/create-checkout", { token, pay: "deposit" });
    expect(started.status).toBe(303);
    const checkoutPath = pathOf(locationOf(started));
    expect(checkoutPath).toMatch(/^\/checkout\/test\/cs_test_local_/);
    const { html } = await customer.page(checkoutPath);
    expect(html).toContain("Test payment, no card is charged");
    expect(html).toContain("£49.65");

    const paid = await customer.post(`${checkoutPath}/pay`, {});
    expect(paid.status).toBe(303);
    const thanks = pathOf(locationOf(paid));
    expect(thanks).toMatch(new RegExp(`^/q/${token}/paid\\?session_id=cs_test_local_`));
    // Until the settlement job runs, the thank-you page says it is confirming (and polls).
    expect((await customer.page(thanks)).html).toContain("Confirming your payment");
    await jobs.runDue();

    const quote = (await repos.quotes.byToken(token))!;
    expect(quote.status).toBe("deposit_paid");
    const payments = await repos.payments.forQuote(quote.id);
    expect(payments.map((p) => [p.kind, p.status, p.amountPence])).toEqual([["deposit", "paid", 4_965]]);
    const invoices = await repos.invoices.forQuote(quote.id);
    expect(invoices).toHaveLength(1);
    expect(invoices[0]!.content.vatPence + invoices[0]!.content.netPence).toBe(4_965);

    const page = await customer.page(thanks);
    expect(page.html).toContain("Payment received");
    expect(page.html).toContain(invoices[0]!.content.number);
    const pdf = await customer.request(`/q/${token}/invoices/${invoices[0]!.id}`);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get("Content-Type")).toBe("application/pdf");
    expect(new TextDecoder().decode((await pdf.arrayBuffer()).slice(0, 5))).toBe("%PDF-");
  });

  test("a durable job stores the invoice PDF under documents/ and puts the receipt in the outbox, once", async () => {
    const quote = (await repos.quotes.byToken(token))!;
    expect(await jobs.runDue()).toBe(0);
    const [invoice] = await repos.invoices.forQuote(quote.id);
    expect(invoice!.pdfKey).toBe(`documents/invoices/${invoice!.content.number}.pdf`);
    expect(await world.deps.blobStore.exists(invoice!.pdfKey!)).toBe(true);
    const receipts = (await repos.outboundMessages.forQuote(quote.id)).filter((m) => m.purpose === "receipt");
    expect(receipts).toHaveLength(1);
    expect(receipts[0]!.status).toBe("outbox");
    expect(receipts[0]!.body).toContain(`received £49.65. Invoice ${invoice!.content.number}`);
    expect(receipts[0]!.body).toContain("£148.95 remains to pay");
  });

  test("the remaining balance is paid the same way; deposit and balance invoices add up to the quote", async () => {
    const { html } = await customer.page(`/q/${token}`);
    expect(html).toContain("Pay the remaining balance, £148.95");
    const started = await customer.post("/api/stripe/create-checkout", { token, pay: "full" });
    const checkoutPath = pathOf(locationOf(started));
    await customer.post(`${checkoutPath}/pay`, {});
    await jobs.runDue();
    const quote = (await repos.quotes.byToken(token))!;
    expect(quote.status).toBe("paid");
    const invoices = await repos.invoices.forQuote(quote.id);
    expect(invoices.map((i) => i.kind)).toEqual(["deposit", "balance"]);
    expect(invoices[1]!.number).toBe(invoices[0]!.number + 1);
    expect(invoices.reduce((s, i) => s + i.content.vatPence, 0)).toBe(quote.totals.vatPence);
    expect(invoices.reduce((s, i) => s + i.totalPence, 0)).toBe(quote.totals.totalPence);
    expect(invoices[1]!.content.balanceDuePence).toBe(0);
  });

  test("accepting an already-paid quote is refused with a clear page", async () => {
    const response = await customer.post("/api/stripe/create-checkout", { token, pay: "full" });
    expect(response.status).toBe(409);
    expect(await response.text()).toContain("This quote is already paid");
  });

  test("accepting as JSON with a token past the edge's bound is 422 with the reason; as a form, the wrong-link page", async () => {
    const headers = { "Content-Type": "application/json", Origin: ORIGIN, "Sec-Fetch-Site": "same-origin" };
    const json = await customer.request("/api/stripe/create-checkout", {
      method: "POST",
      headers,
      body: JSON.stringify({ token: "t".repeat(101), pay: "full" }),
    });
    expect(json.status).toBe(422);
    expect(await json.json()).toEqual({ error: "token: Keep it to 100 characters or fewer." });
    const form = await customer.post("/api/stripe/create-checkout", { token: "t".repeat(101), pay: "full" });
    expect(form.status).toBe(404);
    expect(await form.text()).toContain("There is no quote at this link.");
  });

  test("staff see the invoices and download the PDF", async () => {
    const quote = (await repos.quotes.byToken(token))!;
    const { html } = await staff.page(`/quotes/${quote.id}`);
    const invoices = await repos.invoices.forQuote(quote.id);
    expect(html).toContain(invoices[0]!.content.number);
    const pdf = await staff.request(`/invoices/${invoices[1]!.id}/pdf`);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get("Content-Type")).toBe("application/pdf");
  });

  test("the dashboard shows the money figures", async () => {
    const { html } = await staff.page("/");
    expect(html).toContain("Paid this month");
    expect(html).toContain("£198.60");
  });
});

describe("versions, expiry and declining", () => {
  let other: Issue;
  let v1Token = "";

  test("a new version supersedes the sent one; the old link shows the latest and says so", async () => {
    other = await repos.issues.create({
      leadId: lead.id,
      title: "Fence panel",
      description: null,
      category: "carpentry",
      urgency: "routine",
      address: null,
      postcode: null,
      accessNotes: null,
    });
    await staff.page(`/issues/${other.id}`);
    await staff.post(`/issues/${other.id}/quotes`, { _csrf: staff.csrf });
    const v1 = (await repos.quotes.forIssue(other.id))[0]!;
    await staff.post(`/quotes/${v1.id}/send`, builderForm([["labour", "Fit panel", "1", "100", "20"]]));
    v1Token = v1.token;
    const revise = await staff.post(`/quotes/${v1.id}/revise`, { _csrf: staff.csrf });
    expect(revise.status).toBe(303);
    const v2 = (await repos.quotes.forIssue(other.id)).find((q) => q.status === "draft")!;
    expect(v2.version).toBe(2);
    expect(v2.lines).toEqual(v1.lines.length ? v1.lines : (await repos.quotes.byId(v1.id))!.lines);
    await staff.post(`/quotes/${v2.id}/send`, builderForm([["labour", "Fit two panels", "2", "100", "20"]]));
    expect((await repos.quotes.byId(v1.id))!.status).toBe("superseded");
    // The test clock stands still, so entries share a time: compare them as sets.
    const whats = async (id: string) => (await repos.audit.forEntity("quote", id)).map((e) => e.what).sort();
    // Sending saves the draft first, and each save is audited.
    expect(await whats(v1.id)).toEqual(["draft saved", "draft started (version 1)", "sent to the customer"]);
    expect(await whats(v2.id)).toEqual(["draft saved", "new version 2 started from version 1", "sent to the customer"]);

    const { html } = await customer.page(`/q/${v1Token}`);
    expect(html).toContain("has been replaced");
    expect(html).toContain("Fit two panels");
    expect(html).not.toContain(">Fit panel<");

    const refused = await customer.post("/api/stripe/create-checkout", { token: v1Token, pay: "full" });
    expect(refused.status).toBe(409);
    expect(await refused.text()).toContain("replaced by a newer version");
  });

  test("an expired quote says so and cannot be accepted", async () => {
    const v2 = (await repos.quotes.forIssue(other.id))[0]!;
    world.clock.advanceMinutes(60 * 24 * 60); // two months on
    const { html } = await customer.page(`/q/${v2.token}`);
    expect(html).toContain("This quote has expired");
    const refused = await customer.post("/api/stripe/create-checkout", { token: v2.token, pay: "full" });
    expect(refused.status).toBe(409);
    expect(await refused.text()).toContain("expired");
    world.clock.advanceMinutes(-60 * 24 * 60);
  });

  test("a declined quote cannot be accepted", async () => {
    const third = await repos.issues.create({
      leadId: lead.id,
      title: "Gutter",
      description: null,
      category: "roofing",
      urgency: "routine",
      address: null,
      postcode: null,
      accessNotes: null,
    });
    await staff.post(`/issues/${third.id}/quotes`, { _csrf: staff.csrf });
    const q = (await repos.quotes.forIssue(third.id))[0]!;
    await staff.post(`/quotes/${q.id}/send`, builderForm([["labour", "Clear gutter", "1", "80", "20"]]));
    const declined = await customer.post(`/q/${q.token}/decline`, {});
    expect(declined.status).toBe(303);
    expect((await repos.quotes.byId(q.id))!.status).toBe("declined");
    const refused = await customer.post("/api/stripe/create-checkout", { token: q.token, pay: "full" });
    expect(refused.status).toBe(409);
    expect(await refused.text()).toContain("declined");
  });

  test("a cross-site accept is refused", async () => {
    const q = (await repos.quotes.forIssue(other.id))[0]!;
    const response = await customer.request("/api/stripe/create-checkout", {
      method: "POST",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        Origin: "https://evil.example",
        "Sec-Fetch-Site": "cross-site",
      },
      body: new URLSearchParams({ token: q.token, pay: "full" }).toString(),
    });
    expect(response.status).toBe(403);
  });
});
