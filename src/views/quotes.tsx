import { raw } from "hono/html";
import { AssistantCallButton } from "./assistant-call.tsx";
import { quoteAwaitsAnswer } from "../domain/assistant/subjects.ts";
import type { Child } from "hono/jsx";
import { formatPence } from "../domain/money.ts";
import { paymentSource, type Payment } from "../domain/payments/charges.ts";
import { lineField, type LineInput, type NotCounted, type QuoteDraftInput } from "../domain/payments/quote-draft.ts";
import {
  LINE_KINDS,
  QUOTE_STATUSES,
  canBeResent,
  type Quote,
  type QuoteStatus,
  type QuoteTotals,
} from "../domain/quotes.ts";
import type { FieldErrors } from "../domain/validation.ts";
import type { Invoice } from "../ports/invoices.ts";
import { quoteFileName } from "../domain/payments/quote-document.ts";
import type { QuoteListItem } from "../ports/quotes.ts";
import type { MoneyFigures } from "../ports/payments.ts";
import type { OutboundMessage } from "../ports/quote-messages.ts";
import { Badge } from "./components.tsx";
import { humanise, phoneForDisplay } from "./format.ts";
import { formatDate, formatDateTime } from "../domain/london-time.ts";
import { CsrfField, Layout, type PageContext } from "./layout.tsx";

/** The builder's own few rules; the stylesheet is shared with other areas, so these stay here. */
export const QUOTE_STYLES = raw(`<style>
.quote-lines { display: grid; gap: .5rem; }
.quote-line { display: grid; gap: .4rem; grid-template-columns: 1fr 1fr; border: 1px solid var(--line); border-radius: 6px; padding: .5rem; }
.quote-line .wide { grid-column: 1 / -1; }
.quote-totals table td:last-child, .quote-totals table th:last-child, .money { text-align: right; font-variant-numeric: tabular-nums; }
.quote-totals .grand td { font-weight: 700; border-top: 2px solid var(--ink); }
.badge.paid, .badge.deposit_paid, .badge.accepted { background: #e2f3e6; color: var(--ok); }
.badge.mismatch, .badge.failed, .badge.declined, .badge.expired { background: #fde3e1; color: var(--danger); }
.badge.outbox { background: #fff0d9; color: var(--warn); }
.quote-line:has(.line-count[data-not-counted]) { border-color: var(--warn); border-style: dashed; }
.line-count { grid-column: 1 / -1; color: var(--warn); font-size: .9rem; margin: 0; }
.line-count:empty { display: none; }
.quote-totals .not-counted { color: var(--warn); margin: .5rem 0 0; padding-left: 1.2rem; }
@media (min-width: 760px) { .quote-line { grid-template-columns: 8rem 1fr 6rem 7rem 5rem auto; align-items: end; } .quote-line .wide { grid-column: auto; } }
</style>`);

const STATUS_LABELS: Record<QuoteStatus, string> = {
  draft: "Draft",
  sent: "Sent",
  viewed: "Viewed",
  accepted: "Accepted",
  deposit_paid: "Deposit paid",
  paid: "Paid",
  declined: "Declined",
  expired: "Expired",
  superseded: "Replaced",
};

export const QuoteStatusBadge = (props: { status: QuoteStatus }) => (
  <Badge value={props.status} label={STATUS_LABELS[props.status]} />
);

