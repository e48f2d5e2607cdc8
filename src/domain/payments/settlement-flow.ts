import type { AuditTrail } from "../../ports/audit.ts";
import type { BlobStore } from "../../ports/blob-store.ts";
import type { Invoice, InvoiceDocuments, Invoices } from "../../ports/invoices.ts";
import type { Log } from "../../ports/log.ts";
import type { PaymentWebhooks, Payments, SettleOutcome, SettlementRules } from "../../ports/payments.ts";
import type { Tasks } from "../../ports/tasks.ts";
import type { QuoteLinkSender } from "../../ports/quote-messages.ts";
import { ok, type Result } from "../result.ts";
import type { E164 } from "../phone.ts";
import { receiptText } from "./customer-texts.ts";
import { billTo, invoiceFor, type CompanyDetails } from "./invoice.ts";
import { settle, type PaymentEvent } from "./settle.ts";
import { moveOnAfterPayment, type AfterPaymentDeps } from "./after-payment.ts";
import type { Quotes } from "../../ports/quotes.ts";
import { INVOICE_ISSUED_TASK, PAYMENT_EVENT_TASK, type TaskPayload } from "../tasks/kinds.ts";
export { INVOICE_ISSUED_TASK, PAYMENT_EVENT_TASK };

/** The rules the settlement transaction applies. */
export const settlementRules = (company: CompanyDetails, now: () => Date): SettlementRules => ({
  decide: settle,
  billTo,
  invoice: (input) => invoiceFor({ ...input, company, issuedAt: now() }),
  tasksForInvoice: (invoice) => [{ kind: INVOICE_ISSUED_TASK, key: invoice.id, payload: { invoiceId: invoice.id } }],
});

export type WebhookOutcome = "queued" | "duplicate" | "ignored";

/**
 * A provider's webhook delivery: the signature first (over the raw body); then the event is
 * recorded durably, once per event id (a job keyed by it, under the jobs table's unique key),
 * and acknowledged at once. The job settles it (settlePaymentEvent), retried with backoff until
 * it succeeds, so nothing accepted is lost and a replay adds nothing. Event types we do not act
 * on are acknowledged and ignored. The test checkout delivers its events through this function;
 * the HTTP webhook runs the same two steps, the verifier in its middleware and then
 * recordPaymentEvent.
 */
export async function receivePaymentWebhook(
  deps: { webhooks: PaymentWebhooks; tasks: Tasks; now: () => Date; log: Log; poke: () => void },
  rawBody: string,
  signature: string | undefined,
): Promise<Result<{ outcome: WebhookOutcome; event: PaymentEvent }, "bad_signature" | "bad_payload">> {
  const verified = await deps.webhooks.verify(rawBody, signature);
  if (!verified.ok) return verified;
  return ok({ outcome: await recordPaymentEvent(deps, verified.value), event: verified.value });
}

/**
 * A verified event (the webhook's middleware, or receivePaymentWebhook, checked its signature):
 * recorded once per event id as the job that settles it, or acknowledged and ignored when it is
 * of a type we do not act on.
 */
export async function recordPaymentEvent(
  deps: { tasks: Tasks; now: () => Date; log: Log; poke: () => void },
  event: PaymentEvent,
): Promise<WebhookOutcome> {
  if (!event.ref || !event.report) {
    deps.log.debug(
      { provider: event.provider, eventId: event.eventId, type: event.type },
      "payment event type we do not act on; acknowledged",
    );
    return "ignored";
  }
  const added = await deps.tasks.enqueue({
    kind: PAYMENT_EVENT_TASK,
    key: `${event.provider}:${event.eventId}`,
    payload: event,
    runAt: deps.now(),
  });
  if (added) deps.poke();
  return added ? "queued" : "duplicate";
}

type SettleDeps = {
  payments: Payments;
  quotes: Pick<Quotes, "byId">;
  issues: AfterPaymentDeps["issues"];
  leads: AfterPaymentDeps["leads"];
  company: CompanyDetails;
  now: () => Date;
  log: Log;
  auditTrail: AuditTrail;
};

/**
 * Settles a verified event: in one transaction its id is recorded (a second settlement of it
 * does nothing), the payment found and locked, the domain's rule applied, and when paid the
 * quote moved on and the invoice issued with the next number. Then the job and the customer
 * follow the quote (moveOnAfterPayment), also on a replay, so a settlement whose follow-up was
 * cut short (a crash between the two) is completed by the next delivery or retry.
 */
