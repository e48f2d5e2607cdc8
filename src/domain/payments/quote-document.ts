import type { Issue } from "../issues.ts";
import type { Lead } from "../leads.ts";
import type { Pence } from "../money.ts";
import type { LineTotals, Quote, QuoteLine, QuoteTotals } from "../quotes.ts";
import { billTo, type CompanyDetails, type InvoiceContent } from "./invoice.ts";

/** Everything a sent quote version prints as a document: what the customer was sent, as a file. */
export interface QuoteDocumentContent {
  company: CompanyDetails;
  /** Who the quote is for: the organisation, FAO the person, as on the invoice. */
  customer: InvoiceContent["customer"];
  job: InvoiceContent["job"];
  quote: {
    id: string;
    version: number;
    sentAt: string;
    validUntil: string | null;
    terms: string | null;
    lines: (QuoteLine & LineTotals)[];
    subtotalPence: Pence;
    discountPence: Pence;
    netPence: Pence;
    vatPence: Pence;
    totalPence: Pence;
    vatByRate: QuoteTotals["vatByRate"];
    depositPence: Pence;
  };
}

/**
 * Where a version's PDF is kept: one file per version under the job's folder, so a newer
 * version never replaces an older one's file (the S3 layout's documents/ prefix).
 * @example quoteDocumentKey({ issueId: "9b1…", version: 2 }) // "documents/quotes/9b1…/v2.pdf"
 */
export const quoteDocumentKey = (quote: Pick<Quote, "issueId" | "version">): string =>
  `documents/quotes/${quote.issueId}/v${quote.version}.pdf`;

/** The file name a download suggests. @example quoteFileName({ version: 2 }) // "quote-v2.pdf" */
export const quoteFileName = (quote: Pick<Quote, "version">): string => `quote-v${quote.version}.pdf`;

/** A sent version's document content; null for a draft (nothing was sent, so there is no document). */
export function quoteDocumentFor(input: {
  company: CompanyDetails;
  quote: Quote;
  issue: Pick<Issue, "title" | "address" | "postcode">;
  lead: Pick<Lead, "name" | "organisation" | "address" | "postcode"> | null;
}): QuoteDocumentContent | null {
  const { quote, issue } = input;
  if (quote.status === "draft" || !quote.sentAt) return null;
  const site = { address: issue.address, postcode: issue.postcode };
  return {
    company: input.company,
    customer: billTo(input.lead ?? { name: null, organisation: null, address: null, postcode: null }, site),
    job: { title: issue.title, ...site },
    quote: {
      id: quote.id,
      version: quote.version,
      sentAt: quote.sentAt.toISOString(),
      validUntil: quote.validUntil?.toISOString() ?? null,
      terms: quote.terms,
      lines: quote.lines.map((line, i) => ({ ...line, ...quote.totals.lines[i]! })),
      subtotalPence: quote.totals.subtotalPence,
      discountPence: quote.totals.discountPence,
      netPence: quote.totals.netPence,
      vatPence: quote.totals.vatPence,
      totalPence: quote.totals.totalPence,
      vatByRate: quote.totals.vatByRate.filter((v) => v.netPence + v.vatPence > 0),
      depositPence: quote.totals.depositPence,
    },
  };
}
