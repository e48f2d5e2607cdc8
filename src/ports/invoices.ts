import type { InvoiceContent } from "../domain/payments/invoice.ts";
import type { ChargeKind } from "../domain/payments/charges.ts";

export interface Invoice {
  id: string;
  /** The sequence number (1, 2, 3…); `content.number` is how it prints ("INV-000003"). */
  number: number;
  quoteId: string;
  paymentId: string;
  kind: ChargeKind;
  totalPence: number;
  content: InvoiceContent;
  issuedAt: Date;
  /** Blob key under documents/, once the PDF is stored. */
  pdfKey: string | null;
}

/** Issued invoices (they are created by Payments.settleEvent, never on their own). */
export interface Invoices {
  byId(id: string): Promise<Invoice | null>;
  forQuote(quoteId: string): Promise<Invoice[]>;
  setPdfKey(id: string, key: string): Promise<void>;
  /** The invoice with what its receipt needs (the quote's link token, the customer), in one read. */
  withCustomer(id: string): Promise<{
    invoice: Invoice;
    quoteToken: string;
    leadId: string;
    leadName: string | null;
    leadPhone: string | null;
  } | null>;
  /** Newest first, for staff. */
  recent(limit: number): Promise<Invoice[]>;
}

/** Renders an invoice as a document (a PDF). */
export interface InvoiceDocuments {
  readonly contentType: string;
  render(content: InvoiceContent): Promise<Uint8Array>;
}
