import { Hono, type Context } from "hono";
import { z } from "zod";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { nextCharge, type Payment } from "../../domain/payments/charges.ts";
import { declineQuote, viewQuote } from "../../domain/payments/quote-flow.ts";
import { invoicePdf } from "../../domain/payments/settlement-flow.ts";
import type { Quote } from "../../domain/quotes.ts";
import {
  CustomerQuotePage,
  PaymentStatusPanel,
  QuoteRefusalPage,
  ThankYouPage,
  type PaymentStatusView,
} from "../../views/quote-public.tsx";
import type { AppEnv } from "../deps.ts";
import { reasonStatus } from "../errors.ts";
import { crossSiteProtection } from "../middleware/cross-site.ts";
import { isHtmx } from "../page-context.ts";
import { flowDeps, quoteDocumentDeps } from "./quotes-support.ts";
import { quotePdf } from "../../domain/payments/quote-document-flow.ts";
import { quoteFileName } from "../../domain/payments/quote-document.ts";
import { formText, validQuery } from "../validation.ts";

/** The checkout's id Stripe appends to the thank-you address (its ids run to 255 characters); one that cannot be read shows no payment. */
const paidQuery = z.object({ session_id: formText(255).catch("") });

const TOKEN = /^[A-Za-z0-9_-]{16,64}$/;

/** Public pages are personal: never cached by anyone else, never indexed, never leak the token onwards. */
function personal(c: Context<AppEnv>) {
  c.header("Cache-Control", "private, no-store");
  c.header("Referrer-Policy", "no-referrer");
  c.header("X-Robots-Tag", "noindex");
}

export function refusal(
  c: Context<AppEnv>,
  status: ContentfulStatusCode,
  title: string,
  message: string,
  token: string | null,
) {
  personal(c);
  return c.html(
    <QuoteRefusalPage company={c.get("deps").quotesToCash.company} token={token} title={title} message={message} />,
    status,
  );
}

/** The quote this token opens and the one a payment or invoice belongs to must be versions of the same job. */
const sameJob = (a: Pick<Quote, "issueId">, b: Pick<Quote, "issueId"> | null) => b !== null && a.issueId === b.issueId;

/** What the thank-you page says about a payment. */
async function paymentStatus(
  c: Context<AppEnv>,
  payment: Payment | null,
  sessionId: string,
): Promise<PaymentStatusView> {
  if (!payment) return { state: "unknown", amountPence: null, sessionId, invoice: null };
  const states: Record<Payment["status"], PaymentStatusView["state"]> = {
    pending: "waiting",
    processing: "processing",
    paid: "paid",
    failed: "failed",
    mismatch: "flagged",
  };
  const invoice =
    payment.status === "paid"
      ? (await c.get("deps").repos.invoices.forQuote(payment.quoteId)).find((i) => i.paymentId === payment.id)
      : undefined;
  return {
    state: states[payment.status],
    amountPence: payment.amountPence,
    sessionId,
    invoice: invoice ? { id: invoice.id, number: invoice.content.number } : null,
  };
}

/**
 * The customer's pages under /q/:token: the quote (latest sent version), decline, the
 * thank-you page after checkout, the version's PDF, and invoice downloads once paid. The token (128 random bits)
 * is the whole check; a page shows that one quote and nothing else.
 */
export function quotePublicRoutes() {
  const app = new Hono<AppEnv>();
  app.use("/q/*", crossSiteProtection());

  app.get("/q/:token", async (c) => {
    const deps = c.get("deps");
    const token = c.req.param("token");
    const view = TOKEN.test(token) ? await viewQuote(flowDeps(deps), token) : null;
    if (!view)
      return refusal(
        c,
        404,
        "Quote not found",
        "There is no quote at this link. Check the link in your message, or contact us.",
        null,
      );
    const due = nextCharge(
      view.quote,
      view.payments.filter((p) => p.status === "paid"),
      "deposit",
    );
    personal(c);
    return c.html(
      <CustomerQuotePage
        company={deps.quotesToCash.company}
        token={token}
        quote={view.quote}
        jobTitle={view.issue.title}
        customerName={view.lead?.name ?? null}
        replacedVersion={view.replacedVersion}
        payments={view.payments}
        invoices={view.invoices}
        due={due.ok ? { kind: due.value.kind, amountPence: due.value.amountPence } : null}
      />,
    );
  });

  app.post("/q/:token/decline", async (c) => {
    const token = c.req.param("token");
    const declined = await declineQuote(flowDeps(c.get("deps")), token);
    if (!declined.ok) {
      const status = reasonStatus(declined.reason);
      return refusal(c, status, "This quote cannot be declined", declined.message, status === 404 ? null : token);
    }
    return c.redirect(`/q/${token}`, 303);
  });

  /** The thank-you page; htmx polls it for the status panel until the webhook has settled the payment. */
  app.get("/q/:token/paid", validQuery(paidQuery), async (c) => {
    const deps = c.get("deps");
    const token = c.req.param("token");
    const sessionId = c.req.valid("query").session_id;
    const quote = TOKEN.test(token) ? await deps.repos.quotes.byToken(token) : null;
    if (!quote) return refusal(c, 404, "Quote not found", "There is no quote at this link.", null);
    const payment = sessionId ? await deps.repos.payments.bySessionId(sessionId) : null;
    const owned = payment && sameJob(quote, await deps.repos.quotes.byId(payment.quoteId)) ? payment : null;
    const status = await paymentStatus(c, owned, sessionId);
    personal(c);
    c.header("Vary", "HX-Request");
    if (isHtmx(c)) return c.html(<PaymentStatusPanel token={token} status={status} />);
    return c.html(<ThankYouPage company={deps.quotesToCash.company} token={token} status={status} />);
  });

  /** This version's PDF: the token opens exactly one version, and only a sent one has a document. */
  app.get("/q/:token/quote.pdf", async (c) => {
    const deps = c.get("deps");
    const token = c.req.param("token");
    const quote = TOKEN.test(token) ? await deps.repos.quotes.byToken(token) : null;
    const pdf = quote ? await quotePdf(quoteDocumentDeps(deps), quote) : null;
    if (!quote || !pdf?.ok) return refusal(c, 404, "Quote not found", "There is no quote at this link.", null);
    personal(c);
    return c.body(pdf.value.body as never, 200, {
      "Content-Type": "application/pdf",
      "Content-Length": String(pdf.value.size),
      "Content-Disposition": `attachment; filename="${quoteFileName(quote)}"`,
    });
  });

  app.get("/q/:token/invoices/:invoiceId", async (c) => {
    const deps = c.get("deps");
    const token = c.req.param("token");
    const quote = TOKEN.test(token) ? await deps.repos.quotes.byToken(token) : null;
    const invoice = quote ? await deps.repos.invoices.byId(c.req.param("invoiceId")) : null;
    if (!quote || !invoice || !sameJob(quote, await deps.repos.quotes.byId(invoice.quoteId))) {
      return refusal(c, 404, "Invoice not found", "There is no such invoice for this quote.", quote ? token : null);
    }
    const pdf = await invoicePdf(
      { invoices: deps.repos.invoices, blobStore: deps.blobStore, documents: deps.quotesToCash.documents },
      invoice,
    );
    personal(c);
    return c.body(pdf.body as never, 200, {
      "Content-Type": "application/pdf",
      "Content-Length": String(pdf.size),
      "Content-Disposition": `attachment; filename="${invoice.content.number}.pdf"`,
    });
  });

  return app;
}
