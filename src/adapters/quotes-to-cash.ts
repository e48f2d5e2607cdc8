import type { Config } from "../config.ts";
import type { AppDeps } from "../http/deps.ts";
import type { BlobStore } from "../ports/blob-store.ts";
import type { Log } from "../ports/log.ts";
import type { Repositories } from "../ports/database.ts";
import type { JobHandler } from "./local/job-runner.ts";
import type { Database } from "./db/database-handle.ts";
import type { OutboundMessagesStore } from "./db/outbound-messages-repository.ts";
import { createOutboxQuoteSender } from "./local/quote-outbox.ts";
import { createMessengerQuoteSender } from "./local/quote-messenger-sender.ts";
import type { Messenger } from "../ports/messengers.ts";
import { createTestCheckout } from "./local/test-checkout.ts";
import { createInvoicePdfs } from "./pdf/invoice-pdf.ts";
import { createStripeCheckout, createStripeClient } from "./stripe/stripe-checkout.ts";
import { createStripeWebhooks } from "./stripe/stripe-webhooks.ts";
import { INVOICE_ISSUED_JOB, invoiceIssuedJob, PAYMENT_EVENT_JOB, settlePaymentEventJob } from "../domain/payments/settlement-flow.ts";
import { TEST_WEBHOOK_JOB, deliverTestWebhooksJob } from "./local/test-checkout-delivery.ts";

/** On the embedded default, the test checkout signs its events with this locally made secret. */
export const STRIPE_LOCAL_SECRET_FILE = "stripe-local-webhook-secret";

/** Stripe is used when both its secret key and its webhook secret are set. */
export const stripeConfigured = (config: Config) => Boolean(config.STRIPE_SECRET_KEY && config.STRIPE_WEBHOOK_SECRET);

/**
 * Builds the quotes-to-cash adapters for a configuration: Stripe Checkout and its webhook
 * secret when the keys are set, else the embedded test checkout with a secret made locally
 * (the same Stripe signature check either way); invoice PDFs; the quote-link sender (the
 * messaging outbox when a provider is connected, else the app's outbox: nothing is sent); and
 * the durable job handlers (settling payment events, the invoice PDF and receipt, test webhook
 * redelivery).
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
}): { deps: AppDeps["quotesToCash"]; jobHandlers: Record<string, JobHandler> } {
  const { config, repos, blobStore, log, now } = input;
  const stripe = stripeConfigured(config);
  const webhookSecret = stripe ? config.STRIPE_WEBHOOK_SECRET! : `whsec_${input.localWebhookSecret}`;
  const testCheckout = stripe ? null : createTestCheckout({ db: repos.db, webhookSecret, baseUrl: input.publicBaseUrl, now });
  const checkout = testCheckout ?? createStripeCheckout(createStripeClient(config.STRIPE_SECRET_KEY!));
  const company = {
    name: config.COMPANY_NAME,
    address: config.COMPANY_ADDRESS ?? null,
    phone: config.COMPANY_PHONE ?? null,
    email: config.COMPANY_EMAIL ?? null,
    vatNumber: config.COMPANY_VAT_NUMBER ?? null,
  };
  // Laid out in a worker thread: a burst of payments never waits behind PDF rendering.
  const documents = createInvoicePdfs({ inWorker: true });
  // With a messaging provider connected, quote links and receipts go through its durable
  // outbox; otherwise they stay in the app's outbox and nothing is sent.
  const sender = input.messaging?.live ? createMessengerQuoteSender(input.messaging.messenger, repos.outboundMessages, log) : createOutboxQuoteSender(repos.outboundMessages, log);
  const webhooks = createStripeWebhooks({ secret: webhookSecret, now });
  const deps: AppDeps["quotesToCash"] = {
    company,
    checkout,
    testCheckout,
    webhooks,
    documents,
    sender,
    maxAmountPence: Math.round(config.QUOTE_MAX_AMOUNT * 100),
    validDays: config.QUOTE_VALID_DAYS,
  };
  const jobHandlers: Record<string, JobHandler> = paced({
    [INVOICE_ISSUED_JOB]: invoiceIssuedJob({ invoices: repos.invoices, blobStore, documents, sender, company, publicBaseUrl: input.publicBaseUrl }),
    [PAYMENT_EVENT_JOB]: settlePaymentEventJob({ payments: repos.payments, company, now, log }),
    [TEST_WEBHOOK_JOB]: deliverTestWebhooksJob({ testCheckout, webhooks, jobs: repos.jobs, now, log, poke: () => {} }),
  });
  return { deps, jobHandlers };
}

/**
 * Runs the quote jobs one at a time, paced: after a job the next waits twice as long as that
 * one took (at most 200 ms), as the messaging jobs do. The runner claims several due jobs and
 * would run them together; in one process whose database may run in-process (PGlite), a burst
 * of settlements back to back would starve the webhook's acknowledgements, which must stay
 * fast. Paced, the jobs take at most about a third of the event loop during a burst and catch
 * up after it, from the durable record. Settlements queue on the invoice counter row anyway.
 */
function paced(handlers: Record<string, JobHandler>): Record<string, JobHandler> {
  let queue: Promise<unknown> = Promise.resolve();
  return Object.fromEntries(
    Object.entries(handlers).map(([kind, handler]) => [
      kind,
      (job) => {
        const run = queue.then(async () => {
          const started = performance.now();
          try {
            await handler(job);
          } finally {
            await Bun.sleep(Math.min(200, 2 * (performance.now() - started)));
          }
        });
        queue = run.catch(() => undefined);
        return run;
      },
    ]),
  );
}
