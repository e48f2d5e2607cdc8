import { changeIssueStatus } from "../issues.ts";
import { changeLeadStatus } from "../leads.ts";
import type { Log } from "../../ports/log.ts";
import type { Issues } from "../../ports/issues.ts";
import type { Leads } from "../../ports/leads.ts";
import type { Checkout, Payments } from "../../ports/payments.ts";
import type { Invoices, Invoice } from "../../ports/invoices.ts";
import type { Quotes } from "../../ports/quotes.ts";
import type { Tasks } from "../../ports/tasks.ts";
import { queueQuoteDocument } from "./quote-document-flow.ts";
import type { OutboundMessage, QuoteLinkSender } from "../../ports/quote-messages.ts";
import {
  DECLINABLE_QUOTE_STATUSES,
  canAccept,
  canBeResent,
  changeQuoteStatus,
  hasBeenAccepted,
  type Quote,
} from "../quotes.ts";
import { ok, reject, type Result } from "../result.ts";
import { nextCharge, type Payment, type PayChoice } from "./charges.ts";
import { balanceRequestText, quoteLinkText } from "./customer-texts.ts";
import type { CompanyDetails } from "./invoice.ts";
import type { Issue } from "../issues.ts";
import type { Lead } from "../leads.ts";

/** The ports the quote-to-cash use cases need. */
export interface QuoteFlowDeps {
  quotes: Quotes;
  issues: Issues;
  leads: Leads;
  payments: Payments;
  invoices: Invoices;
  checkout: Checkout;
  sender: QuoteLinkSender;
  company: CompanyDetails;
  publicBaseUrl: () => string;
  now: () => Date;
  log: Log;
  /** Where the sent version's PDF job is queued, and the runner's nudge. */
  tasks: Pick<Tasks, "enqueue">;
  poke: () => void;
}

/** How long a checkout page stays open (Stripe allows 30 minutes to 24 hours). */
export const CHECKOUT_MINUTES = 60;

export const quoteUrl = (deps: Pick<QuoteFlowDeps, "publicBaseUrl">, token: string) =>
  `${deps.publicBaseUrl()}/q/${token}`;

/**
 * Sends a draft: it is frozen as `sent` (older sent versions become superseded), its PDF is
 * queued (rendered in the background, stored under documents/quotes/), the job becomes
 * "quoted", and the link goes to the customer's phone through the sender (on the
 * embedded default: the outbox, nothing sent). Refused when the lead has no phone number.
 */
export async function sendQuote(
  deps: QuoteFlowDeps,
  quoteId: string,
): Promise<Result<{ quote: Quote; message: OutboundMessage }, "not_found" | "not_draft" | "no_phone">> {
  const quote = await deps.quotes.byId(quoteId);
  if (!quote) return reject("not_found", "There is no such quote.");
  const issue = await deps.issues.byId(quote.issueId);
  const lead = issue ? await deps.leads.byId(issue.leadId) : null;
  if (!issue || !lead) return reject("not_found", "The quote's job or customer is missing.");
  if (quote.status !== "draft")
    return reject("not_draft", "This version has already been sent; make a new version to change it.");
  if (!lead.phone)
    return reject("no_phone", "The customer has no phone number to send the link to. Add one to the lead first.");
  const at = deps.now();
  if (!(await deps.quotes.markSent(quote.id, at))) return reject("not_draft", "This version has already been sent.");
  // A crash before this line leaves no job: the first download then renders and stores it.
  await queueQuoteDocument(deps, quote);
  if (changeIssueStatus(issue, "quoted").ok) await deps.issues.setStatus(issue.id, "quoted");
  if (changeLeadStatus(lead, "quoted").ok) await deps.leads.setStatus(lead.id, "quoted");
  const message = await deps.sender.send({
    leadId: lead.id,
    quoteId: quote.id,
    to: lead.phone,
    channel: "sms",
    purpose: "quote_link",
    body: quoteLinkText({
      companyName: deps.company.name,
      customerName: lead.name,
      jobTitle: issue.title,
      totalPence: quote.totals.totalPence,
      version: quote.version,
      url: quoteUrl(deps, quote.token),
    }),
    dedupeKey: `quote_link:${quote.id}`,
  });
  deps.log.info({ quoteId: quote.id, version: quote.version, messageStatus: message.status }, "quote sent");
  return ok({ quote: { ...quote, status: "sent", sentAt: at }, message });
}

