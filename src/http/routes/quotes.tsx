import { canBookFromQuote } from "../../domain/scheduling/book-visit.ts";
import { issueVisitsSection } from "./visits-section.tsx";
import { Hono, type Context } from "hono";
import { z } from "zod";
import { HTTPException } from "hono/http-exception";
import { nextCharge } from "../../domain/payments/charges.ts";
import {
  draftInputFrom,
  previewTotals,
  readQuoteDraft,
  type QuoteDraftInput,
} from "../../domain/payments/quote-draft.ts";
import { quoteUrl, requestBalance, resendQuote, sendQuote } from "../../domain/payments/quote-flow.ts";
import { invoicePdf } from "../../domain/payments/settlement-flow.ts";
import { QUOTE_STATUSES, quoteTotals, type Quote, type QuoteStatus } from "../../domain/quotes.ts";
import type { Issue } from "../../domain/issues.ts";
import type { FieldErrors } from "../../domain/validation.ts";
import { IssuePage } from "../../views/issues.tsx";
import {
  IssueQuotes,
  NotCountedMarks,
  QuoteBuilder,
  QuotesListPage,
  QuoteTotalsPanel,
  StaffQuotePage,
} from "../../views/quotes.tsx";
import { audit } from "../audit.ts";
import type { AppDeps, AppEnv } from "../deps.ts";
import { notFound } from "../errors.ts";
import { isHtmx, pageContext } from "../page-context.ts";
import { redirectAfterPost } from "../respond.ts";
import { blankLine, draftInputFromForm, flowDeps, quoteDocumentDeps } from "./quotes-support.ts";
import { quotePdf } from "../../domain/payments/quote-document-flow.ts";
import { quoteFileName } from "../../domain/payments/quote-document.ts";
import { endOfLondonDay, londonDate, londonDateAfter } from "../../domain/london-time.ts";
import { CODE_MAX, formText, TEXT_MAX, validForm, validQuery, type OnInvalid } from "../validation.ts";

/**
 * The builder's form at the edge: its fields are named per line (line-N-field), so it is a map
 * of bounded names to trimmed strings, with room for the 200 lines draftInputFromForm reads.
 * readQuoteDraft decides the quote (lines, prices, VAT, the maximum amount).
 */
const builderForm = z
  .record(z.string().max(40), formText(TEXT_MAX))
  .refine((fields) => Object.keys(fields).length <= 1_100, { message: "The form has too many fields." });

/** The list's filter, lenient as before: a status that is not one shows them all. */
const listQuery = z.object({ status: formText(CODE_MAX).catch("") });

/** A builder post the edge refused: the builder again, with what was typed and the reason beside its field (422). */
const builderRefused: OnInvalid = async (c, bad) =>
  builderWithErrors(c, await draftOr404(c), draftInputFromForm(bad.values), bad.errors);

const limitsFor = (deps: AppDeps) => ({
  maxAmountPence: deps.quotesToCash.maxAmountPence,
  today: londonDate(deps.now()),
});

async function draftOr404(c: Context<AppEnv>): Promise<Quote> {
  const quote = await c.get("deps").repos.quotes.byId(c.req.param("id") ?? "");
  if (!quote) throw notFound("quote");
  return quote;
}

const builderInput = (quote: Quote, deps: AppDeps): QuoteDraftInput => {
  const input = draftInputFrom(
    quote,
    quote.validUntil ? londonDate(quote.validUntil) : londonDateAfter(deps.now(), deps.quotesToCash.validDays),
  );
  if (input.lines.length === 0) input.lines.push(blankLine());
  return input;
};

/**
 * The quotes part of the issue page: each version, and the builder when there is a draft.
 * `override` re-renders the builder with what was typed and its errors.
 */
export async function issueQuoteSection(
  c: Context<AppEnv>,
  issue: Issue,
  quotes: Quote[],
  override?: { input: QuoteDraftInput; errors: FieldErrors; message?: string },
) {
  const deps = c.get("deps");
  const ctx = pageContext(c);
  const draft = quotes.find((q) => q.status === "draft");
  let builder = null;
  if (draft) {
    const input = override?.input ?? builderInput(draft, deps);
    const preview = previewTotals(input, limitsFor(deps));
    builder = (
      <QuoteBuilder
        ctx={ctx}
        quote={draft}
        input={input}
        totals={override ? preview.totals : draft.totals}
        notCounted={preview.notCounted}
        errors={override?.errors ?? {}}
        message={override?.message}
        saved={c.req.query("saved") === "1"}
      />
    );
  }
  return <IssueQuotes ctx={ctx} issueId={issue.id} quotes={quotes} builder={builder} />;
}

