import type { QuoteFlowDeps } from "../../domain/payments/quote-flow.ts";
import type { QuoteDocumentDeps } from "../../domain/payments/quote-document-flow.ts";
import type { QuoteDraftInput } from "../../domain/payments/quote-draft.ts";
import type { AppDeps } from "../deps.ts";

/** The ports the quote use cases take, from the app's deps. */
export const flowDeps = (deps: AppDeps): QuoteFlowDeps => ({
  quotes: deps.repos.quotes,
  issues: deps.repos.issues,
  leads: deps.repos.leads,
  payments: deps.repos.payments,
  invoices: deps.repos.invoices,
  checkout: deps.quotesToCash.checkout,
  sender: deps.quotesToCash.sender,
  company: deps.quotesToCash.company,
  publicBaseUrl: () => deps.settings.publicBaseUrl,
  now: deps.now,
  log: deps.logger,
  tasks: deps.repos.tasks,
  poke: () => deps.backgroundTasks.poke(),
});

/** What a quote's PDF needs: the store, the renderer, and what the document prints. */
export const quoteDocumentDeps = (deps: AppDeps): QuoteDocumentDeps => ({
  quotes: deps.repos.quotes,
  issues: deps.repos.issues,
  leads: deps.repos.leads,
  blobStore: deps.blobStore,
  documents: deps.quotesToCash.quoteDocuments,
  company: deps.quotesToCash.company,
});

/** What the webhook handler needs: the verifier, the durable jobs, and a nudge for the job runner. */
export const webhookDeps = (deps: AppDeps) => ({
  webhooks: deps.quotesToCash.webhooks,
  tasks: deps.repos.tasks,
  now: deps.now,
  log: deps.logger,
  poke: () => deps.backgroundTasks.poke(),
});

/** The builder's fields from a posted form: lines come as line-N-field. */
export function draftInputFromForm(form: Record<string, string>): QuoteDraftInput {
  const indices = new Set<number>();
  for (const key of Object.keys(form)) {
    const match = /^line-(\d+)-/.exec(key);
    if (match && Number(match[1]) < 200) indices.add(Number(match[1]));
  }
  const lines = [...indices]
    .sort((a, b) => a - b)
    .map((i) => ({
      kind: form[`line-${i}-kind`] ?? "labour",
      description: form[`line-${i}-description`] ?? "",
      quantity: form[`line-${i}-quantity`] ?? "",
      unitPrice: form[`line-${i}-unitPrice`] ?? "",
      vatRate: form[`line-${i}-vatRate`] ?? "",
    }));
  return {
    lines,
    discount: form.discount ?? "",
    depositKind: form.depositKind ?? "none",
    depositValue: form.depositValue ?? "",
    validUntil: form.validUntil ?? "",
    terms: form.terms ?? "",
  };
}

export const blankLine = () => ({ kind: "labour", description: "", quantity: "1", unitPrice: "", vatRate: "20" });
