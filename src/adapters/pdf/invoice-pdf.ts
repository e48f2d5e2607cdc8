import PDFDocument from "pdfkit";
import { formatLongDate } from "../../domain/london-time.ts";
import { formatPence } from "../../domain/money.ts";
import { billToLines, type InvoiceContent } from "../../domain/payments/invoice.ts";
import { paymentSource } from "../../domain/payments/charges.ts";
import type { InvoiceDocuments } from "../../ports/invoices.ts";

const KIND_TITLES = { deposit: "Deposit invoice", full: "Invoice", balance: "Balance invoice" } as const;

/**
 * Invoices as A4 PDFs with pdfkit (its built-in Helvetica, which covers "£"): the company's
 * details and VAT number, the customer, the quote's lines, the VAT breakdown by rate for this
 * invoice's amount, earlier invoices on the same quote, and a PAID mark with the date and the
 * payment reference. Deterministic for the same content apart from the PDF's creation date.
 * @example const pdf = await createInvoicePdfs().render(invoice.content);
 */
export function createInvoicePdfs(options: { inWorker?: boolean } = {}): InvoiceDocuments {
  if (options.inWorker) return workerRenderer();
  return {
    contentType: "application/pdf",
    render: (content) => renderInvoicePdf(content),
  };
}

/**
 * Renders in a Bun Worker, so laying out a PDF (a few milliseconds of CPU each) never holds up
 * the requests this process is answering. The worker starts on first use and does not keep the
 * process alive.
 */
function workerRenderer(): InvoiceDocuments {
  let worker: Worker | null = null;
  let nextId = 0;
  const pending = new Map<number, { resolve: (bytes: Uint8Array) => void; reject: (error: Error) => void }>();
  const start = () => {
    const w = new Worker(new URL("./invoice-pdf-worker.ts", import.meta.url).href);
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
  return {
    contentType: "application/pdf",
    render(content) {
      worker ??= start();
      const id = nextId++;
      return new Promise<Uint8Array>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker!.postMessage({ id, content });
      });
    },
  };
}

