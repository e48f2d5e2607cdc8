import {
  ISSUE_STATUSES,
  ISSUE_STATUS_LABELS,
  OPEN_ISSUE_STATUSES,
  TRADE_CATEGORIES,
  URGENCIES,
  isOpenIssue,
  issueTransitions,
  type Issue,
} from "../domain/issues.ts";
import type { Lead } from "../domain/leads.ts";
import { leadDisplayName } from "../domain/leads.ts";
import { formatPence } from "../domain/money.ts";
import type { Quote } from "../domain/quotes.ts";
import type { Call } from "../domain/calls.ts";
import type { IssueListItem } from "../ports/issues.ts";
import { Badge, Field, FormError, History, SelectField, TextAreaField, type FormState } from "./components.tsx";
import type { AuditEntry } from "../ports/audit.ts";
import { humanise } from "./format.ts";
import { formatDateTime } from "../domain/london-time.ts";
import { CsrfField, Layout, type PageContext } from "./layout.tsx";
import type { Child } from "hono/jsx";

/** One column per open status; closed jobs are listed apart. */
const BOARD_COLUMNS = OPEN_ISSUE_STATUSES;

/** The board: one column per working status; each card changes status in place. */
export function IssuesBoardPage(props: { ctx: PageContext; issues: IssueListItem[] }) {
  const closed = props.issues.filter((i) => !isOpenIssue(i.status));
  return (
    <Layout ctx={props.ctx} title="Issues">
      <div class="toolbar">
        <h1 style="margin:0;margin-right:auto">Issues</h1>
        <a class="button" href="/issues/new">
          New issue
        </a>
      </div>
      <div class="board">
        {BOARD_COLUMNS.map((status) => {
          const inColumn = props.issues.filter((i) => i.status === status);
          return (
            <section class="column" id={`column-${status}`}>
              <h2>
                {ISSUE_STATUS_LABELS[status]} <span class="muted">({inColumn.length})</span>
              </h2>
              {inColumn.map((issue) => (
                <IssueCard issue={issue} />
              ))}
            </section>
          );
        })}
      </div>
      {closed.length > 0 ? (
        <>
          <h2>Recently closed</h2>
          <div class="board">
            {closed.map((issue) => (
              <IssueCard issue={issue} />
            ))}
          </div>
        </>
      ) : null}
    </Layout>
  );
}

/** A card on the board. Changing the select posts the new status and swaps the card. */
export function IssueCard(props: { issue: IssueListItem; error?: string }) {
  const { issue } = props;
  const next = issueTransitions[issue.status];
  return (
    <article class={`issue-card ${issue.urgency}`} id={`issue-${issue.id}`}>
      <a href={`/issues/${issue.id}`}>
        <strong>{issue.title}</strong>
      </a>
      <div class="muted">
        {issue.leadName ?? "Unknown"} · {issue.postcode ?? "no postcode"}
      </div>
      <div>
        <Badge value={issue.urgency} /> <Badge value="category" label={humanise(issue.category)} />
      </div>
      {props.error ? <p class="field-error">{props.error}</p> : null}
      {next.length > 0 ? (
        <form
          hx-post={`/issues/${issue.id}/status`}
          hx-trigger="change"
          hx-target={`#issue-${issue.id}`}
          hx-swap="outerHTML"
          method="post"
          action={`/issues/${issue.id}/status`}
        >
          <label class="muted" style="font-weight:400">
            Status
            <select name="status" aria-label={`Status of ${issue.title}`}>
              <option value={issue.status} selected>
                {ISSUE_STATUS_LABELS[issue.status]}
              </option>
              {next.map((status) => (
                <option value={status}>{ISSUE_STATUS_LABELS[status]}</option>
              ))}
            </select>
          </label>
          <noscript>
            <button type="submit">Change</button>
          </noscript>
        </form>
      ) : (
        <div class="muted">{ISSUE_STATUS_LABELS[issue.status]}</div>
      )}
    </article>
  );
}

