import { describe, expect, test } from "bun:test";
import { CHARGE_KINDS, nextCharge, type ChargeKind, type Payment } from "../../src/domain/payments/charges.ts";
import { formatInvoiceNumber, invoiceFor, vatForPayment } from "../../src/domain/payments/invoice.ts";
import {
  previewTotals,
  readQuoteDraft,
  validateQuoteDraft,
  type LineInput,
  type QuoteDraftInput,
} from "../../src/domain/payments/quote-draft.ts";
import { settle, type PaymentReport } from "../../src/domain/payments/settle.ts";
import { QUOTE_STATUSES, quoteTotals, type Quote, type QuoteLine, type QuoteStatus } from "../../src/domain/quotes.ts";
import { seededRandom } from "./random.ts";

const LIMITS = { maxAmountPence: 5_000_000, today: "2026-11-27" };
const line = (over: Partial<LineInput> = {}): LineInput => ({
  kind: "labour",
  description: "Labour",
  quantity: "1",
  unitPrice: "100",
  vatRate: "20",
  ...over,
});
const form = (lines: LineInput[], over: Partial<QuoteDraftInput> = {}): QuoteDraftInput => ({
  lines,
  discount: "",
  depositKind: "none",
  depositValue: "",
  validUntil: "",
  terms: "",
  ...over,
});

describe("validateQuoteDraft", () => {
  test("reads pounds, quantities and VAT rates into lines and totals", () => {
    const result = validateQuoteDraft(
      form(
        [
          line({ quantity: "1.5", unitPrice: "£60" }),
          line({ kind: "materials", description: "Parts", unitPrice: "45.50", vatRate: "5" }),
        ],
        { discount: "10", depositKind: "percent", depositValue: "25", validUntil: "2026-12-31", terms: " Net 7 " },
      ),
      LIMITS,
    );
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result.value.lines[0]).toEqual({
      kind: "labour",
      description: "Labour",
      quantity: 1.5,
      unitPricePence: 6_000,
      vatRatePercent: 20,
    });
    expect(result.value.discountPence).toBe(1_000);
    expect(result.value.deposit).toEqual({ kind: "percent", percent: 25 });
    expect(result.value.validUntil).toBe("2026-12-31");
    expect(result.value.terms).toBe("Net 7");
    expect(result.value.totals).toEqual(quoteTotals(result.value.lines, 1_000, { kind: "percent", percent: 25 }));
  });

  test("every bad field gets its own message", () => {
    const result = validateQuoteDraft(
      form(
        [
          line({ quantity: "-1" }),
          line({ unitPrice: "-3" }),
          line({ vatRate: "101" }),
          line({ vatRate: "-1" }),
          line({ quantity: "abc" }),
          line({ description: " " }),
        ],
        {
          discount: "-5",
          depositKind: "percent",
          depositValue: "150",
          validUntil: "2026-11-26",
        },
      ),
      LIMITS,
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toMatchObject({
      "line-0-quantity": "Quantity cannot be negative.",
      "line-1-unitPrice": "Price cannot be negative.",
      "line-2-vatRate": "VAT rate must be between 0 and 100.",
      "line-3-vatRate": "VAT rate must be between 0 and 100.",
      "line-4-quantity": "Enter a number, like 1 or 1.5.",
      "line-5-description": "Describe the line.",
      discount: "A discount cannot be negative.",
      depositValue: "A deposit percentage is more than 0 and at most 100.",
      validUntil: "The validity date has already passed.",
    });
  });

  test("amounts over the maximum are refused: a price, a line, the total", () => {
    const limits = { ...LIMITS, maxAmountPence: 100_000 };
    const price = validateQuoteDraft(form([line({ unitPrice: "1000.01" })]), limits);
    expect(!price.ok && price.errors["line-0-unitPrice"]).toBe("That price is over the £1,000 a line allowed.");
    const lineTotal = validateQuoteDraft(form([line({ quantity: "11", unitPrice: "100" })]), limits);
    expect(!lineTotal.ok && lineTotal.errors["line-0-unitPrice"]).toBe("That line is over the £1,000 a line allowed.");
    const total = validateQuoteDraft(
      form([line({ quantity: "9", unitPrice: "100" }), line({ quantity: "1", unitPrice: "100" })]),
      limits,
    );
    expect(!total.ok && total.errors.total).toBe("The total, £1,200.00, is over the £1,000 a quote allowed.");
  });

  test("blank rows are dropped, but a quote needs a line; a discount over the lines is refused", () => {
    const empty = validateQuoteDraft(form([line({ description: "", quantity: "", unitPrice: "" })]), LIMITS);
    expect(!empty.ok && empty.errors["line-0-description"]).toBe("Add at least one line.");
    const discount = validateQuoteDraft(form([line({ unitPrice: "10" })], { discount: "20" }), LIMITS);
    expect(!discount.ok && discount.errors.discount).toContain("more than the lines add up to");
  });

  test("the live preview totals what can be counted so far and names every line it leaves out", () => {
    const { totals, errors, notCounted } = previewTotals(
      form([
        line({ unitPrice: "50" }),
        line({ unitPrice: "oops" }),
        line({ description: "", quantity: "1", unitPrice: "" }), // an untouched row: not a line yet
        line({ description: "", unitPrice: "12" }),
      ]),
      LIMITS,
    );
    expect(totals.totalPence).toBe(6_000);
    expect(errors["line-1-unitPrice"]).toBeDefined();
    expect(notCounted).toEqual([
      { field: "line-1", label: "Line 2", reason: "Enter a price in pounds, like 45 or 45.50." },
      { field: "line-3", label: "Line 4", reason: "Describe the line." },
    ]);
  });

  test("the preview names a discount or deposit it cannot count, and waits for every line before calling one too big", () => {
    const unreadable = previewTotals(
      form([line({ unitPrice: "50" })], { discount: "ten", depositKind: "amount", depositValue: "x" }),
      LIMITS,
    );
    expect(unreadable.totals.totalPence).toBe(6_000);
    expect(unreadable.notCounted.map((n) => n.label)).toEqual(["Discount", "Deposit"]);
    const waiting = previewTotals(
      form([line({ unitPrice: "50" }), line({ unitPrice: "?" })], {
        discount: "80",
        depositKind: "amount",
        depositValue: "70",
      }),
      LIMITS,
    );
    expect(waiting.errors.discount).toBeUndefined();
    expect(waiting.notCounted.map((n) => [n.label, n.reason])).toEqual([
      ["Line 2", "Enter a price in pounds, like 45 or 45.50."],
      ["Discount", "It is more than the lines counted so far add up to (£50.00)."],
      ["Deposit", "It is more than the lines counted so far add up to (£60.00)."],
    ]);
  });
});

