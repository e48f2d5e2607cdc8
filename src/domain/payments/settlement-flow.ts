import type { BlobStore } from "../../ports/blob-store.ts";
import type { Invoice, InvoiceDocuments, Invoices } from "../../ports/invoices.ts";
import type { Issues } from "../../ports/issues.ts";
import type { Job } from "../../ports/jobs.ts";
import type { Leads } from "../../ports/leads.ts";
import type { Log } from "../../ports/log.ts";
import type { PaymentWebhooks, Payments, SettleOutcome, SettlementRules } from "../../ports/payments.ts";
import type { Quotes } from "../../ports/quotes.ts";
import type { QuoteLinkSender } from "../../ports/quote-messages.ts";
import { ok, type Result } from "../result.ts";
import { receiptText } from "./customer-texts.ts";
import { invoiceFor, type CompanyDetails } from "./invoice.ts";
import { settle } from "./settle.ts";

export const INVOICE_PDF_JOB = "render-invoice-pdf";
export const RECEIPT_JOB = "send-payment-receipt";

/** The rules the settlement transaction applies. */
export const settlementRules = (company: CompanyDetails, now: () => Date): SettlementRules => ({
  decide: settle,
  invoice: (input) => invoiceFor({ ...input, company, issuedAt: now() }),
  jobsForInvoice: (invoice) => [
    { kind: INVOICE_PDF_JOB, key: invoice.id, payload: { invoiceId: invoice.id } },
    { kind: RECEIPT_JOB, key: invoice.id, payload: { invoiceId: invoice.id } },
  ],
});

/**
 * A provider's webhook delivery: signature first (over the raw body), then the event settled
 * once (its id recorded in the same transaction), whatever order events arrive in. Returns the
 * rejection for a bad signature or body; everything else, including event types we do not act
 * on and payments we never made, is an outcome to acknowledge. The test checkout delivers its
 * events through this same function and the same verifier.
 */
export async function receivePaymentWebhook(
  deps: { webhooks: PaymentWebhooks; payments: Payments; company: CompanyDetails; now: () => Date; log: Log },
  rawBody: string,
  signature: string | undefined,
): Promise<Result<SettleOutcome, "bad_signature" | "bad_payload">> {
  const verified = await deps.webhooks.verify(rawBody, signature);
  if (!verified.ok) return verified;
  const event = verified.value;
  const outcome = await deps.payments.settleEvent(event, deps.now(), settlementRules(deps.company, deps.now));
  const fields = { provider: event.provider, eventId: event.eventId, type: event.type, outcome: outcome.outcome, action: outcome.settlement?.action, paymentId: outcome.payment?.id, invoice: outcome.invoice?.number };
  if (outcome.settlement?.action === "flag") deps.log.warn({ ...fields, reason: outcome.settlement.reason }, "payment flagged for staff");
  else if (outcome.outcome === "unknown_payment") deps.log.warn(fields, "payment event for a payment we did not make; acknowledged");
  else deps.log.info(fields, "payment event handled");
  return ok(outcome);
}

export const invoiceBlobKey = (invoice: Pick<Invoice, "content">) => `documents/invoices/${invoice.content.number}.pdf`;

/** The invoice's PDF: the stored one, or rendered and stored now (the render job may not have run yet). */
export async function invoicePdf(deps: { invoices: Invoices; blobStore: BlobStore; documents: InvoiceDocuments }, invoice: Invoice): Promise<{ body: ReadableStream<Uint8Array> | Uint8Array; size: number }> {
  if (invoice.pdfKey) {
    const stored = await deps.blobStore.get(invoice.pdfKey);
    if (stored) return { body: stored.body, size: stored.size };
  }
  const bytes = await deps.documents.render(invoice.content);
  const key = invoiceBlobKey(invoice);
  await deps.blobStore.put(key, bytes, deps.documents.contentType);
  await deps.invoices.setPdfKey(invoice.id, key);
  return { body: bytes, size: bytes.byteLength };
}

/** Job: render the invoice's PDF and store it under documents/invoices/. Retried on failure. */
export const renderInvoicePdfJob = (deps: { invoices: Invoices; blobStore: BlobStore; documents: InvoiceDocuments }) => async (job: Job) => {
  const { invoiceId } = job.payload as { invoiceId: string };
  const invoice = await deps.invoices.byId(invoiceId);
  if (!invoice) throw new Error(`no invoice ${invoiceId}`);
  if (invoice.pdfKey && (await deps.blobStore.exists(invoice.pdfKey))) return;
  const bytes = await deps.documents.render(invoice.content);
  const key = invoiceBlobKey(invoice);
  await deps.blobStore.put(key, bytes, deps.documents.contentType);
  await deps.invoices.setPdfKey(invoice.id, key);
};

/** Job: tell the customer their payment arrived, with the link to download the invoice. Once per invoice. */
export const sendReceiptJob =
  (deps: { invoices: Invoices; quotes: Quotes; issues: Issues; leads: Leads; sender: QuoteLinkSender; company: CompanyDetails; publicBaseUrl: () => string }) =>
  async (job: Job) => {
    const { invoiceId } = job.payload as { invoiceId: string };
    const invoice = await deps.invoices.byId(invoiceId);
    if (!invoice) throw new Error(`no invoice ${invoiceId}`);
    const quote = await deps.quotes.byId(invoice.quoteId);
    const issue = quote ? await deps.issues.byId(quote.issueId) : null;
    const lead = issue ? await deps.leads.byId(issue.leadId) : null;
    if (!quote || !lead) throw new Error(`invoice ${invoiceId} has no quote or customer`);
    await deps.sender.send({
      leadId: lead.id,
      quoteId: quote.id,
      to: lead.phone,
      channel: "sms",
      purpose: "receipt",
      body: receiptText({ companyName: deps.company.name, customerName: lead.name, amountPence: invoice.totalPence, invoiceNumber: invoice.content.number, balanceDuePence: invoice.content.balanceDuePence, url: `${deps.publicBaseUrl()}/q/${quote.token}` }),
      dedupeKey: `receipt:${invoice.id}`,
    });
  };