/** Sends the link of an already-sent version again (a new message each time). */
export async function resendQuote(
  deps: QuoteFlowDeps,
  quoteId: string,
): Promise<Result<OutboundMessage, "not_found" | "not_open" | "no_phone">> {
  const quote = await deps.quotes.byId(quoteId);
  const issue = quote ? await deps.issues.byId(quote.issueId) : null;
  const lead = issue ? await deps.leads.byId(issue.leadId) : null;
  if (!quote || !issue || !lead) return reject("not_found", "There is no such quote.");
  if (!canBeResent(quote.status)) return reject("not_open", `A ${quote.status} quote cannot be sent again.`);
  if (!lead.phone) return reject("no_phone", "The customer has no phone number.");
  return ok(
    await deps.sender.send({
      leadId: lead.id,
      quoteId: quote.id,
      to: lead.phone,
      channel: "sms",
      purpose: "quote_link",
      body: quoteLinkText({
        companyName: deps.company.name,
        customerName: lead.name,
        jobTitle: issue.title,
        totalPence: quote.totals.totalPence,
        version: quote.version,
        url: quoteUrl(deps, quote.token),
      }),
      dedupeKey: `quote_link:${quote.id}:${deps.now().getTime()}`,
    }),
  );
}

/** Asks for the balance after a deposit: the same link, where the balance is now what is due. */
export async function requestBalance(
  deps: QuoteFlowDeps,
  quoteId: string,
): Promise<Result<OutboundMessage, "not_found" | "no_balance" | "no_phone">> {
  const view = await staffQuoteFacts(deps, quoteId);
  if (!view) return reject("not_found", "There is no such quote.");
  const { quote, lead } = view;
  const charge = nextCharge(
    quote,
    view.payments.filter((p) => p.status === "paid"),
    "full",
  );
  if (quote.status !== "deposit_paid" || !charge.ok || charge.value.kind !== "balance")
    return reject(
      "no_balance",
      "There is no balance to ask for: the deposit is not paid, or the quote is paid in full.",
    );
  if (!lead?.phone) return reject("no_phone", "The customer has no phone number.");
  return ok(
    await deps.sender.send({
      leadId: lead.id,
      quoteId: quote.id,
      to: lead.phone,
      channel: "sms",
      purpose: "balance_request",
      body: balanceRequestText({
        companyName: deps.company.name,
        customerName: lead.name,
        balancePence: charge.value.amountPence,
        url: quoteUrl(deps, quote.token),
      }),
      dedupeKey: `balance_request:${quote.id}:${deps.now().getTime()}`,
    }),
  );
}

async function staffQuoteFacts(deps: QuoteFlowDeps, quoteId: string) {
  const quote = await deps.quotes.byId(quoteId);
  if (!quote) return null;
  const issue = await deps.issues.byId(quote.issueId);
  const [lead, payments] = await Promise.all([
    issue ? deps.leads.byId(issue.leadId) : null,
    deps.payments.forQuote(quote.id),
  ]);
  return { quote, issue, lead, payments };
}

/** What the customer's page shows. */
export interface CustomerView {
  quote: Quote;
  issue: Issue;
  lead: Lead | null;
  /** The version the link was for, when a newer one replaced it. */
  replacedVersion: number | null;
  payments: Payment[];
  invoices: Invoice[];
}

/**
 * The quote behind a link: always the latest sent version of its job (an older link says it
 * was replaced). The first look records "viewed"; a quote past its validity date becomes
 * "expired". Drafts and unknown tokens find nothing.
 */
export async function viewQuote(deps: QuoteFlowDeps, token: string): Promise<CustomerView | null> {
  const linked = await deps.quotes.byToken(token);
  if (!linked || linked.status === "draft") return null;
  let quote = (await deps.quotes.latestSent(linked.issueId)) ?? linked;
  const replacedVersion = quote.id !== linked.id ? linked.version : null;
  const now = deps.now();
  if (changeQuoteStatus(quote, "expired").ok && quote.validUntil && quote.validUntil < now) {
    if (await deps.quotes.advance(quote.id, [quote.status], "expired", now)) quote = { ...quote, status: "expired" };
  } else if (changeQuoteStatus(quote, "viewed").ok && replacedVersion === null) {
    if (await deps.quotes.advance(quote.id, [quote.status], "viewed", now)) {
      deps.log.info({ quoteId: quote.id }, "quote viewed for the first time");
      quote = { ...quote, status: "viewed" };
    }
  }
  const issue = await deps.issues.byId(quote.issueId);
  if (!issue) return null;
  const [lead, payments, invoices] = await Promise.all([
    deps.leads.byId(issue.leadId),
    deps.payments.forQuote(quote.id),
    deps.invoices.forQuote(quote.id),
  ]);
  return { quote, issue, lead, replacedVersion, payments, invoices };
}

