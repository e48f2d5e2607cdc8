import PDFDocument from "pdfkit";
import { formatPence } from "../../domain/money.ts";
import type { CompanyDetails } from "../../domain/payments/invoice.ts";
import type { QuoteLine } from "../../domain/quotes.ts";

/**
 * What invoices and quotes share on paper: an A4 page with pdfkit's built-in Helvetica (which
 * covers "£"), the company's letterhead with its VAT number, the title block, the two address
 * blocks, the table of lines and the right-aligned money lines. Each document file lays out only
 * what is its own.
 */
export interface Page {
  doc: PDFKit.PDFDocument;
  left: number;
  right: number;
  width: number;
  /** Where the next block starts. */
  y: number;
}

/** A4 with 50 pt margins; `done` resolves to the file's bytes once `doc.end()` is called. */
export function startPage(info: { title: string; author: string }): { page: Page; done: Promise<Uint8Array> } {
  const doc = new PDFDocument({ size: "A4", margin: 50, info: { Title: info.title, Author: info.author } });
  const chunks: Buffer[] = [];
  doc.on("data", (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Uint8Array>((resolve, reject) => {
    doc.on("end", () => resolve(new Uint8Array(Buffer.concat(chunks))));
    doc.on("error", reject);
  });
  const left = 50;
  const right = doc.page.width - 50;
  return { page: { doc, left, right, width: right - left, y: 50 }, done };
}

/**
 * The company, top left (name, address, phone, email, VAT registration number); the document's
 * title in capitals top right, then its facts a line each (number, date, version…) and an
 * optional coloured mark ("PAID").
 */
export function letterhead(
  page: Page,
  company: CompanyDetails,
  title: string,
  facts: readonly string[],
  mark?: { text: string; colour: string },
): void {
  const { doc, left, width } = page;
  doc
    .font("Helvetica-Bold")
    .fontSize(16)
    .text(company.name, left, 50, { width: width / 2 });
  doc.font("Helvetica").fontSize(9);
  for (const line of [
    company.address,
    company.phone,
    company.email,
    company.vatNumber ? `VAT registration number: ${company.vatNumber}` : null,
  ]) {
    if (line) doc.text(line, { width: width / 2 });
  }
  const companyBottom = doc.y;
  doc
    .font("Helvetica-Bold")
    .fontSize(18)
    .text(title.toUpperCase(), left + width / 2, 50, { width: width / 2, align: "right" });
  doc.font("Helvetica").fontSize(10);
  for (const fact of facts) doc.text(fact, { width: width / 2, align: "right" });
  if (mark) {
    doc
      .fillColor(mark.colour)
      .font("Helvetica-Bold")
      .fontSize(14)
      .text(mark.text, { width: width / 2, align: "right" })
      .fillColor("black");
  }
  page.y = Math.max(doc.y, companyBottom, 150) + 10;
}

/** Two headed blocks side by side ("Bill to" / "Job", "For" / "Job"), a line each. */
export function twoBlocks(
  page: Page,
  leftBlock: { heading: string; lines: readonly string[] },
  rightBlock: { heading: string; lines: readonly string[] },
): void {
  const { doc, left, width } = page;
  const top = page.y;
  doc.font("Helvetica-Bold").fontSize(10).text(leftBlock.heading, left, top);
  doc.font("Helvetica").text(leftBlock.lines.join("\n"), left, doc.y, { width: width / 2 });
  const leftBottom = doc.y;
  doc
    .font("Helvetica-Bold")
    .fontSize(10)
    .text(rightBlock.heading, left + width / 2, top);
  doc.font("Helvetica").text(rightBlock.lines.join("\n"), left + width / 2, doc.y, { width: width / 2 });
  page.y = Math.max(doc.y, leftBottom) + 20;
}

/**
 * The quote's lines as a table (description, quantity, unit price, VAT rate, net), a new page
 * when one fills up, ruled above and below.
 */
export function linesTable(page: Page, lines: readonly (QuoteLine & { netPence: number })[]): void {
  const { doc, left, right, width } = page;
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
    if (page.y + Math.max(...heights) > doc.page.height - 80) {
      doc.addPage();
      page.y = 50;
    }
    cells.forEach((cell, i) =>
      doc.text(cell, columns[i]!.x, page.y, { width: columns[i]!.w - 4, align: columns[i]!.align }),
    );
    page.y += Math.max(...heights) + 5;
  };
  row(
    columns.map((c) => c.title),
    true,
  );
  doc
    .moveTo(left, page.y - 2)
    .lineTo(right, page.y - 2)
    .strokeColor("#999999")
    .stroke();
  for (const line of lines) {
    row([
      line.description,
      String(line.quantity),
      formatPence(line.unitPricePence),
      `${line.vatRatePercent}%`,
      formatPence(line.netPence),
    ]);
  }
  doc.moveTo(left, page.y).lineTo(right, page.y).stroke();
  page.y += 8;
}

/** One money line on the right: its label, then the amount right-aligned. */
export function moneyLine(page: Page, label: string, pence: number | string, bold = false): void {
  const { doc, left, right, width } = page;
  if (page.y > doc.page.height - 80) {
    doc.addPage();
    page.y = 50;
  }
  doc.font(bold ? "Helvetica-Bold" : "Helvetica").fontSize(10);
  doc.text(label, left + width / 2, page.y, { width: width / 2 - 90 });
  doc.text(typeof pence === "number" ? formatPence(pence) : pence, right - 90, page.y, { width: 90, align: "right" });
  page.y += 16;
}

/** VAT by rate: the net and the VAT at each rate, as HMRC asks a VAT invoice or quote to show. */
export function vatLines(
  page: Page,
  vat: readonly { ratePercent: number; netPence: number; vatPence: number }[],
): void {
  for (const v of vat) moneyLine(page, `Net at ${v.ratePercent}% VAT`, v.netPence);
  for (const v of vat) moneyLine(page, `VAT at ${v.ratePercent}%`, v.vatPence);
}

/** A heading across the page ("This invoice", "Terms"). */
export function heading(page: Page, text: string): void {
  page.doc.font("Helvetica-Bold").fontSize(11).fillColor("black").text(text, page.left, page.y);
  page.y = page.doc.y + 4;
}

/** Small grey text across the page (payment notes, terms, "Thank you…"). */
export function note(page: Page, text: string): void {
  page.doc.font("Helvetica").fontSize(9).fillColor("#444444").text(text, page.left, page.y, { width: page.width });
  page.doc.fillColor("black");
  page.y = page.doc.y + 4;
}
