/** The PDF worker: renders invoices off the main thread (see createInvoicePdfs({ inWorker: true })). */
import type { InvoiceContent } from "../../domain/payments/invoice.ts";
import { renderInvoicePdf } from "./invoice-pdf.ts";

declare const self: Worker;

self.onmessage = async (event: MessageEvent<{ id: number; content: InvoiceContent }>) => {
  const { id, content } = event.data;
  try {
    const bytes = await renderInvoicePdf(content);
    self.postMessage({ id, bytes }, [bytes.buffer]);
  } catch (error) {
    self.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
};