export type CheckoutRefusal =
  | "not_found"
  | "quote_replaced"
  | "quote_not_open"
  | "quote_expired"
  | "quote_already_paid"
  | "quote_not_payable";

/**
 * "Accept" (and pay): accepts the quote if it is still open, then opens a checkout for what is
 * due now (the deposit or the full amount; after a deposit, the balance). A checkout still open
 * for the same charge is reused; a new one gets a payment row first, whose id is the
 * idempotency key and rides in the session's metadata, so every webhook finds it.
 */
export async function startCheckout(
  deps: QuoteFlowDeps,
  token: string,
  choice: PayChoice,
): Promise<Result<{ url: string; sessionId: string; payment: Payment }, CheckoutRefusal>> {
  const quote = await deps.quotes.byToken(token);
  if (!quote || quote.status === "draft") return reject("not_found", "There is no quote at this link.");
  if (quote.status === "superseded")
    return reject("quote_replaced", "This quote has been replaced by a newer version. Open your link again to see it.");
  const now = deps.now();
  const accepted = await acceptQuote(deps, quote);
  if (!accepted.ok) return accepted;
  quote.status = accepted.value.status;
  const paid = (await deps.payments.forQuote(quote.id)).filter((p) => p.status === "paid");
  const charge = nextCharge(quote, paid, choice);
  if (!charge.ok) return charge;

  const reusable = await deps.payments.reusable(quote.id, charge.value.kind, charge.value.amountPence, now);
  if (reusable) return ok({ url: reusable.checkoutUrl!, sessionId: reusable.checkoutSessionId!, payment: reusable });

  const payment = await deps.payments.create({
    quoteId: quote.id,
    kind: charge.value.kind,
    amountPence: charge.value.amountPence,
    currency: "gbp",
    provider: deps.checkout.provider,
  });
  const issue = await deps.issues.byId(quote.issueId);
  const lead = issue ? await deps.leads.byId(issue.leadId) : null;
  const base = quoteUrl(deps, quote.token);
  const session = await deps.checkout.createSession({
    paymentId: payment.id,
    quoteId: quote.id,
    kind: charge.value.kind,
    amountPence: charge.value.amountPence,
    currency: "gbp",
    items: charge.value.items,
    customerEmail: lead?.email ?? null,
    successUrl: `${base}/paid?session_id={CHECKOUT_SESSION_ID}`,
    cancelUrl: base,
    expiresAt: new Date(now.getTime() + CHECKOUT_MINUTES * 60_000),
    idempotencyKey: `checkout:${payment.id}`,
  });
  await deps.payments.attachSession(payment.id, { id: session.id, url: session.url, expiresAt: session.expiresAt });
  deps.log.info(
    {
      quoteId: quote.id,
      paymentId: payment.id,
      kind: charge.value.kind,
      amountPence: charge.value.amountPence,
      provider: deps.checkout.provider,
    },
    "checkout started",
  );
  return ok({
    url: session.url,
    sessionId: session.id,
    payment: { ...payment, checkoutSessionId: session.id, checkoutUrl: session.url },
  });
}

/**
 * The customer accepts (the first step of "Accept and pay"): an open quote, still valid, becomes
 * accepted; one accepted already (or paid towards) is left as it is.
 */
export async function acceptQuote(
  deps: Pick<QuoteFlowDeps, "quotes" | "now" | "log">,
  quote: Quote,
): Promise<Result<Quote, Exclude<CheckoutRefusal, "not_found" | "quote_replaced">>> {
  if (hasBeenAccepted(quote.status)) return ok(quote);
  const now = deps.now();
  const allowed = canAccept(quote, now);
  if (!allowed.ok) return allowed;
  if (!(await deps.quotes.advance(quote.id, [quote.status], "accepted", now)))
    return reject("quote_not_open", "This quote changed while you were looking at it. Reload the page.");
  deps.log.info({ quoteId: quote.id }, "quote accepted");
  return ok({ ...quote, status: "accepted", updatedAt: now });
}

/** The customer declines: only an open quote can be. */
export async function declineQuote(
  deps: QuoteFlowDeps,
  token: string,
): Promise<Result<Quote, "not_found" | "quote_not_open">> {
  const quote = await deps.quotes.byToken(token);
  if (!quote || quote.status === "draft") return reject("not_found", "There is no quote at this link.");
  if (!(await deps.quotes.advance(quote.id, DECLINABLE_QUOTE_STATUSES, "declined", deps.now()))) {
    return reject("quote_not_open", "This quote can no longer be declined.");
  }
  deps.log.info({ quoteId: quote.id }, "quote declined");
  return ok({ ...quote, status: "declined" });
}