export async function settlePaymentEvent(deps: SettleDeps, event: PaymentEvent): Promise<SettleOutcome> {
  const outcome = await deps.payments.settleEvent(event, deps.now(), settlementRules(deps.company, deps.now));
  const fields = {
    provider: event.provider,
    eventId: event.eventId,
    type: event.type,
    outcome: outcome.outcome,
    action: outcome.settlement?.action,
    paymentId: outcome.payment?.id,
    invoice: outcome.invoice?.number,
  };
  // Held for staff (wrong amount or currency), or paid with a note staff must act on.
  const flag =
    outcome.settlement?.action === "flag"
      ? outcome.settlement.reason
      : outcome.settlement?.action === "paid"
        ? outcome.settlement.flag
        : null;
  if (flag) {
    await deps.auditTrail.record({
      who: event.provider,
      what: "payment flagged for staff",
      entity: "payment",
      entityId: outcome.payment?.id ?? null,
      at: deps.now(),
      details: { reason: flag, eventId: event.eventId },
    });
  }
  if (outcome.settlement?.action === "flag")
    deps.log.warn({ ...fields, reason: outcome.settlement.reason }, "payment flagged for staff");
  else if (outcome.outcome === "unknown_payment")
    deps.log.warn(fields, "payment event for a payment we did not make; acknowledged");
  else deps.log.info(fields, "payment event settled");
  await followQuote(deps, event, outcome);
  return outcome;
}

/** The paid quote's job and customer moved on, by the quote's status as it now stands. */
async function followQuote(deps: SettleDeps, event: PaymentEvent, outcome: SettleOutcome) {
  if (outcome.outcome === "ignored" || outcome.outcome === "unknown_payment") return;
  const ref = event.ref;
  const payment =
    outcome.payment ??
    (ref?.paymentId ? await deps.payments.byId(ref.paymentId) : null) ??
    (ref?.checkoutSessionId ? await deps.payments.bySessionId(ref.checkoutSessionId) : null);
  if (!payment || payment.status !== "paid") return;
  const quote = await deps.quotes.byId(payment.quoteId);
  if (!quote) return;
  await moveOnAfterPayment(deps, {
    issueId: quote.issueId,
    quoteId: quote.id,
    quoteStatus: quote.status,
    who: event.provider,
  });
}

/** Task: settle one recorded payment event (throws, and so is retried, when the database fails). */
export const settlePaymentEventTask = (deps: SettleDeps) => async (event: TaskPayload<typeof PAYMENT_EVENT_TASK>) => {
  await settlePaymentEvent(deps, event);
};

export const invoiceBlobKey = (invoice: Pick<Invoice, "content">) => `documents/invoices/${invoice.content.number}.pdf`;

/** The invoice's PDF: the stored one, or rendered and stored now (the render job may not have run yet). */
export async function invoicePdf(
  deps: { invoices: Invoices; blobStore: BlobStore; documents: InvoiceDocuments },
  invoice: Invoice,
): Promise<{ body: ReadableStream<Uint8Array> | Uint8Array; size: number }> {
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

/**
 * Task, once per invoice: render its PDF and store it under documents/invoices/ (unless stored
 * already), then tell the customer the payment arrived, with the link to their quote page where
 * the invoice downloads. Safe to retry: the PDF is skipped once stored and the receipt's dedupe
 * key makes a second send land once.
 */
export const invoiceIssuedTask =
  (deps: {
    invoices: Invoices;
    blobStore: BlobStore;
    documents: InvoiceDocuments;
    sender: QuoteLinkSender;
    company: CompanyDetails;
    publicBaseUrl: () => string;
  }) =>
  async ({ invoiceId }: TaskPayload<typeof INVOICE_ISSUED_TASK>) => {
    const found = await deps.invoices.withCustomer(invoiceId);
    if (!found) throw new Error(`no invoice ${invoiceId}`);
    const { invoice } = found;
    if (!invoice.pdfKey) {
      const bytes = await deps.documents.render(invoice.content);
      const key = invoiceBlobKey(invoice);
      await deps.blobStore.put(key, bytes, deps.documents.contentType);
      await deps.invoices.setPdfKey(invoice.id, key);
    }
    await deps.sender.send({
      leadId: found.leadId,
      quoteId: invoice.quoteId,
      to: found.leadPhone as E164 | null,
      channel: "sms",
      purpose: "receipt",
      body: receiptText({
        companyName: deps.company.name,
        customerName: found.leadName,
        amountPence: invoice.totalPence,
        invoiceNumber: invoice.content.number,
        balanceDuePence: invoice.content.balanceDuePence,
        url: `${deps.publicBaseUrl()}/q/${found.quoteToken}`,
      }),
      dedupeKey: `receipt:${invoice.id}`,
    });
  };
