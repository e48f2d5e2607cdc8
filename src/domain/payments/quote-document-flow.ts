import type { BlobStore } from "../../ports/blob-store.ts";
import type { Issues } from "../../ports/issues.ts";
import type { Leads } from "../../ports/leads.ts";
import type { QuoteDocuments, Quotes } from "../../ports/quotes.ts";
import type { Tasks } from "../../ports/tasks.ts";
import type { Quote } from "../quotes.ts";
import { ok, reject, type Result } from "../result.ts";
import { QUOTE_DOCUMENT_TASK, type TaskPayload } from "../tasks/kinds.ts";
import type { CompanyDetails } from "./invoice.ts";
import { quoteDocumentFor, quoteDocumentKey } from "./quote-document.ts";

/** What rendering and storing a quote's PDF needs. */
export interface QuoteDocumentDeps {
  quotes: Pick<Quotes, "setDocumentKey">;
  issues: Pick<Issues, "byId">;
  leads: Pick<Leads, "byId">;
  blobStore: BlobStore;
  documents: QuoteDocuments;
  company: CompanyDetails;
}

/**
 * Queues the version's PDF at send time, keyed by the quote, so sending never waits on the
 * layout and a second send of the same version queues nothing.
 */
export async function queueQuoteDocument(
  deps: { tasks: Pick<Tasks, "enqueue">; now: () => Date; poke: () => void },
  quote: Pick<Quote, "id">,
): Promise<void> {
  const added = await deps.tasks.enqueue({
    kind: QUOTE_DOCUMENT_TASK,
    key: quote.id,
    payload: { quoteId: quote.id },
    runAt: deps.now(),
  });
  if (added) deps.poke();
}

/** Renders the sent version and stores it under its own key; null for a draft. */
async function renderAndStore(deps: QuoteDocumentDeps, quote: Quote): Promise<Uint8Array | null> {
  const issue = await deps.issues.byId(quote.issueId);
  if (!issue) throw new Error(`quote ${quote.id}: its job ${quote.issueId} is missing`);
  const lead = await deps.leads.byId(issue.leadId);
  const content = quoteDocumentFor({ company: deps.company, quote, issue, lead });
  if (!content) return null;
  const bytes = await deps.documents.render(content);
  const key = quoteDocumentKey(quote);
  await deps.blobStore.put(key, bytes, deps.documents.contentType);
  await deps.quotes.setDocumentKey(quote.id, key);
  return bytes;
}

/**
 * A sent version's PDF: the stored one, or rendered and stored now when its job has not run yet
 * (as invoices do), so a link never leads nowhere. A draft has none.
 */
export async function quotePdf(
  deps: QuoteDocumentDeps,
  quote: Quote,
): Promise<Result<{ body: ReadableStream<Uint8Array> | Uint8Array; size: number }, "not_sent">> {
  if (quote.documentKey) {
    const stored = await deps.blobStore.get(quote.documentKey);
    if (stored) return ok({ body: stored.body, size: stored.size });
  }
  const bytes = await renderAndStore(deps, quote);
  if (!bytes) return reject("not_sent", "This version has not been sent, so it has no document yet.");
  return ok({ body: bytes, size: bytes.byteLength });
}

/**
 * Task, once per sent version: render its PDF and store it under documents/quotes/ unless it is
 * stored already (a retry, or a download that got there first). Throws, and so is retried, when
 * the store or the database fails.
 */
export const quoteDocumentTask =
  (deps: QuoteDocumentDeps & { quotes: Pick<Quotes, "byId" | "setDocumentKey"> }) =>
  async ({ quoteId }: TaskPayload<typeof QUOTE_DOCUMENT_TASK>) => {
    const quote = await deps.quotes.byId(quoteId);
    if (!quote) throw new Error(`no quote ${quoteId}`);
    if (quote.documentKey && (await deps.blobStore.exists(quote.documentKey))) return;
    await renderAndStore(deps, quote);
  };
