import type { InvoiceDocuments } from "../../ports/invoices.ts";
import type { QuoteDocuments } from "../../ports/quotes.ts";
import { renderPdf, type PdfJob } from "./render.ts";

/**
 * Invoices and quotes as PDFs with pdfkit. With `inWorker`, both are laid out in one Bun Worker,
 * so a burst of payments or sends (a few milliseconds of CPU a document) never holds up the
 * requests this process is answering.
 * @example const { invoices, quotes } = createPdfDocuments({ inWorker: true });
 */
export function createPdfDocuments(options: { inWorker?: boolean } = {}): {
  invoices: InvoiceDocuments;
  quotes: QuoteDocuments;
} {
  const render = options.inWorker ? workerRenderer() : renderPdf;
  return {
    invoices: { contentType: "application/pdf", render: (content) => render({ kind: "invoice", content }) },
    quotes: { contentType: "application/pdf", render: (content) => render({ kind: "quote", content }) },
  };
}

/** The worker starts on first use and does not keep the process alive; a crash fails what it held and the next job starts a new one. */
function workerRenderer(): (job: PdfJob) => Promise<Uint8Array> {
  let worker: Worker | null = null;
  let nextId = 0;
  const pending = new Map<number, { resolve: (bytes: Uint8Array) => void; reject: (error: Error) => void }>();
  const start = () => {
    const w = new Worker(new URL("./pdf-worker.ts", import.meta.url).href);
    (w as unknown as { unref(): void }).unref();
    w.onmessage = (event: MessageEvent<{ id: number; bytes?: Uint8Array; error?: string }>) => {
      const waiting = pending.get(event.data.id);
      pending.delete(event.data.id);
      if (event.data.bytes) waiting?.resolve(event.data.bytes);
      else waiting?.reject(new Error(`PDF worker: ${event.data.error ?? "no output"}`));
    };
    w.onerror = (event) => {
      for (const waiting of pending.values()) waiting.reject(new Error(`PDF worker failed: ${event.message}`));
      pending.clear();
      worker = null;
    };
    return w;
  };
  return (job) => {
    worker ??= start();
    const id = nextId++;
    return new Promise<Uint8Array>((resolve, reject) => {
      pending.set(id, { resolve, reject });
      worker!.postMessage({ id, job });
    });
  };
}