export function IssuePage(props: {
  ctx: PageContext;
  issue: Issue;
  lead: Lead | null;
  quotes: Quote[];
  calls: Call[];
  quoteSection?: Child;
  /** Visits and "Book a visit" (src/views/visits.tsx). */
  visitsSection?: Child;
  history?: AuditEntry[];
}) {
  const { issue } = props;
  return (
    <Layout ctx={props.ctx} title={issue.title}>
      <div class="toolbar">
        <h1 style="margin:0;margin-right:auto">{issue.title}</h1>
        <a class="button secondary" href={`/issues/${issue.id}/edit`}>
          Edit
        </a>
      </div>
      <div class="grid two">
        <section class="card">
          <dl class="details">
            <dt>Status</dt>
            <dd id="issue-status">{ISSUE_STATUS_LABELS[issue.status]}</dd>
            <dt>Urgency</dt>
            <dd>
              <Badge value={issue.urgency} />
            </dd>
            <dt>Trade</dt>
            <dd>{humanise(issue.category)}</dd>
            <dt>Site</dt>
            <dd>{[issue.address, issue.postcode].filter(Boolean).join(", ") || "—"}</dd>
            <dt>Access</dt>
            <dd>{issue.accessNotes ?? "—"}</dd>
            <dt>Opened</dt>
            <dd>{formatDateTime(issue.createdAt)}</dd>
          </dl>
          {issue.description ? <p>{issue.description}</p> : null}
          {props.quoteSection ?? (
            <>
              <h2>Quotes</h2>
              {props.quotes.length === 0 ? (
                <p class="muted">No quotes yet.</p>
              ) : (
                <ul>
                  {props.quotes.map((q) => (
                    <li>
                      Version {q.version}: {formatPence(q.totals.totalPence)} <Badge value={q.status} />
                    </li>
                  ))}
                </ul>
              )}
            </>
          )}
          {props.visitsSection ?? null}
          <h2>Calls</h2>
          {props.calls.length === 0 ? (
            <p class="muted">No calls linked.</p>
          ) : (
            <ul>
              {props.calls.map((call) => (
                <li>
                  <a href={`/calls/${call.id}`}>{formatDateTime(call.startedAt)}</a> <Badge value={call.status} />
                </li>
              ))}
            </ul>
          )}
        </section>
        <aside class="card">
          <h2>Customer</h2>
          {props.lead ? (
            <p>
              <a href={`/leads/${props.lead.id}`}>{leadDisplayName(props.lead)}</a>
            </p>
          ) : (
            <p class="muted">Unknown</p>
          )}
          {/* Video requests, photos and videos from the customer, the quote by WhatsApp (routes/messages.tsx). */}
          <div hx-get={`/issues/${issue.id}/messaging`} hx-trigger="load" hx-swap="outerHTML"></div>
          <History entries={props.history ?? []} />
        </aside>
      </div>
    </Layout>
  );
}

export function IssueFormPage(props: {
  ctx: PageContext;
  form: FormState;
  action: string;
  title: string;
  leads: Lead[];
}) {
  return (
    <Layout ctx={props.ctx} title={props.title}>
      <h1>{props.title}</h1>
      <IssueForm {...props} />
    </Layout>
  );
}

export function IssueForm(props: { ctx: PageContext; form: FormState; action: string; leads: Lead[] }) {
  const { form } = props;
  const leadOptions = [
    { value: "", label: "Choose a lead…" },
    ...props.leads.map((l) => ({ value: l.id, label: leadDisplayName(l) })),
  ];
  return (
    <form
      method="post"
      action={props.action}
      class="stack card"
      hx-post={props.action}
      hx-target="this"
      hx-swap="outerHTML"
    >
      <CsrfField token={props.ctx.csrfToken} />
      <FormError form={form} />
      <SelectField form={form} name="leadId" label="Lead" options={leadOptions} />
      <Field form={form} name="title" label="What is the job?" />
      <TextAreaField form={form} name="description" label="Description" />
      <SelectField form={form} name="category" label="Trade" options={TRADE_CATEGORIES} />
      <SelectField form={form} name="urgency" label="Urgency" options={URGENCIES} />
      <Field form={form} name="address" label="Site address" />
      <Field form={form} name="postcode" label="Postcode" />
      <TextAreaField form={form} name="accessNotes" label="Access notes" rows={2} />
      <div>
        <button type="submit">Save issue</button>
      </div>
    </form>
  );
}

export { ISSUE_STATUSES };
