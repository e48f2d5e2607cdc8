import { describe, expect, test } from "bun:test";
import { extractText } from "unpdf";
import { createPdfDocuments } from "../../../src/adapters/pdf/pdf-documents.ts";
import { invoiceFor } from "../../../src/domain/payments/invoice.ts";
import { quoteDocumentFor } from "../../../src/domain/payments/quote-document.ts";
import { quoteTotals, type Quote, type QuoteLine } from "../../../src/domain/quotes.ts";

/** Invoices and quotes through the shared layout, read back with PDF.js (unpdf), in and out of the worker. */
const company = {
  name: "Handy Services",
  address: "1 High Street, Leeds LS1 1AA",
  phone: "0113 496 0000",
  email: null,
  vatNumber: "GB123456789",
};
const lines: QuoteLine[] = [
  { kind: "labour", description: "Fit loft insulation", quantity: 3, unitPricePence: 4_500, vatRatePercent: 20 },
  { kind: "materials", description: "Insulation rolls", quantity: 1, unitPricePence: 12_345, vatRatePercent: 5 },
];
const totals = quoteTotals(lines, 0, { kind: "amount", pence: 5_000 });
const quote: Quote = {
  id: "q1",
  issueId: "i1",
  version: 4,
  token: "t",
  status: "sent",
  lines,
  discountPence: 0,
  deposit: { kind: "amount", pence: 5_000 },
  validUntil: null,
  terms: null,
  totals,
  createdAt: new Date("2026-11-20T10:00:00Z"),
  sentAt: new Date("2026-11-27T10:00:00Z"),
  updatedAt: new Date("2026-11-27T10:00:00Z"),
  documentKey: null,
};
const job = { title: "Loft insulation", address: "9 Otley Road", postcode: "LS6 3AA" };

const read = async (bytes: Uint8Array) => (await extractText(bytes, { mergePages: true })).text;

describe.each([false, true])("PDF documents (in a worker: %p)", (inWorker) => {
  const pdfs = createPdfDocuments({ inWorker });

  test("a quote: letterhead, version and date, who it is for, lines, VAT at each rate, total and deposit", async () => {
    const content = quoteDocumentFor({
      company,
      quote,
      issue: job,
      lead: { name: "Tom Reed", organisation: null, address: null, postcode: null },
    })!;
    const text = await read(await pdfs.quotes.render(content));
    for (const expected of [
      "Handy Services",
      "VAT registration number: GB123456789",
      "QUOTE",
      "Version 4",
      "Date: 27 November 2026",
      "Tom Reed",
      "9 Otley Road",
      "Fit loft insulation 3 £45.00 20% £135.00",
      "Insulation rolls 1 £123.45 5% £123.45",
      "Subtotal £258.45",
      "VAT at 20% £27.00",
      "VAT at 5% £6.17",
      "Total £291.62",
      "Deposit to start £50.00",
    ])
      expect(text).toContain(expected);
    expect(text).not.toContain("Valid until");
  });

  test("an invoice still prints everything it did before the layout was shared", async () => {
    const content = invoiceFor({
      number: 7,
      issuedAt: new Date("2026-11-28T12:00:00Z"),
      company,
      quote,
      payment: {
        kind: "full",
        amountPence: totals.totalPence,
        provider: "stripe",
        paymentIntentId: "pi_123",
        checkoutSessionId: null,
      },
      customer: { name: "Tom Reed", attention: null, address: null, postcode: null },
      job,
      earlier: [],
    });
    const text = await read(await pdfs.invoices.render(content));
    for (const expected of [
      "INVOICE",
      "Number: INV-000007",
      "Quote version 4",
      "PAID",
      "Bill to",
      "Fit loft insulation 3 £45.00 20% £135.00",
      "Quote total £291.62",
      "Net at 5% VAT £123.45",
      "Amount paid £291.62",
      "Balance due £0.00",
      "Paid by card on 28 November 2026, reference pi_123.",
    ])
      expect(text).toContain(expected);
  });
});

test("a draft has no document", () => {
  expect(
    quoteDocumentFor({ company, quote: { ...quote, status: "draft", sentAt: null }, issue: job, lead: null }),
  ).toBeNull();
});