describe("readQuoteDraft", () => {
  test("keeps every valid field of a draft with mistakes, and says what is wrong with the rest", () => {
    const reading = readQuoteDraft(
      form([line({ description: "Fit tap", unitPrice: "80" }), line({ description: "Parts", unitPrice: "abc" })], {
        discount: "5",
        depositKind: "percent",
        depositValue: "150",
        validUntil: "2026-12-31",
        terms: "Net 7",
      }),
      LIMITS,
    );
    expect(Object.keys(reading.errors)).toEqual(["line-1-unitPrice", "depositValue"]);
    expect(reading.kept.lines).toEqual([
      { kind: "labour", description: "Fit tap", quantity: 1, unitPricePence: 8_000, vatRatePercent: 20 },
    ]);
    expect(reading.kept).toMatchObject({ discountPence: 500, deposit: null, validUntil: "2026-12-31", terms: "Net 7" });
    expect(reading.kept.totals).toEqual(quoteTotals(reading.kept.lines, 500, null));
  });

  test("a valid draft reads with no errors and nothing left out, exactly as validateQuoteDraft gives it", () => {
    const input = form([line({ unitPrice: "80" })], { depositKind: "amount", depositValue: "20" });
    const reading = readQuoteDraft(input, LIMITS);
    expect(reading.errors).toEqual({});
    expect(reading.notCounted).toEqual([]);
    expect(validateQuoteDraft(input, LIMITS)).toEqual({ ok: true, value: reading.kept });
  });
});

const LINES: QuoteLine[] = [
  { kind: "labour", description: "Labour", quantity: 3, unitPricePence: 4_500, vatRatePercent: 20 },
  { kind: "materials", description: "Insulation", quantity: 1, unitPricePence: 12_345, vatRatePercent: 5 },
  { kind: "other", description: "Skip (zero-rated)", quantity: 1, unitPricePence: 9_999, vatRatePercent: 0 },
];
const aQuote = (over: Partial<Quote> = {}): Quote => ({
  documentKey: null,
  id: "q1",
  issueId: "i1",
  version: 1,
  token: "t",
  status: "sent",
  lines: LINES,
  discountPence: 1_000,
  deposit: { kind: "percent", percent: 30 },
  validUntil: null,
  terms: null,
  totals: quoteTotals(LINES, 1_000, { kind: "percent", percent: 30 }),
  createdAt: new Date(),
  sentAt: new Date(),
  updatedAt: new Date(),
  ...over,
});
const paid = (kind: Payment["kind"], amountPence: number) => ({ kind, amountPence });

