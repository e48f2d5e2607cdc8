import { raw } from "hono/html";
import { assetUrl } from "./assets.ts";
import type { Child } from "hono/jsx";
import { formatPence } from "../domain/money.ts";
import type { Payment } from "../domain/payments/charges.ts";
import type { CompanyDetails } from "../domain/payments/invoice.ts";
import { canBeAccepted, canBeDeclined, canBePaid, type Quote } from "../domain/quotes.ts";
import type { Invoice } from "../ports/invoices.ts";
import { quoteFileName } from "../domain/payments/quote-document.ts";
import { formatDate, formatDateTime } from "../domain/london-time.ts";

/** Mobile first, no script of ours: the customer's pages work on any phone. */
const STYLES = raw(`<style>
:root { --ink:#17212b; --muted:#5b6876; --line:#d9dee4; --brand:#1f5fbf; --ok:#1e7b34; --danger:#b3261e; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); }
* { box-sizing: border-box; } body { margin: 0; background: #f5f7f9; line-height: 1.45; }
main { max-width: 640px; margin: 0 auto; padding: 1rem; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 1rem; margin-bottom: 1rem; }
h1 { font-size: 1.35rem; margin: .25rem 0 .5rem; } h2 { font-size: 1.05rem; margin: 0 0 .5rem; }
.muted { color: var(--muted); font-size: .92rem; }
table { width: 100%; border-collapse: collapse; } td, th { padding: .4rem .2rem; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
td.money, th.money { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
tr.grand td { font-weight: 700; font-size: 1.1rem; border-top: 2px solid var(--ink); }
.actions { display: grid; gap: .6rem; } form { margin: 0; }
button, .button { font: inherit; font-size: 1.05rem; width: 100%; padding: .8rem 1rem; border-radius: 8px; border: 1px solid var(--brand); background: var(--brand); color: #fff; cursor: pointer; text-align: center; text-decoration: none; display: block; }
button.secondary, .button.secondary { background: #fff; color: var(--brand); }
.banner { padding: .75rem 1rem; border-radius: 8px; margin-bottom: 1rem; font-weight: 600; }
.banner.ok { background: #e2f3e6; color: var(--ok); } .banner.warn { background: #fde3e1; color: var(--danger); } .banner.info { background: #e6eefb; color: var(--brand); }
.test-label { background: #fff0d9; color: #7a4300; border: 2px dashed #a35a00; padding: .75rem; border-radius: 8px; font-weight: 700; text-align: center; }
</style>`);

export function PublicLayout(props: { title: string; company: CompanyDetails; children?: Child }) {
  return (
    <>
      {raw("<!doctype html>")}
      <html lang="en-GB">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <meta name="robots" content="noindex" />
          <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
          <title>{`${props.title} · ${props.company.name}`}</title>
          {STYLES}
          <script src={assetUrl("htmx.min.js")} defer></script>
        </head>
        <body>
          <main>
            <header class="card">
              <h2 style="margin:0">{props.company.name}</h2>
              <div class="muted">
                {[props.company.address, props.company.phone, props.company.email].filter(Boolean).join(" · ")}
              </div>
              {props.company.vatNumber ? <div class="muted">VAT number {props.company.vatNumber}</div> : null}
            </header>
            {props.children}
          </main>
        </body>
      </html>
    </>
  );
}

const STATUS_BANNER: Partial<Record<Quote["status"], { tone: string; text: string }>> = {
  accepted: { tone: "info", text: "You accepted this quote. Payment is still to do." },
  deposit_paid: { tone: "ok", text: "Deposit paid. Thank you!" },
  paid: { tone: "ok", text: "Paid in full. Thank you!" },
  declined: { tone: "warn", text: "You declined this quote. Contact us if you change your mind." },
  expired: { tone: "warn", text: "This quote has expired. Contact us for a fresh one." },
};