/** The builder with errors: the fragment for htmx, else the whole issue page (422). */
async function builderWithErrors(
  c: Context<AppEnv>,
  quote: Quote,
  input: QuoteDraftInput,
  errors: FieldErrors,
  message?: string,
) {
  const deps = c.get("deps");
  const ctx = pageContext(c);
  if (isHtmx(c)) {
    const preview = previewTotals(input, limitsFor(deps));
    return c.html(
      <QuoteBuilder
        ctx={ctx}
        quote={quote}
        input={input}
        totals={preview.totals}
        notCounted={preview.notCounted}
        errors={errors}
        message={message}
      />,
      422,
    );
  }
  const issue = await deps.repos.issues.byId(quote.issueId);
  if (!issue) throw notFound("issue");
  const [lead, quotes, calls] = await Promise.all([
    deps.repos.leads.byId(issue.leadId),
    deps.repos.quotes.forIssue(issue.id),
    deps.repos.calls.forLead(issue.leadId),
  ]);
  const section = await issueQuoteSection(c, issue, quotes, { input, errors, message });
  return c.html(
    <IssuePage ctx={ctx} issue={issue} lead={lead} quotes={quotes} calls={calls} quoteSection={section} />,
    422,
  );
}

/** A new draft for the issue: a copy of its latest version, or one empty line. */
async function newDraft(deps: AppDeps, issueId: string, from: Quote | undefined): Promise<Quote> {
  const validUntil = endOfLondonDay(londonDateAfter(deps.now(), deps.quotesToCash.validDays));
  return deps.repos.quotes.createDraft({
    issueId,
    lines: from?.lines ?? [],
    discountPence: from?.discountPence ?? 0,
    deposit: from?.deposit ?? null,
    validUntil,
    terms: from?.terms ?? null,
    totals: from?.totals ?? quoteTotals([]),
  });
}