describe("nextCharge", () => {
  test("deposit or full before payment; the balance after a deposit; nothing once paid", () => {
    const quote = aQuote();
    const deposit = nextCharge(quote, [], "deposit");
    expect(deposit.ok && deposit.value).toMatchObject({ kind: "deposit", amountPence: quote.totals.depositPence });
    const full = nextCharge(quote, [], "full");
    expect(full.ok && full.value.kind).toBe("full");
    // The full charge's items are the lines after discount with VAT: they add up to the total.
    expect(full.ok && full.value.items.reduce((s, i) => s + i.amountPence, 0)).toBe(quote.totals.totalPence);
    const balance = nextCharge(
      { ...quote, status: "deposit_paid" },
      [paid("deposit", quote.totals.depositPence)],
      "full",
    );
    expect(balance.ok && balance.value).toMatchObject({
      kind: "balance",
      amountPence: quote.totals.totalPence - quote.totals.depositPence,
    });
    expect(nextCharge({ ...quote, status: "paid" }, [], "full")).toMatchObject({
      ok: false,
      reason: "quote_already_paid",
    });
    expect(nextCharge({ ...quote, status: "declined" }, [], "full")).toMatchObject({
      ok: false,
      reason: "quote_not_payable",
    });
  });
});

describe("settle", () => {
  const pending = { kind: "full" as const, amountPence: 12_000, currency: "gbp", status: "pending" as const };
  const report = (over: Partial<PaymentReport> = {}): PaymentReport => ({
    outcome: "paid",
    amountPence: 12_000,
    currency: "gbp",
    paymentIntentId: "pi_1",
    ...over,
  });

  test("a matching payment is paid and moves the quote on", () => {
    expect(settle(pending, { status: "accepted" }, [], report())).toEqual({
      action: "paid",
      quoteStatus: "paid",
      flag: null,
    });
    expect(settle({ ...pending, kind: "deposit" }, { status: "accepted" }, [], report())).toEqual({
      action: "paid",
      quoteStatus: "deposit_paid",
      flag: null,
    });
    expect(settle({ ...pending, kind: "balance" }, { status: "deposit_paid" }, ["deposit"], report())).toEqual({
      action: "paid",
      quoteStatus: "paid",
      flag: null,
    });
  });

  test("a wrong amount or currency is flagged, never paid", () => {
    expect(settle(pending, { status: "accepted" }, [], report({ amountPence: 11_999 })).action).toBe("flag");
    expect(settle(pending, { status: "accepted" }, [], report({ currency: "usd" })).action).toBe("flag");
    expect(settle(pending, { status: "accepted" }, [], report({ amountPence: null })).action).toBe("flag");
  });

  test("money taken twice is flagged for a refund", () => {
    expect(settle({ ...pending, kind: "deposit" }, { status: "deposit_paid" }, ["deposit"], report()).action).toBe(
      "flag",
    );
    expect(settle(pending, { status: "paid" }, ["full"], report()).action).toBe("flag");
  });

  test("any order of events ends the same: paid stays paid, failures never undo it", () => {
    const reports: PaymentReport[] = [
      report(),
      report({ outcome: "processing" }),
      report({ outcome: "failed" }),
      report(),
      report({ outcome: "processing" }),
    ];
    const random = seededRandom(7).next;
    for (let round = 0; round < 200; round++) {
      const order = [...reports].sort(() => random() - 0.5);
      let status: Payment["status"] = "pending";
      let paidTimes = 0;
      for (const r of order) {
        const s = settle({ ...pending, status }, { status: "accepted" }, [], r);
        if (s.action === "paid") {
          status = "paid";
          paidTimes++;
        } else if (s.action === "processing") status = "processing";
        else if (s.action === "failed") status = "failed";
      }
      // A success reported after a failure still counts (the card was retried and charged).
      expect(status).toBe("paid");
      expect(paidTimes).toBe(1);
    }
  });

  test("where each quote status goes once each kind of charge is paid (a payment accepts a quote not yet accepted)", () => {
    const after = (status: QuoteStatus, kind: ChargeKind) => {
      const s = settle({ ...pending, kind }, { status }, [], report());
      return s.action === "paid" ? s.quoteStatus : s.action;
    };
    const table = Object.fromEntries(
      QUOTE_STATUSES.map((status) => [status, CHARGE_KINDS.map((kind) => after(status, kind))]),
    );
    // Columns: deposit, full, balance. null: paid, but the quote stays put and staff get a flag.
    expect(table).toEqual({
      draft: [null, null, null],
      sent: ["deposit_paid", "paid", "paid"],
      viewed: ["deposit_paid", "paid", "paid"],
      accepted: ["deposit_paid", "paid", "paid"],
      deposit_paid: [null, "paid", "paid"],
      paid: [null, null, null],
      declined: [null, null, null],
      expired: [null, null, null],
      superseded: [null, null, null],
    });
  });

  test("paid on a quote that moved on: recorded with a flag for staff", () => {
    const s = settle(pending, { status: "superseded" }, [], report());
    expect(s).toMatchObject({ action: "paid", quoteStatus: null });
    expect(s.action === "paid" && s.flag).toContain("superseded");
  });
});

