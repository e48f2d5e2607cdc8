import { formatLongDate } from "../../domain/london-time.ts";
import { formatPence } from "../../domain/money.ts";
import { billToLines, type InvoiceContent } from "../../domain/payments/invoice.ts";
import { paymentSource } from "../../domain/payments/charges.ts";
import { heading, letterhead, linesTable, moneyLine, note, startPage, twoBlocks, vatLines } from "./layout.ts";

const KIND_TITLES = { deposit: "Deposit invoice", full: "Invoice", balance: "Balance invoice" } as const;

/**
 * An invoice as an A4 PDF (the shared layout in layout.ts): the company's details and VAT
 * number, the customer, the quote's lines, the VAT breakdown by rate for this invoice's amount,
 * earlier invoices on the same quote, and a PAID mark with the date and the payment reference.
 * Deterministic for the same content apart from the PDF's creation date.
 * @example const pdf = await renderInvoicePdf(invoice.content);
 */
export function renderInvoicePdf(inv: InvoiceContent): Promise<Uint8Array> {
  const title = KIND_TITLES[inv.kind];
  const { page, done } = startPage({ title: `${title} ${inv.number}`, author: inv.company.name });
  letterhead(
    page,
    inv.company,
    title,
    [`Number: ${inv.number}`, `Date: ${formatLongDate(new Date(inv.issuedAt))}`, `Quote version ${inv.quote.version}`],
    { text: "PAID", colour: "#1e7b34" },
  );
  twoBlocks(
    page,
    { heading: "Bill to", lines: billToLines(inv.customer) },
    {
      heading: "Job",
      lines: [inv.job.title, inv.job.address, inv.job.postcode].filter((l): l is string => Boolean(l)),
    },
  );
  linesTable(page, inv.quote.lines);

  moneyLine(page, "Quote subtotal", inv.quote.subtotalPence);
  if (inv.quote.discountPence) moneyLine(page, "Discount", `-${formatPence(inv.quote.discountPence)}`);
  moneyLine(page, "Quote VAT", inv.quote.vatPence);
  moneyLine(page, "Quote total", inv.quote.totalPence, true);
  page.y += 8;

  // This invoice: its amount by VAT rate.
  heading(page, inv.kind === "full" ? "This invoice" : `This ${inv.kind} invoice`);
  vatLines(page, inv.vat);
  moneyLine(page, "Amount paid", inv.totalPence, true);
  for (const e of inv.earlier) moneyLine(page, `Paid earlier (${e.number}, ${e.kind})`, e.totalPence);
  moneyLine(page, "Balance due", inv.balanceDuePence, true);
  page.y += 10;

  note(
    page,
    `Paid by card on ${formatLongDate(new Date(inv.paid.at))}${inv.paid.reference ? `, reference ${inv.paid.reference}` : ""}${inv.paid.provider === "stripe" ? "" : ` (${paymentSource(inv.paid.provider)})`}.`,
  );
  note(page, "Thank you for your business.");
  page.doc.end();
  return done;
}
