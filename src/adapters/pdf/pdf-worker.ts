/** The PDF worker: lays out invoices and quotes off the main thread (see createPdfDocuments({ inWorker: true })). */
import { renderPdf, type PdfJob } from "./render.ts";

declare const self: Worker;

self.onmessage = async (event: MessageEvent<{ id: number; job: PdfJob }>) => {
  const { id, job } = event.data;
  try {
    const bytes = await renderPdf(job);
    self.postMessage({ id, bytes }, [bytes.buffer]);
  } catch (error) {
    self.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
};
