import { asc, desc, eq } from "drizzle-orm";
import type { InvoiceContent } from "../../domain/payments/invoice.ts";
import type { Invoice, Invoices } from "../../ports/invoices.ts";
import type { Database } from "./database-handle.ts";
import { isUuid } from "./query-helpers.ts";
import { invoices, issues, leads, quotes } from "./schema.ts";

type InvoiceRow = typeof invoices.$inferSelect;

const toInvoice = (row: InvoiceRow): Invoice => ({
  id: row.id,
  number: row.number,
  quoteId: row.quoteId,
  paymentId: row.paymentId,
  kind: row.kind,
  totalPence: row.totalPence,
  content: row.content as unknown as InvoiceContent,
  issuedAt: row.issuedAt,
  pdfKey: row.pdfKey,
});

/** Issued invoices (inserted by the payments repository's settlement transaction). */
export function createInvoicesRepository(db: Database): Invoices {
  return {
    async byId(id) {
      if (!isUuid(id)) return null;
      const [row] = await db.select().from(invoices).where(eq(invoices.id, id));
      return row ? toInvoice(row) : null;
    },
    async forQuote(quoteId) {
      if (!isUuid(quoteId)) return [];
      const rows = await db.select().from(invoices).where(eq(invoices.quoteId, quoteId)).orderBy(asc(invoices.number));
      return rows.map(toInvoice);
    },
    async setPdfKey(id, key) {
      if (!isUuid(id)) return;
      await db.update(invoices).set({ pdfKey: key }).where(eq(invoices.id, id));
    },
    async withCustomer(id) {
      if (!isUuid(id)) return null;
      const [row] = await db
        .select({
          invoice: invoices,
          quoteToken: quotes.token,
          leadId: leads.id,
          leadName: leads.name,
          leadPhone: leads.phone,
        })
        .from(invoices)
        .innerJoin(quotes, eq(quotes.id, invoices.quoteId))
        .innerJoin(issues, eq(issues.id, quotes.issueId))
        .innerJoin(leads, eq(leads.id, issues.leadId))
        .where(eq(invoices.id, id));
      return row ? { ...row, invoice: toInvoice(row.invoice) } : null;
    },
    async recent(limit) {
      const rows = await db.select().from(invoices).orderBy(desc(invoices.number)).limit(limit);
      return rows.map(toInvoice);
    },
  };
}