/** Staff: the quote builder, sending, the quotes list and invoice downloads. */
export function quoteRoutes() {
  const app = new Hono<AppEnv>();

  app.get("/quotes", validQuery(listQuery), async (c) => {
    const { repos } = c.get("deps");
    const requested = c.req.valid("query").status;
    const status = (QUOTE_STATUSES as readonly string[]).includes(requested) ? (requested as QuoteStatus) : null;
    const [items, flagged, outbox] = await Promise.all([
      repos.quotes.list({ status: status ?? undefined, limit: 200 }),
      repos.payments.flagged(20),
      repos.outboundMessages.recent(20),
    ]);
    return c.html(
      <QuotesListPage ctx={pageContext(c)} items={items} status={status} flagged={flagged} outbox={outbox} />,
    );
  });

  app.post("/issues/:id/quotes", async (c) => {
    const deps = c.get("deps");
    const issue = await deps.repos.issues.byId(c.req.param("id"));
    if (!issue) throw notFound("issue");
    const quotes = await deps.repos.quotes.forIssue(issue.id);
    if (!quotes.some((q) => q.status === "draft")) {
      const draft = await newDraft(deps, issue.id, quotes[0]);
      await audit(c, "quote", draft.id, `draft started (version ${draft.version})`, { issueId: issue.id });
      deps.logger.info(
        {
          event: "quote_draft",
          quoteId: draft.id,
          issueId: issue.id,
          version: draft.version,
          userId: c.get("user")?.id,
        },
        "quote draft started",
      );
    }
    return redirectAfterPost(c, `/issues/${issue.id}#quote-builder`);
  });

  /** Live totals while staff type: nothing is saved. */
  app.post("/quotes/:id/preview", validForm(builderForm), async (c) => {
    const deps = c.get("deps");
    const input = draftInputFromForm(c.req.valid("form"));
    const { totals, errors, notCounted } = previewTotals(input, limitsFor(deps));
    c.header("Vary", "HX-Request");
    return c.html(
      <>
        <QuoteTotalsPanel totals={totals} errors={errors} notCounted={notCounted} />
        <NotCountedMarks rows={input.lines.length} notCounted={notCounted} />
      </>,
    );
  });

  /** Add or remove a line: the builder again, with what was typed; nothing is saved. */
  app.post("/quotes/:id/builder", validForm(builderForm, builderRefused), async (c) => {
    const deps = c.get("deps");
    const quote = await draftOr404(c);
    const form = c.req.valid("form");
    const input = draftInputFromForm(form);
    if (form.add) input.lines.push(blankLine());
    const remove = Number.parseInt(form.remove ?? "", 10);
    if (Number.isInteger(remove) && remove >= 0 && remove < input.lines.length) input.lines.splice(remove, 1);
    if (input.lines.length === 0) input.lines.push(blankLine());
    const { totals, notCounted } = previewTotals(input, limitsFor(deps));
    return c.html(
      <QuoteBuilder
        ctx={pageContext(c)}
        quote={quote}
        input={input}
        totals={totals}
        notCounted={notCounted}
        errors={{}}
      />,
    );
  });

  /**
   * Keeps whatever of the draft is valid, whatever else is wrong with it: a mistake in one field
   * never costs staff the rest. Whether it can be sent is the caller's question (`errors`).
   */
  async function saveDraft(c: Context<AppEnv>, quote: Quote, form: Record<string, string>) {
    const deps = c.get("deps");
    const input = draftInputFromForm(form);
    if (quote.status !== "draft")
      throw new HTTPException(409, {
        message: "This version has been sent and is frozen. Make a new version to change it.",
      });
    const { kept, errors } = readQuoteDraft(input, limitsFor(deps));
    const saved = await deps.repos.quotes.updateDraft(quote.id, {
      issueId: quote.issueId,
      lines: kept.lines,
      discountPence: kept.discountPence,
      deposit: kept.deposit,
      validUntil: kept.validUntil ? endOfLondonDay(kept.validUntil) : null,
      terms: kept.terms,
      totals: kept.totals,
    });
    if (!saved)
      throw new HTTPException(409, {
        message: "This version was sent meanwhile and is frozen. Make a new version to change it.",
      });
    const toFix = Object.keys(errors);
    // Field names only: the values may be a customer's details.
    await audit(c, "quote", quote.id, toFix.length ? "draft saved, with fields to fix" : "draft saved", {
      lines: kept.lines.length,
      totalPence: kept.totals.totalPence,
      ...(toFix.length ? { fieldsToFix: toFix } : {}),
    });
    return { input, errors, totalPence: kept.totals.totalPence };
  }

  app.post("/quotes/:id", validForm(builderForm, builderRefused), async (c) => {
    const quote = await draftOr404(c);
    const saved = await saveDraft(c, quote, c.req.valid("form"));
    if (Object.keys(saved.errors).length > 0)
      return builderWithErrors(
        c,
        quote,
        saved.input,
        saved.errors,
        "Draft saved, except the fields marked below: correct them and save again. Sending needs every field valid.",
      );
    return redirectAfterPost(c, `/issues/${quote.issueId}?saved=1#quote-builder`);
  });

  app.post("/quotes/:id/send", validForm(builderForm, builderRefused), async (c) => {
    const deps = c.get("deps");
    const quote = await draftOr404(c);
    const saved = await saveDraft(c, quote, c.req.valid("form"));
    if (Object.keys(saved.errors).length > 0)
      return builderWithErrors(
        c,
        quote,
        saved.input,
        saved.errors,
        "Not sent: the fields marked below need correcting first. The rest of the draft is saved.",
      );
    const sent = await sendQuote(flowDeps(deps), quote.id);
    if (!sent.ok) return builderWithErrors(c, quote, saved.input, {}, sent.message);
    await audit(c, "quote", quote.id, "sent to the customer", { totalPence: saved.totalPence });
    return redirectAfterPost(c, `/quotes/${quote.id}?sent=1`);
  });

  app.post("/quotes/:id/resend", async (c) => {
    const quote = await draftOr404(c);
    const sent = await resendQuote(flowDeps(c.get("deps")), quote.id);
    if (!sent.ok) throw new HTTPException(409, { message: sent.message });
    await audit(c, "quote", quote.id, "sent to the customer again");
    return redirectAfterPost(c, `/quotes/${quote.id}?sent=1`);
  });

  app.post("/quotes/:id/revise", async (c) => {
    const deps = c.get("deps");
    const quote = await draftOr404(c);
    const versions = await deps.repos.quotes.forIssue(quote.issueId);
    if (!versions.some((q) => q.status === "draft")) {
      const draft = await newDraft(deps, quote.issueId, quote);
      await audit(c, "quote", draft.id, `new version ${draft.version} started from version ${quote.version}`, {
        issueId: quote.issueId,
      });
    }
    return redirectAfterPost(c, `/issues/${quote.issueId}#quote-builder`);
  });

  app.post("/quotes/:id/request-balance", async (c) => {
    const quote = await draftOr404(c);
    const asked = await requestBalance(flowDeps(c.get("deps")), quote.id);
    if (!asked.ok) throw new HTTPException(409, { message: asked.message });
    await audit(c, "quote", quote.id, "balance requested from the customer");
    return redirectAfterPost(c, `/quotes/${quote.id}?sent=1`);
  });

  app.get("/quotes/:id", async (c) => {
    const deps = c.get("deps");
    const quote = await draftOr404(c);
    const [issue, payments, invoices, messages] = await Promise.all([
      deps.repos.issues.byId(quote.issueId),
      deps.repos.payments.forQuote(quote.id),
      deps.repos.invoices.forQuote(quote.id),
      deps.repos.outboundMessages.forQuote(quote.id),
    ]);
    const due = nextCharge(
      quote,
      payments.filter((p) => p.status === "paid"),
      "full",
    );
    const flash =
      c.req.query("sent") !== "1"
        ? undefined
        : deps.quotesToCash.sender.kind === "outbox"
          ? "Done. The message is in the outbox below: no SMS or WhatsApp provider is connected, so it was not sent."
          : "Done. The message was handed to the messaging outbox; its delivery shows in the inbox.";
    return c.html(
      <StaffQuotePage
        ctx={pageContext(c)}
        quote={quote}
        issueTitle={issue?.title ?? "Job"}
        link={quoteUrl({ publicBaseUrl: () => deps.settings.publicBaseUrl }, quote.token)}
        payments={payments}
        invoices={invoices}
        messages={messages}
        senderKind={deps.quotesToCash.sender.kind}
        simulatedCustomer={deps.assistant.simulator !== null}
        balanceDuePence={due.ok && due.value.kind === "balance" ? due.value.amountPence : 0}
        flash={flash}
        visitsSection={
          issue && canBookFromQuote(quote.status)
            ? await issueVisitsSection(c, issue, { back: `/quotes/${quote.id}` })
            : undefined
        }
      />,
    );
  });

  /** A sent version's PDF (staff are logged in: this area's middleware checks). */
  app.get("/quotes/:id/pdf", async (c) => {
    const deps = c.get("deps");
    const quote = await draftOr404(c);
    const pdf = await quotePdf(quoteDocumentDeps(deps), quote);
    if (!pdf.ok) throw new HTTPException(404, { message: pdf.message });
    return c.body(pdf.value.body as never, 200, {
      "Content-Type": "application/pdf",
      "Content-Length": String(pdf.value.size),
      "Content-Disposition": `attachment; filename="${quoteFileName(quote)}"`,
      "Cache-Control": "private, no-store",
    });
  });

  app.get("/invoices/:id/pdf", async (c) => {
    const deps = c.get("deps");
    const invoice = await deps.repos.invoices.byId(c.req.param("id"));
    if (!invoice) throw notFound("invoice");
    const pdf = await invoicePdf(
      { invoices: deps.repos.invoices, blobStore: deps.blobStore, documents: deps.quotesToCash.documents },
      invoice,
    );
    return c.body(pdf.body as never, 200, {
      "Content-Type": "application/pdf",
      "Content-Length": String(pdf.size),
      "Content-Disposition": `attachment; filename="${invoice.content.number}.pdf"`,
      "Cache-Control": "private, no-store",
    });
  });

  return app;
}