/** A small input with its error beside it. */
function Cell(props: {
  name: string;
  label: string;
  value: string;
  errors: FieldErrors;
  inputmode?: "decimal" | "text";
  class?: string;
  placeholder?: string;
}) {
  const error = props.errors[props.name];
  const id = `field-${props.name}`;
  return (
    <label for={id} class={props.class}>
      {props.label}
      <input
        id={id}
        name={props.name}
        value={props.value}
        inputmode={props.inputmode}
        placeholder={props.placeholder}
        aria-invalid={error ? "true" : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
      />
      {error ? (
        <span class="field-error" id={`${id}-error`}>
          {error}
        </span>
      ) : null}
    </label>
  );
}

/**
 * A row's "not counted" mark. The live preview swaps each row's mark in out of band, so a row
 * the totals leave out says so beside itself as staff type, and a row they count again clears.
 */
function LineCountMark(props: { index: number; reason: string | undefined; oob?: boolean }) {
  return (
    <p
      class="line-count"
      id={`line-${props.index}-count`}
      data-not-counted={props.reason ? "true" : undefined}
      hx-swap-oob={props.oob ? "true" : undefined}
    >
      {props.reason ? `Not counted in the total: ${props.reason}` : ""}
    </p>
  );
}

/** Every row's mark, for the live preview's out-of-band swap. */
export function NotCountedMarks(props: { rows: number; notCounted: NotCounted[] }) {
  const reasons = new Map(props.notCounted.map((n) => [n.field, n.reason]));
  return (
    <>
      {Array.from({ length: props.rows }, (_, index) => (
        <LineCountMark index={index} reason={reasons.get(`line-${index}`)} oob />
      ))}
    </>
  );
}

function LineRow(props: {
  index: number;
  line: LineInput;
  errors: FieldErrors;
  quoteId: string;
  notCounted: string | undefined;
}) {
  const { index, line, errors } = props;
  const name = (field: keyof LineInput) => lineField(index, field);
  return (
    <div class="quote-line" id={`line-${index}`}>
      <label for={`field-${name("kind")}`}>
        Type
        <select id={`field-${name("kind")}`} name={name("kind")}>
          {LINE_KINDS.map((kind) => (
            <option value={kind} selected={kind === (line.kind || "labour")}>
              {humanise(kind)}
            </option>
          ))}
        </select>
      </label>
      <Cell name={name("description")} label="Description" value={line.description} errors={errors} class="wide" />
      <Cell name={name("quantity")} label="Qty" value={line.quantity} errors={errors} inputmode="decimal" />
      <Cell name={name("unitPrice")} label="Unit price £" value={line.unitPrice} errors={errors} inputmode="decimal" />
      <Cell name={name("vatRate")} label="VAT %" value={line.vatRate} errors={errors} inputmode="decimal" />
      <div>
        <button
          type="button"
          class="secondary"
          hx-post={`/quotes/${props.quoteId}/builder`}
          hx-vals={JSON.stringify({ remove: String(index) })}
          hx-target="#quote-builder"
          hx-swap="outerHTML"
          aria-label={`Remove line ${index + 1}`}
        >
          Remove
        </button>
      </div>
      <LineCountMark index={index} reason={props.notCounted} />
    </div>
  );
}

/** Totals as the customer will see them; swapped in live while staff type. */
export function QuoteTotalsPanel(props: { totals: QuoteTotals; errors?: FieldErrors; notCounted?: NotCounted[] }) {
  const t = props.totals;
  const problems = Object.entries(props.errors ?? {}).filter(([field]) => field === "total" || field === "lines");
  const notCounted = props.notCounted ?? [];
  return (
    <div class="quote-totals" id="quote-totals" aria-live="polite">
      <table>
        <tbody>
          <tr>
            <td>Subtotal</td>
            <td data-total="subtotal">{formatPence(t.subtotalPence)}</td>
          </tr>
          {t.discountPence ? (
            <tr>
              <td>Discount</td>
              <td>-{formatPence(t.discountPence)}</td>
            </tr>
          ) : null}
          {t.vatByRate.map((v) => (
            <tr>
              <td>
                VAT at {v.ratePercent}% on {formatPence(v.netPence)}
              </td>
              <td>{formatPence(v.vatPence)}</td>
            </tr>
          ))}
          <tr class="grand">
            <td>{notCounted.length > 0 ? "Total so far" : "Total"}</td>
            <td data-total="total">{formatPence(t.totalPence)}</td>
          </tr>
          {t.depositPence ? (
            <tr>
              <td>Deposit due on acceptance</td>
              <td data-total="deposit">{formatPence(t.depositPence)}</td>
            </tr>
          ) : null}
        </tbody>
      </table>
      {notCounted.length > 0 ? (
        <ul class="not-counted" aria-label="Not counted in these totals">
          {notCounted.map((n) => (
            <li data-not-counted={n.field}>
              {n.label} is not counted: {n.reason}
            </li>
          ))}
        </ul>
      ) : null}
      {problems.map(([field, message]) => (
        <p class="field-error" id={`field-${field}-error`}>
          {message}
        </p>
      ))}
    </div>
  );
}

/**
 * The quote builder for a draft. Typing posts the form to /preview (htmx) and swaps in the
 * totals; Add and Remove re-render the builder; Save and Send are ordinary form posts.
 */
export function QuoteBuilder(props: {
  ctx: PageContext;
  quote: Quote;
  input: QuoteDraftInput;
  totals: QuoteTotals;
  /** What the totals leave out, marked beside its row and under the totals. */
  notCounted?: NotCounted[];
  errors: FieldErrors;
  saved?: boolean;
  message?: string;
}) {
  const { quote, input, errors } = props;
  const notCounted = props.notCounted ?? [];
  const lineReason = (index: number) => notCounted.find((n) => n.field === `line-${index}`)?.reason;
  return (
    <form
      id="quote-builder"
      class="stack card"
      method="post"
      action={`/quotes/${quote.id}`}
      hx-post={`/quotes/${quote.id}/preview`}
      hx-trigger="input delay:300ms, change"
      hx-target="#quote-totals"
      hx-swap="outerHTML"
      style="max-width:none"
    >
      <CsrfField token={props.ctx.csrfToken} />
      <h3 style="margin:0">
        Version {quote.version} <QuoteStatusBadge status={quote.status} />
      </h3>
      {props.message ? (
        <p class="form-error" role="alert">
          {props.message}
        </p>
      ) : Object.keys(errors).length > 0 ? (
        <p class="form-error" role="alert">
          Some fields need attention.
        </p>
      ) : props.saved ? (
        <p class="notice">Draft saved.</p>
      ) : null}
      <div class="quote-lines">
        {input.lines.map((line, index) => (
          <LineRow index={index} line={line} errors={errors} quoteId={quote.id} notCounted={lineReason(index)} />
        ))}
      </div>
      <div>
        <button
          type="button"
          class="secondary"
          hx-post={`/quotes/${quote.id}/builder`}
          hx-vals={JSON.stringify({ add: "1" })}
          hx-target="#quote-builder"
          hx-swap="outerHTML"
        >
          Add line
        </button>
      </div>
      <div class="grid two" style="grid-template-columns:repeat(auto-fit,minmax(12rem,1fr))">
        <Cell
          name="discount"
          label="Discount £"
          value={input.discount}
          errors={errors}
          inputmode="decimal"
          placeholder="0.00"
        />
        <label for="field-depositKind">
          Deposit
          <select id="field-depositKind" name="depositKind">
            {[
              ["none", "No deposit"],
              ["percent", "Percentage of total"],
              ["amount", "Fixed amount (£)"],
            ].map(([value, label]) => (
              <option value={value} selected={value === (input.depositKind || "none")}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <Cell
          name="depositValue"
          label="Deposit % or £"
          value={input.depositValue}
          errors={errors}
          inputmode="decimal"
        />
        <label for="field-validUntil">
          Valid until
          <input
            id="field-validUntil"
            type="date"
            name="validUntil"
            value={input.validUntil}
            aria-invalid={errors.validUntil ? "true" : undefined}
          />
          {errors.validUntil ? (
            <span class="field-error" id="field-validUntil-error">
              {errors.validUntil}
            </span>
          ) : null}
        </label>
      </div>
      <label for="field-terms">
        Terms
        <textarea id="field-terms" name="terms" rows={3}>
          {input.terms}
        </textarea>
        {errors.terms ? <span class="field-error">{errors.terms}</span> : null}
      </label>
      <QuoteTotalsPanel totals={props.totals} errors={errors} notCounted={notCounted} />
      <div class="toolbar">
        <button type="submit">Save draft</button>
        <button type="submit" formaction={`/quotes/${quote.id}/send`}>
          Send to customer
        </button>
      </div>
    </form>
  );
}

/** The quotes part of the issue page: every version, and the builder for the draft. */
export function IssueQuotes(props: { ctx: PageContext; issueId: string; quotes: Quote[]; builder: Child }) {
  const hasDraft = props.quotes.some((q) => q.status === "draft");
  const latest = props.quotes[0];
  return (
    <section id="quotes">
      {QUOTE_STYLES}
      <h2>Quotes</h2>
      {props.quotes.length === 0 ? <p class="muted">No quotes yet.</p> : null}
      {props.quotes.length > 0 ? (
        <ul>
          {props.quotes.map((q) => (
            <li>
              <a href={`/quotes/${q.id}`}>Version {q.version}</a>: {formatPence(q.totals.totalPence)}{" "}
              <QuoteStatusBadge status={q.status} />
              {q.sentAt ? <span class="muted"> · sent {formatDateTime(q.sentAt)}</span> : null}
            </li>
          ))}
        </ul>
      ) : null}
      {props.builder}
      {!hasDraft ? (
        <form method="post" action={`/issues/${props.issueId}/quotes`}>
          <CsrfField token={props.ctx.csrfToken} />
          <button type="submit">{latest ? `New version (from version ${latest.version})` : "Start a quote"}</button>
        </form>
      ) : null}
    </section>
  );
}

export function QuotesListPage(props: {
  ctx: PageContext;
  items: QuoteListItem[];
  status: QuoteStatus | null;
  flagged: (Payment & { issueTitle: string; issueId: string })[];
  outbox: OutboundMessage[];
}) {
  const total = props.items.reduce((sum, i) => sum + i.quote.totals.totalPence, 0);
  return (
    <Layout ctx={props.ctx} title="Quotes">
      {QUOTE_STYLES}
      <h1>Quotes</h1>
      {props.flagged.length > 0 ? (
        <section class="card notice warn" id="flagged-payments">
          <h2 style="margin-top:0">Payments needing attention</h2>
          <ul>
            {props.flagged.map((p) => (
              <li>
                <a href={`/quotes/${p.quoteId}`}>{p.issueTitle}</a>: {formatPence(p.amountPence)} {p.kind} — {p.flag}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <nav class="toolbar" aria-label="Filter by status">
        <a class="button secondary" href="/quotes" aria-current={props.status === null ? "page" : undefined}>
          All current
        </a>
        {QUOTE_STATUSES.map((s) => (
          <a
            class="button secondary"
            href={`/quotes?status=${s}`}
            aria-current={props.status === s ? "page" : undefined}
          >
            {STATUS_LABELS[s]}
          </a>
        ))}
      </nav>
      <div class="table-wrap card">
        <table class="stacked">
          <thead>
            <tr>
              <th>Job</th>
              <th>Customer</th>
              <th>Status</th>
              <th class="money">Total</th>
              <th class="money">Paid</th>
              <th>Updated</th>
            </tr>
          </thead>
          <tbody>
            {props.items.map((i) => (
              <tr>
                <td data-label="Job">
                  <a href={`/quotes/${i.quote.id}`}>{i.issueTitle}</a> <span class="muted">v{i.quote.version}</span>
                </td>
                <td data-label="Customer">
                  <a href={`/leads/${i.leadId}`}>{i.leadName ?? "Unknown"}</a>
                </td>
                <td data-label="Status">
                  <QuoteStatusBadge status={i.quote.status} />
                </td>
                <td data-label="Total" class="money">
                  {formatPence(i.quote.totals.totalPence)}
                </td>
                <td data-label="Paid" class="money">
                  {formatPence(i.paidPence)}
                </td>
                <td data-label="Updated" class="muted">
                  {formatDateTime(i.quote.updatedAt)}
                </td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th colspan={3}>{props.items.length} quotes</th>
              <th class="money" data-label="Total">
                {formatPence(total)}
              </th>
              <th class="money" data-label="Paid">
                {formatPence(props.items.reduce((s, i) => s + i.paidPence, 0))}
              </th>
              <th></th>
            </tr>
          </tfoot>
        </table>
      </div>
      <h2>Outbox</h2>
      <OutboxList messages={props.outbox} />
    </Layout>
  );
}

export function OutboxList(props: { messages: OutboundMessage[] }) {
  if (props.messages.length === 0) return <p class="muted">No messages.</p>;
  return (
    <ul class="timeline" id="outbox">
      {props.messages.map((m) => (
        <li>
          <span class="kind">
            {humanise(m.purpose)} · {m.channel.toUpperCase()} to {phoneForDisplay(m.to, "no number")}
          </span>{" "}
          {m.status === "outbox" ? (
            <Badge value="outbox" label="In the outbox — not sent" />
          ) : (
            <Badge value={m.status} />
          )}
          {m.error ? <div class="field-error">{m.error}</div> : null}
          <div>{m.body}</div>
          <div class="muted">{formatDateTime(m.createdAt)}</div>
        </li>
      ))}
    </ul>
  );
}

/** One quote for staff: its lines, where it stands, its link, payments, invoices and messages. */
export function StaffQuotePage(props: {
  ctx: PageContext;
  quote: Quote;
  issueTitle: string;
  link: string;
  payments: Payment[];
  invoices: Invoice[];
  messages: OutboundMessage[];
  senderKind: string;
  balanceDuePence: number;
  flash?: string;
  /** "Book a visit" for the job, once the customer has accepted or paid. */
  visitsSection?: Child;
  /** On the embedded default the call simulator answers assistant calls: pick its reply. */
  simulatedCustomer?: boolean;
}) {
  const { quote } = props;
  const post = (path: string, label: string, secondary = true) => (
    <form method="post" action={`/quotes/${quote.id}/${path}`} style="display:inline">
      <CsrfField token={props.ctx.csrfToken} />
      <button type="submit" class={secondary ? "secondary" : undefined}>
        {label}
      </button>
    </form>
  );
  return (
    <Layout ctx={props.ctx} title={`Quote v${quote.version}`}>
      {QUOTE_STYLES}
      <div class="toolbar">
        <h1 style="margin:0;margin-right:auto">
          Quote v{quote.version}: <a href={`/issues/${quote.issueId}`}>{props.issueTitle}</a>{" "}
          <QuoteStatusBadge status={quote.status} />
        </h1>
      </div>
      {props.flash ? <p class="notice">{props.flash}</p> : null}
      <div class="grid two">
        <section class="card">
          <table class="stacked">
            <thead>
              <tr>
                <th>Description</th>
                <th class="money">Qty</th>
                <th class="money">Unit</th>
                <th class="money">VAT</th>
                <th class="money">Net</th>
              </tr>
            </thead>
            <tbody>
              {quote.lines.map((line, i) => (
                <tr>
                  <td data-label="Description">
                    {line.description} <span class="muted">({humanise(line.kind)})</span>
                  </td>
                  <td data-label="Qty" class="money">
                    {line.quantity}
                  </td>
                  <td data-label="Unit" class="money">
                    {formatPence(line.unitPricePence)}
                  </td>
                  <td data-label="VAT" class="money">
                    {line.vatRatePercent}%
                  </td>
                  <td data-label="Net" class="money">
                    {formatPence(quote.totals.lines[i]?.netPence ?? 0)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <QuoteTotalsPanel totals={quote.totals} />
          {quote.validUntil ? <p class="muted">Valid until {formatDate(quote.validUntil)}.</p> : null}
          {quote.terms ? <p>{quote.terms}</p> : null}
          <h2>Payments</h2>
          {props.payments.length === 0 ? (
            <p class="muted">None yet.</p>
          ) : (
            <ul>
              {props.payments.map((p) => (
                <li>
                  {humanise(p.kind)} {formatPence(p.amountPence)} <Badge value={p.status} />{" "}
                  <span class="muted">
                    {paymentSource(p.provider)} · {formatDateTime(p.paidAt ?? p.createdAt)}
                  </span>
                  {p.flag ? <div class="field-error">{p.flag}</div> : null}
                </li>
              ))}
            </ul>
          )}
          {props.balanceDuePence > 0 && quote.status === "deposit_paid" ? (
            <p>Balance due: {formatPence(props.balanceDuePence)}</p>
          ) : null}
          <h2>Invoices</h2>
          {props.invoices.length === 0 ? (
            <p class="muted">None yet: an invoice is issued when a payment is settled.</p>
          ) : (
            <ul>
              {props.invoices.map((inv) => (
                <li>
                  <a href={`/invoices/${inv.id}/pdf`}>{inv.content.number}</a> {humanise(inv.kind)}{" "}
                  {formatPence(inv.totalPence)} · {formatDateTime(inv.issuedAt)}
                </li>
              ))}
            </ul>
          )}
        </section>
        <aside class="card">
          <h2 style="margin-top:0">Customer link</h2>
          {quote.status === "draft" ? (
            <p class="muted">The link works once this version is sent.</p>
          ) : (
            <>
              <p>
                <input readonly value={props.link} aria-label="Customer link" />
              </p>
              <p id="quote-document">
                <a href={`/quotes/${quote.id}/pdf`} download={quoteFileName(quote)}>
                  Quote v{quote.version} as a PDF
                </a>
                {quote.documentKey ? null : (
                  <span class="muted"> (being prepared; opening it now lays it out at once)</span>
                )}
              </p>
            </>
          )}
          <div class="toolbar">
            {canBeResent(quote.status) ? post("resend", "Send the link again") : null}
            {quoteAwaitsAnswer(quote) ? (
              <AssistantCallButton
                action={`/quotes/${quote.id}/assistant-call`}
                csrfToken={props.ctx.csrfToken}
                simulatedCustomer={props.simulatedCustomer}
              />
            ) : null}
            {quote.status !== "draft" ? post("revise", "New version") : null}
            {quote.status === "deposit_paid" ? post("request-balance", "Ask for the balance", false) : null}
            {quote.status === "draft" ? (
              <a class="button" href={`/issues/${quote.issueId}#quote-builder`}>
                Edit the draft
              </a>
            ) : null}
          </div>
          {props.visitsSection ?? null}
          <h2>Messages</h2>
          {props.senderKind === "outbox" ? (
            <p class="notice">
              No SMS or WhatsApp provider is connected: messages stay in this outbox and nothing is sent.
            </p>
          ) : null}
          <OutboxList messages={props.messages} />
        </aside>
      </div>
    </Layout>
  );
}

/** Money on the dashboard: quoted, accepted and paid since the first of the month. */
export function MoneyStats(props: { money: MoneyFigures }) {
  const m = props.money;
  const stat = (label: string, pence: number, count: number, href: string) => (
    <a class="stat" href={href} style="text-decoration:none;color:inherit">
      <div class="n">{formatPence(pence)}</div>
      <div class="label">
        {label} ({count})
      </div>
    </a>
  );
  return (
    <div class="stats" style="margin-top:.75rem" aria-label="Money this month">
      {stat("Quoted this month", m.quotedPence, m.quotedCount, "/quotes")}
      {stat("Accepted this month", m.acceptedPence, m.acceptedCount, "/quotes?status=accepted")}
      {stat("Paid this month", m.paidPence, m.paidCount, "/quotes?status=paid")}
    </div>
  );
}
