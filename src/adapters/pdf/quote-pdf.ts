import { formatLongDate } from "../../domain/london-time.ts";
import { formatPence } from "../../domain/money.ts";
import { billToLines } from "../../domain/payments/invoice.ts";
import type { QuoteDocumentContent } from "../../domain/payments/quote-document.ts";
import { heading, letterhead, linesTable, moneyLine, note, startPage, twoBlocks, vatLines } from "./layout.ts";

/**
 * A sent quote version as an A4 PDF, in the invoice's layout (layout.ts): the letterhead with
 * the version, the date it was sent and how long it stands; who it is for and the job; the lines;
 * subtotal, discount, VAT by rate and the total; the deposit asked for; the terms.
 * @example const pdf = await renderQuotePdf(quoteDocumentFor({ company, quote, issue, lead })!);
 */
export function renderQuotePdf(content: QuoteDocumentContent): Promise<Uint8Array> {
  const q = content.quote;
  const { page, done } = startPage({ title: `Quote, version ${q.version}`, author: content.company.name });
  letterhead(page, content.company, "Quote", [
    `Version ${q.version}`,
    `Date: ${formatLongDate(new Date(q.sentAt))}`,
    ...(q.validUntil ? [`Valid until ${formatLongDate(new Date(q.validUntil))}`] : []),
  ]);
  twoBlocks(
    page,
    { heading: "For", lines: billToLines(content.customer) },
    {
      heading: "Job",
      lines: [content.job.title, content.job.address, content.job.postcode].filter((l): l is string => Boolean(l)),
    },
  );
  linesTable(page, q.lines);

  moneyLine(page, "Subtotal", q.subtotalPence);
  if (q.discountPence) moneyLine(page, "Discount", `-${formatPence(q.discountPence)}`);
  vatLines(page, q.vatByRate);
  moneyLine(page, "Total", q.totalPence, true);
  if (q.depositPence > 0 && q.depositPence < q.totalPence) moneyLine(page, "Deposit to start", q.depositPence);
  page.y += 10;

  if (q.terms) {
    heading(page, "Terms");
    note(page, q.terms);
  }
  note(
    page,
    "Prices are in pounds sterling and include VAT where shown. Accept and pay from the link in your message.",
  );
  page.doc.end();
  return done;
}
