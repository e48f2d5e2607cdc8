import type { InvoiceContent } from "../../domain/payments/invoice.ts";
import type { QuoteDocumentContent } from "../../domain/payments/quote-document.ts";
import { renderInvoicePdf } from "./invoice-pdf.ts";
import { renderQuotePdf } from "./quote-pdf.ts";

/** One document to lay out, tagged by kind so one worker serves both. */
export type PdfJob = { kind: "invoice"; content: InvoiceContent } | { kind: "quote"; content: QuoteDocumentContent };

export const renderPdf = (job: PdfJob): Promise<Uint8Array> =>
  job.kind === "invoice" ? renderInvoicePdf(job.content) : renderQuotePdf(job.content);