describe("invoices", () => {
  test("numbers are INV- and six digits", () => {
    expect(formatInvoiceNumber(42)).toBe("INV-000042");
  });

  test("a deposit and its balance split each VAT rate exactly as the quote does", () => {
    const random = seededRandom(11).next;
    for (let round = 0; round < 300; round++) {
      const lines: QuoteLine[] = Array.from({ length: 1 + Math.floor(random() * 4) }, (_, i) => ({
        kind: "other",
        description: `L${i}`,
        quantity: 1 + Math.floor(random() * 5),
        unitPricePence: Math.floor(random() * 50_000),
        vatRatePercent: [0, 5, 20, 17.5][Math.floor(random() * 4)]!,
      }));
      const totals = quoteTotals(lines, 0, { kind: "percent", percent: 1 + Math.floor(random() * 99) });
      if (totals.totalPence === 0) continue;
      const quote = { totals };
      const deposit = vatForPayment(quote, "deposit", totals.depositPence, []);
      expect(deposit.reduce((s, v) => s + v.netPence + v.vatPence, 0)).toBe(totals.depositPence);
      const balance = vatForPayment(quote, "balance", totals.totalPence - totals.depositPence, [deposit]);
      expect(balance.reduce((s, v) => s + v.netPence + v.vatPence, 0)).toBe(totals.totalPence - totals.depositPence);
      for (const rate of totals.vatByRate.filter((r) => r.netPence + r.vatPence > 0)) {
        const d = deposit.find((v) => v.ratePercent === rate.ratePercent)!;
        const b = balance.find((v) => v.ratePercent === rate.ratePercent)!;
        expect(d.vatPence + b.vatPence).toBe(rate.vatPence);
        expect(d.netPence + b.netPence).toBe(rate.netPence);
      }
    }
  });

  test("an invoice says what was paid, what was paid before, and what is left", () => {
    const quote = aQuote();
    const base = {
      issuedAt: new Date("2026-11-27T10:00:00Z"),
      company: { name: "Handy", address: null, phone: null, email: null, vatNumber: "GB1" },
      quote,
      customer: { name: "Sarah", address: null, postcode: null },
      job: { title: "Loft", address: null, postcode: null },
    };
    const first = invoiceFor({
      ...base,
      number: 7,
      payment: {
        kind: "deposit",
        amountPence: quote.totals.depositPence,
        provider: "test",
        paymentIntentId: "pi_1",
        checkoutSessionId: "cs_1",
      },
      earlier: [],
    });
    expect(first).toMatchObject({
      number: "INV-000007",
      totalPence: quote.totals.depositPence,
      balanceDuePence: quote.totals.totalPence - quote.totals.depositPence,
    });
    const second = invoiceFor({
      ...base,
      number: 8,
      payment: {
        kind: "balance",
        amountPence: first.balanceDuePence,
        provider: "test",
        paymentIntentId: null,
        checkoutSessionId: "cs_2",
      },
      earlier: [first],
    });
    expect(second.balanceDuePence).toBe(0);
    expect(second.earlier).toEqual([{ number: "INV-000007", kind: "deposit", totalPence: quote.totals.depositPence }]);
    expect(first.vatPence + second.vatPence).toBe(quote.totals.vatPence);
  });
});