/** The customer's quote: company, job, lines, VAT, totals, deposit, terms, and what they can do now. */
export function CustomerQuotePage(props: {
  company: CompanyDetails;
  token: string;
  quote: Quote;
  jobTitle: string;
  customerName: string | null;
  replacedVersion: number | null;
  payments: Payment[];
  invoices: Invoice[];
  due: { kind: string; amountPence: number } | null;
  error?: string;
}) {
  const { quote } = props;
  const t = quote.totals;
  const banner = STATUS_BANNER[quote.status];
  const open = canBeAccepted(quote.status);
  const payable = canBePaid(quote.status);
  const hasDeposit = t.depositPence > 0 && t.depositPence < t.totalPence;
  const pay = (choice: string, label: string, secondary = false) => (
    <form method="post" action="/api/stripe/create-checkout">
      <input type="hidden" name="token" value={quote.token} />
      <input type="hidden" name="pay" value={choice} />
      <button type="submit" class={secondary ? "secondary" : undefined}>
        {label}
      </button>
    </form>
  );
  return (
    <PublicLayout title={`Quote for ${props.jobTitle}`} company={props.company}>
      {props.replacedVersion ? (
        <div class="banner info" role="status">
          The quote you were sent (version {props.replacedVersion}) has been replaced. This is the latest version (
          {quote.version}).
        </div>
      ) : null}
      {props.error ? (
        <div class="banner warn" role="alert">
          {props.error}
        </div>
      ) : null}
      {banner ? (
        <div class={`banner ${banner.tone}`} role="status" id="quote-status">
          {banner.text}
        </div>
      ) : null}
      <section class="card">
        <h1>{props.jobTitle}</h1>
        <div class="muted">
          {props.customerName ? `For ${props.customerName} · ` : ""}Quote version {quote.version}
          {quote.sentAt ? ` · ${formatDate(quote.sentAt)}` : ""}
          {quote.validUntil ? ` · valid until ${formatDate(quote.validUntil)}` : ""}
        </div>
        <table style="margin-top:.75rem">
          <tbody>
            {quote.lines.map((line, i) => (
              <tr>
                <td>
                  {line.description}
                  <div class="muted">
                    {line.quantity} × {formatPence(line.unitPricePence)} · VAT {line.vatRatePercent}%
                  </div>
                </td>
                <td class="money">{formatPence(t.lines[i]?.netPence ?? 0)}</td>
              </tr>
            ))}
            <tr>
              <td>Subtotal</td>
              <td class="money">{formatPence(t.subtotalPence)}</td>
            </tr>
            {t.discountPence ? (
              <tr>
                <td>Discount</td>
                <td class="money">-{formatPence(t.discountPence)}</td>
              </tr>
            ) : null}
            {t.vatByRate.map((v) => (
              <tr>
                <td>VAT at {v.ratePercent}%</td>
                <td class="money">{formatPence(v.vatPence)}</td>
              </tr>
            ))}
            <tr class="grand">
              <td>Total</td>
              <td class="money" id="quote-total">
                {formatPence(t.totalPence)}
              </td>
            </tr>
            {hasDeposit ? (
              <tr>
                <td>Deposit to start</td>
                <td class="money">{formatPence(t.depositPence)}</td>
              </tr>
            ) : null}
          </tbody>
        </table>
        {quote.terms ? (
          <>
            <h2 style="margin-top:1rem">Terms</h2>
            <p style="white-space:pre-line">{quote.terms}</p>
          </>
        ) : null}
        <p id="quote-document" style="margin-top:1rem">
          <a href={`/q/${quote.token}/quote.pdf`} download={quoteFileName(quote)}>
            Download this quote (PDF)
          </a>
          , to keep or forward.
        </p>
      </section>
      {payable && props.due ? (
        <section class="card actions">
          {quote.status !== "deposit_paid" ? (
            hasDeposit && props.due.kind !== "balance" ? (
              <>
                {pay("deposit", `${open ? "Accept and pay" : "Pay"} the deposit, ${formatPence(t.depositPence)}`)}
                {pay("full", `${open ? "Accept and pay" : "Pay"} in full, ${formatPence(t.totalPence)}`, true)}
              </>
            ) : (
              pay("full", `${open ? "Accept and pay" : "Pay"} ${formatPence(props.due.amountPence)}`)
            )
          ) : (
            pay("full", `Pay the remaining balance, ${formatPence(props.due.amountPence)}`)
          )}
          {canBeDeclined(quote.status) ? (
            <form method="post" action={`/q/${quote.token}/decline`}>
              <button type="submit" class="secondary">
                Decline
              </button>
            </form>
          ) : null}
        </section>
      ) : null}
      {props.invoices.length > 0 ? (
        <section class="card">
          <h2>Your invoices</h2>
          <ul>
            {props.invoices.map((inv) => (
              <li>
                <a href={`/q/${quote.token}/invoices/${inv.id}`} download={`${inv.content.number}.pdf`}>
                  Download invoice {inv.content.number} (PDF)
                </a>{" "}
                <span class="muted">
                  {formatPence(inv.totalPence)} paid {formatDateTime(inv.issuedAt)}
                </span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <p class="muted">This page is only for you: please don't share its link.</p>
    </PublicLayout>
  );
}

/**
 * After checkout: the payment's state, refreshed every two seconds until it settles. The page
 * only reads: the payment is recorded from the provider's webhook, whether or not anyone
 * comes back here.
 */
export function ThankYouPage(props: { company: CompanyDetails; token: string; status: PaymentStatusView }) {
  return (
    <PublicLayout title="Payment" company={props.company}>
      <PaymentStatusPanel token={props.token} status={props.status} />
      <p>
        <a class="button secondary" href={`/q/${props.token}`}>
          Back to your quote
        </a>
      </p>
    </PublicLayout>
  );
}

export interface PaymentStatusView {
  state: "paid" | "processing" | "waiting" | "failed" | "flagged" | "unknown";
  amountPence: number | null;
  sessionId: string;
  invoice: { id: string; number: string } | null;
}

export function PaymentStatusPanel(props: { token: string; status: PaymentStatusView }) {
  const s = props.status;
  const polling = s.state === "waiting" || s.state === "processing";
  return (
    <section
      class="card"
      id="payment-status"
      aria-live="polite"
      hx-get={polling ? `/q/${props.token}/paid?session_id=${encodeURIComponent(s.sessionId)}` : undefined}
      hx-trigger={polling ? "every 2s" : undefined}
      hx-swap="outerHTML"
    >
      {s.state === "paid" ? (
        <>
          <div class="banner ok" data-payment="paid">
            Payment received: {s.amountPence !== null ? formatPence(s.amountPence) : ""} paid. Thank you!
          </div>
          {s.invoice ? (
            <a class="button" href={`/q/${props.token}/invoices/${s.invoice.id}`} download={`${s.invoice.number}.pdf`}>
              Download invoice {s.invoice.number}
            </a>
          ) : null}
        </>
      ) : s.state === "failed" ? (
        <div class="banner warn">
          The payment did not go through. You have not been charged; you can try again from your quote.
        </div>
      ) : s.state === "flagged" ? (
        <div class="banner warn">
          We received a payment but need to check it. We will be in touch; there is nothing more for you to do.
        </div>
      ) : s.state === "unknown" ? (
        <div class="banner warn">We can't find that payment.</div>
      ) : (
        <div class="banner info" data-payment="waiting">
          {s.state === "processing" ? "Your payment is being processed by your bank." : "Confirming your payment…"} This
          page updates by itself.
        </div>
      )}
    </section>
  );
}

/** A request the customer cannot make (an expired, declined or paid quote), said plainly. */
export function QuoteRefusalPage(props: {
  company: CompanyDetails;
  token: string | null;
  title: string;
  message: string;
}) {
  return (
    <PublicLayout title={props.title} company={props.company}>
      <section class="card">
        <h1>{props.title}</h1>
        <p>{props.message}</p>
        {props.token ? (
          <a class="button secondary" href={`/q/${props.token}`}>
            Back to the quote
          </a>
        ) : null}
      </section>
    </PublicLayout>
  );
}
