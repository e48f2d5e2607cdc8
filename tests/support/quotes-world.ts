import pino from "pino";
import { wireQuotesToCash } from "../../src/compose/quotes.ts";
import type { OpenDatabase } from "../../src/adapters/db/database.ts";
import { parseConfig } from "../../src/config.ts";
import type { BlobStore } from "../../src/ports/blob-store.ts";
import type { Repositories } from "../../src/ports/database.ts";
import type { AppDeps } from "../../src/http/deps.ts";
import { startJobRunner } from "../../src/adapters/local/job-runner.ts";

/** The secret the embedded test checkout signs with in tests (whsec_ + this). */
export const TEST_STRIPE_LOCAL_SECRET = "test-stripe-local-secret-0123456789";
export const TEST_STRIPE_WEBHOOK_SECRET = `whsec_${TEST_STRIPE_LOCAL_SECRET}`;

/**
 * Quotes to cash on the embedded defaults (test checkout, outbox, PDF invoices), as composeDeps
 * builds them with no Stripe keys, for buildTestApp. `env` adds configuration (QUOTE_MAX_AMOUNT…).
 */
export function testQuotesToCash(input: { repos: Repositories; blobStore: BlobStore; now: () => Date; publicBaseUrl: () => string; env?: Record<string, string> }) {
  const parsed = parseConfig({ COMPANY_NAME: "Handy Services", COMPANY_ADDRESS: "1 High Street, London N1 1AA", COMPANY_VAT_NUMBER: "GB123456789", ...input.env });
  if (!parsed.ok) throw new Error(parsed.error);
  return wireQuotesToCash({
    config: parsed.config,
    repos: input.repos as OpenDatabase,
    blobStore: input.blobStore,
    log: pino({ level: "silent" }),
    now: input.now,
    localWebhookSecret: TEST_STRIPE_LOCAL_SECRET,
    publicBaseUrl: input.publicBaseUrl,
  });
}

/**
 * The quotes-to-cash job runner for a test app (settling payment events, invoice PDFs and
 * receipts), started by hand: `await jobs.runDue()` does what the server's runner does after a
 * webhook pokes it.
 */
export function quoteJobRunner(world: { deps: AppDeps; clock: { now: () => Date } }, env?: Record<string, string>) {
  const { jobHandlers } = testQuotesToCash({ repos: world.deps.repos, blobStore: world.deps.blobStore, now: world.clock.now, publicBaseUrl: () => world.deps.settings.publicBaseUrl, env });
  return startJobRunner({ jobs: world.deps.repos.jobs, log: pino({ level: "silent" }), now: world.clock.now }, jobHandlers, { autoStart: false });
}
