import type { Config } from "../config.ts";
import type { AppDeps } from "./app-deps.ts";
import type { BlobStore } from "../ports/blob-store.ts";
import type { Log } from "../ports/log.ts";
import type { Repositories } from "../ports/database.ts";
import type { TaskHandlers } from "../adapters/local/task-runner.ts";
import { pacedSerial } from "../adapters/local/paced-serial.ts";
import type { Database } from "../adapters/db/database-handle.ts";
import type { OutboundMessagesStore } from "../adapters/db/outbound-messages-repository.ts";
import { createOutboxQuoteSender } from "../adapters/local/quote-outbox.ts";
import { createMessengerQuoteSender } from "../adapters/local/quote-messenger-sender.ts";
import type { Messenger } from "../ports/messengers.ts";
import { createTestCheckout } from "../adapters/local/test-checkout.ts";
import { createPdfDocuments } from "../adapters/pdf/pdf-documents.ts";
import { quoteDocumentTask } from "../domain/payments/quote-document-flow.ts";
import { QUOTE_DOCUMENT_TASK } from "../domain/tasks/kinds.ts";
import { createStripeCheckout, createStripeClient } from "../adapters/stripe/stripe-checkout.ts";
import { createStripeWebhooks } from "../adapters/stripe/stripe-webhooks.ts";
import type { VendorResilience } from "../adapters/resilience/vendor-policies.ts";
import {
  INVOICE_ISSUED_TASK,
  invoiceIssuedTask,
  PAYMENT_EVENT_TASK,
  settlePaymentEventTask,
} from "../domain/payments/settlement-flow.ts";
import { TEST_WEBHOOK_TASK, deliverTestWebhooksTask } from "../adapters/local/test-checkout-delivery.ts";
import { stripeKeys } from "./vendor-keys.ts";

/**
 * Builds the quotes-to-cash adapters for a configuration: Stripe Checkout and its webhook
 * secret when the keys are set, else the embedded test checkout with a secret made locally
 * (the same Stripe signature check either way); invoice and quote PDFs; the quote-link sender (the
 * messaging outbox when a provider is connected, else the app's outbox: nothing is sent); and
 * the durable job handlers (settling payment events, the invoice PDF and receipt, a sent quote's
 * PDF, test webhook redelivery).
 */
export function wireQuotesToCash(input: {
  config: Config;
  repos: Repositories & { db: Database; outboundMessages: OutboundMessagesStore };
  blobStore: BlobStore;
  log: Log;
  now: () => Date;
  localWebhookSecret: string;
  publicBaseUrl: () => string;
  /** The messaging outbox, and whether it reaches a provider (Twilio SMS or WhatsApp keys set). */
  messaging?: { messenger: Messenger; live: boolean };
  /** Stripe's shared policy and pace; default: the adapter's own. */
  resilience?: VendorResilience;
}): { deps: AppDeps["quotesToCash"]; taskHandlers: TaskHandlers } {
  const { config, repos, blobStore, log, now } = input;
  const stripe = stripeKeys(config);
  const webhookSecret = stripe ? stripe.webhookSecret : `whsec_${input.localWebhookSecret}`;
  const testCheckout = stripe
    ? null
    : createTestCheckout({ db: repos.db, webhookSecret, baseUrl: input.publicBaseUrl, now });
  const checkout = stripe
    ? createStripeCheckout(createStripeClient(stripe.secretKey, stripe.endpoint), {
        policy: input.resilience?.policy("Stripe"),
        pacer: input.resilience?.pacer("Stripe"),
      })
    : testCheckout!;
  const company = {
    name: config.COMPANY_NAME,
    address: config.COMPANY_ADDRESS ?? null,
    phone: config.COMPANY_PHONE ?? null,
    email: config.COMPANY_EMAIL ?? null,
    vatNumber: config.COMPANY_VAT_NUMBER ?? null,
  };
  // Laid out in a worker thread: a burst of payments or sends never waits behind PDF rendering.
  const pdfs = createPdfDocuments({ inWorker: true });
  const documents = pdfs.invoices;
  // With a messaging provider connected, quote links and receipts go through its durable
  // outbox; otherwise they stay in the app's outbox and nothing is sent.
  const outbox = createOutboxQuoteSender(repos.outboundMessages, log);
  const sender = input.messaging?.live
    ? createMessengerQuoteSender(input.messaging.messenger, repos.outboundMessages, log)
    : outbox;
  const webhooks = createStripeWebhooks({ secret: webhookSecret, now });
  const deps: AppDeps["quotesToCash"] = {
    company,
    checkout,
    testCheckout,
    webhooks,
    documents,
    quoteDocuments: pdfs.quotes,
    sender,
    outbox,
    maxAmountPence: Math.round(config.QUOTE_MAX_AMOUNT * 100),
    validDays: config.QUOTE_VALID_DAYS,
  };
  // Paced on their own queue (apart from messaging's): settlements queue on the invoice counter row anyway.
  const taskHandlers = pacedSerial<TaskHandlers>({
    [INVOICE_ISSUED_TASK]: invoiceIssuedTask({
      invoices: repos.invoices,
      blobStore,
      documents,
      sender,
      company,
      publicBaseUrl: input.publicBaseUrl,
    }),
    [QUOTE_DOCUMENT_TASK]: quoteDocumentTask({
      quotes: repos.quotes,
      issues: repos.issues,
      leads: repos.leads,
      blobStore,
      documents: pdfs.quotes,
      company,
    }),
    [PAYMENT_EVENT_TASK]: settlePaymentEventTask({
      payments: repos.payments,
      quotes: repos.quotes,
      issues: repos.issues,
      leads: repos.leads,
      company,
      now,
      log,
      auditTrail: repos.audit,
    }),
    [TEST_WEBHOOK_TASK]: deliverTestWebhooksTask({
      testCheckout,
      webhooks,
      tasks: repos.tasks,
      now,
      log,
      poke: () => {},
    }),
  });
  return { deps, taskHandlers };
}