export function renderInvoicePdf(inv: InvoiceContent): Promise<Uint8Array> {
  const doc = new PDFDocument({
    size: "A4",
    margin: 50,
    info: { Title: `${KIND_TITLES[inv.kind]} ${inv.number}`, Author: inv.company.name },
  });
  const chunks: Buffer[] = [];
  doc.on("data", (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Uint8Array>((resolve, reject) => {
    doc.on("end", () => resolve(new Uint8Array(Buffer.concat(chunks))));
    doc.on("error", reject);
  });

  const left = 50;
  const right = doc.page.width - 50;
  const width = right - left;

  // Company, top left; the invoice's title and number, top right.
  doc
    .font("Helvetica-Bold")
    .fontSize(16)
    .text(inv.company.name, left, 50, { width: width / 2 });
  doc.font("Helvetica").fontSize(9);
  for (const line of [
    inv.company.address,
    inv.company.phone,
    inv.company.email,
    inv.company.vatNumber ? `VAT registration number: ${inv.company.vatNumber}` : null,
  ]) {
    if (line) doc.text(line, { width: width / 2 });
  }
  doc
    .font("Helvetica-Bold")
    .fontSize(18)
    .text(KIND_TITLES[inv.kind].toUpperCase(), left + width / 2, 50, { width: width / 2, align: "right" });
  doc.font("Helvetica").fontSize(10);
  doc.text(`Number: ${inv.number}`, { width: width / 2, align: "right" });
  doc.text(`Date: ${formatLongDate(new Date(inv.issuedAt))}`, { width: width / 2, align: "right" });
  doc.text(`Quote version ${inv.quote.version}`, { width: width / 2, align: "right" });
  doc
    .fillColor("#1e7b34")
    .font("Helvetica-Bold")
    .fontSize(14)
    .text("PAID", { width: width / 2, align: "right" })
    .fillColor("black");

  let y = Math.max(doc.y, 150) + 10;
  doc.font("Helvetica-Bold").fontSize(10).text("Bill to", left, y);
  doc.font("Helvetica").text(billToLines(inv.customer).join("\n"), left, doc.y, {
    width: width / 2,
  });
  doc.font("Helvetica-Bold").text("Job", left + width / 2, y);
  doc
    .font("Helvetica")
    .text([inv.job.title, inv.job.address, inv.job.postcode].filter(Boolean).join("\n"), left + width / 2, doc.y, {
      width: width / 2,
    });
  y = doc.y + 20;

  // The quote's lines.
  const columns = [
    { title: "Description", x: left, w: 215, align: "left" as const },
    { title: "Qty", x: left + 215, w: 45, align: "right" as const },
    { title: "Unit price", x: left + 260, w: 70, align: "right" as const },
    { title: "VAT", x: left + 330, w: 45, align: "right" as const },
    { title: "Net", x: left + 375, w: width - 375, align: "right" as const },
  ];
  const row = (cells: string[], bold = false) => {
    doc.font(bold ? "Helvetica-Bold" : "Helvetica").fontSize(9);
    const heights = cells.map((cell, i) => doc.heightOfString(cell, { width: columns[i]!.w - 4 }));
    if (y + Math.max(...heights) > doc.page.height - 80) {
      doc.addPage();
      y = 50;
    }
    cells.forEach((cell, i) =>
      doc.text(cell, columns[i]!.x, y, { width: columns[i]!.w - 4, align: columns[i]!.align }),
    );
    y += Math.max(...heights) + 5;
  };
  row(
    columns.map((c) => c.title),
    true,
  );
  doc
    .moveTo(left, y - 2)
    .lineTo(right, y - 2)
    .strokeColor("#999999")
    .stroke();
  for (const line of inv.quote.lines) {
    row([
      line.description,
      String(line.quantity),
      formatPence(line.unitPricePence),
      `${line.vatRatePercent}%`,
      formatPence(line.netPence),
    ]);
  }
  doc.moveTo(left, y).lineTo(right, y).stroke();
  y += 8;

  const sum = (label: string, value: string, bold = false) => {
    doc.font(bold ? "Helvetica-Bold" : "Helvetica").fontSize(10);
    doc.text(label, left + width / 2, y, { width: width / 2 - 90 });
    doc.text(value, right - 90, y, { width: 90, align: "right" });
    y += 16;
  };
  sum("Quote subtotal", formatPence(inv.quote.subtotalPence));
  if (inv.quote.discountPence) sum("Discount", `-${formatPence(inv.quote.discountPence)}`);
  sum("Quote VAT", formatPence(inv.quote.vatPence));
  sum("Quote total", formatPence(inv.quote.totalPence), true);
  y += 8;

  // This invoice: its amount by VAT rate.
  doc
    .font("Helvetica-Bold")
    .fontSize(11)
    .text(inv.kind === "full" ? "This invoice" : `This ${inv.kind} invoice`, left, y);
  y = doc.y + 4;
  for (const v of inv.vat) sum(`Net at ${v.ratePercent}% VAT`, formatPence(v.netPence));
  for (const v of inv.vat) sum(`VAT at ${v.ratePercent}%`, formatPence(v.vatPence));
  sum("Amount paid", formatPence(inv.totalPence), true);
  for (const e of inv.earlier) sum(`Paid earlier (${e.number}, ${e.kind})`, formatPence(e.totalPence));
  sum("Balance due", formatPence(inv.balanceDuePence), true);
  y += 10;

  doc.font("Helvetica").fontSize(9).fillColor("#444444");
  doc.text(
    `Paid by card on ${formatLongDate(new Date(inv.paid.at))}${inv.paid.reference ? `, reference ${inv.paid.reference}` : ""}${inv.paid.provider === "stripe" ? "" : ` (${paymentSource(inv.paid.provider)})`}.`,
    left,
    y,
    { width },
  );
  doc.text("Thank you for your business.", left, doc.y + 4, { width });
  doc.end();
  return done;
}
