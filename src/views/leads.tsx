import { LEAD_SEGMENTS, leadDisplayName, type Lead } from "../domain/leads.ts";
import { AssistantCallButton } from "./assistant-call.tsx";
import type { Issue } from "../domain/issues.ts";
import type { TimelineEntry } from "../ports/timeline.ts";
import { Badge, Field, FormError, History, SelectField, TextAreaField, type FormState } from "./components.tsx";
import type { AuditEntry } from "../ports/audit.ts";
import { humanise, phoneForDisplay } from "./format.ts";
import { formatDate, formatDateTime } from "../domain/london-time.ts";
import { CsrfField, Layout, type PageContext } from "./layout.tsx";
import type { LeadContact } from "../ports/leads.ts";
import { LeadContactsList } from "./lead-contacts.tsx";
import type { OptOut } from "../domain/assistant/call-policy.ts";
import { OptOutNotice } from "./call-consent.tsx";

export interface LeadsListing {
  leads: Lead[];
  total: number;
  query: string;
  page: number;
  pageSize: number;
}

/** The leads page: a search box that refreshes the results as staff type. */
export function LeadsPage(props: { ctx: PageContext; listing: LeadsListing }) {
  return (
    <Layout ctx={props.ctx} title="Leads">
      <div class="toolbar">
        <h1 style="margin:0;margin-right:auto">Leads</h1>
        <a class="button" href="/leads/new">
          New lead
        </a>
      </div>
      <form class="toolbar" action="/leads" method="get" role="search">
        <input
          type="search"
          name="q"
          value={props.listing.query}
          placeholder="Search by name, phone, street or postcode (also of a job's site)"
          aria-label="Search leads"
          hx-get="/leads"
          hx-trigger="input changed delay:250ms, search"
          hx-target="#lead-results"
          hx-push-url="true"
        />
        <button type="submit" class="secondary">
          Search
        </button>
      </form>
      <div id="lead-results">
        <LeadResults listing={props.listing} />
      </div>
    </Layout>
  );
}

export function LeadResults(props: { listing: LeadsListing }) {
  const { leads, total, page, pageSize, query } = props.listing;
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const link = (p: number) => `/leads?${new URLSearchParams({ ...(query ? { q: query } : {}), page: String(p) })}`;
  if (leads.length === 0) {
    return (
      <p class="muted">
        {query ? `No leads match "${query}".` : "No leads yet. They arrive with calls and messages, or add one."}
      </p>
    );
  }
  return (
    <>
      <div class="table-wrap">
        <table class="stacked">
          <thead>
            <tr>
              <th>Name</th>
              <th>Phone</th>
              <th>Postcode</th>
              <th>Segment</th>
              <th>Status</th>
              <th>Added</th>
            </tr>
          </thead>
          <tbody>
            {leads.map((lead) => (
              <LeadRow lead={lead} />
            ))}
          </tbody>
        </table>
      </div>
      <nav class="pager" aria-label="Pages">
        {page > 1 ? (
          <a href={link(page - 1)} hx-get={link(page - 1)} hx-target="#lead-results" hx-push-url="true">
            ← Newer
          </a>
        ) : null}
        <span class="muted">
          Page {page} of {pages} · {total} lead{total === 1 ? "" : "s"}
        </span>
        {page < pages ? (
          <a href={link(page + 1)} hx-get={link(page + 1)} hx-target="#lead-results" hx-push-url="true">
            Older →
          </a>
        ) : null}
      </nav>
    </>
  );
}

export const LeadRow = (props: { lead: Lead }) => (
  <tr>
    <td data-label="Name">
      <a href={`/leads/${props.lead.id}`}>{leadDisplayName(props.lead)}</a>
      {props.lead.organisation && props.lead.name ? <div class="muted">{props.lead.organisation}</div> : null}
    </td>
    <td data-label="Phone">{phoneForDisplay(props.lead.phone)}</td>
    <td data-label="Postcode">{props.lead.postcode ?? "—"}</td>
    <td data-label="Segment">{humanise(props.lead.segment)}</td>
    <td data-label="Status">
      <Badge value={props.lead.status} />
    </td>
    <td data-label="Added">{formatDate(props.lead.createdAt)}</td>
  </tr>
);

export function LeadPage(props: {
  ctx: PageContext;
  lead: Lead;
  timeline: TimelineEntry[];
  openIssues: Issue[];
  history: AuditEntry[];
  contacts: LeadContact[];
  /** The number's standing opt-out from the assistant's calls, if any. */
  optOut?: OptOut | null;
  /** On the embedded default the call simulator answers assistant calls: pick its reply. */
  simulatedCustomer?: boolean;
}) {
  const { lead } = props;
  return (
    <Layout ctx={props.ctx} title={leadDisplayName(lead)}>
      <div class="toolbar">
        <h1 style="margin:0;margin-right:auto">{leadDisplayName(lead)}</h1>
        <a class="button secondary" href={`/leads/${lead.id}/edit`}>
          Edit
        </a>
        <a class="button" href={`/issues/new?leadId=${lead.id}`}>
          New issue
        </a>
        {lead.phone ? (
          <AssistantCallButton
            action={`/leads/${lead.id}/assistant-call`}
            csrfToken={props.ctx.csrfToken}
            simulatedCustomer={props.simulatedCustomer}
          />
        ) : null}
      </div>
      {/* The latest messages and the reply box (routes/messages.tsx). */}
      <div hx-get={`/leads/${lead.id}/conversation`} hx-trigger="load" hx-swap="outerHTML"></div>
      <div class="grid two">
        <section class="card">
          <h2>Timeline</h2>
          {props.timeline.length === 0 ? (
            <p class="muted">Nothing yet.</p>
          ) : (
            <ul class="timeline">
              {props.timeline.map((entry) => (
                <li>
                  <div class="kind">
                    {entry.kind} · {formatDateTime(entry.at)}
                  </div>
                  <a href={`/${entry.kind === "message" ? "inbox" : `${entry.kind}s`}/${entry.id}`}>{entry.title}</a>
                  {entry.detail ? <div class="muted">{entry.detail}</div> : null}
                </li>
              ))}
            </ul>
          )}
        </section>
        <aside class="card">
          <h2>Details</h2>
          <dl class="details">
            <dt>Phone</dt>
            <dd>
              {lead.phone ? <a href={`tel:${lead.phone}`}>{phoneForDisplay(lead.phone)}</a> : "—"}
              {lead.phone ? <OptOutNotice ctx={props.ctx} optOut={props.optOut ?? null} leadId={lead.id} /> : null}
            </dd>
            <dt>Email</dt>
            <dd>{lead.email ?? "—"}</dd>
            <dt>Organisation</dt>
            <dd>{lead.organisation ?? "—"}</dd>
            <dt>Address</dt>
            <dd>{[lead.address, lead.postcode].filter(Boolean).join(", ") || "—"}</dd>
            <dt>Segment</dt>
            <dd>{humanise(lead.segment)}</dd>
            <dt>Source</dt>
            <dd>{humanise(lead.source)}</dd>
            <dt>Status</dt>
            <dd>
              <Badge value={lead.status} />
            </dd>
            <dt>Added</dt>
            <dd>{formatDateTime(lead.createdAt)}</dd>
          </dl>
          {lead.notes ? <p>{lead.notes}</p> : null}
          <LeadContactsList contacts={props.contacts} />
          <h2>Open issues</h2>
          {props.openIssues.length === 0 ? (
            <p class="muted">None.</p>
          ) : (
            <ul>
              {props.openIssues.map((issue) => (
                <li>
                  <a href={`/issues/${issue.id}`}>{issue.title}</a> <Badge value={issue.urgency} />
                </li>
              ))}
            </ul>
          )}
          <History entries={props.history} />
        </aside>
      </div>
    </Layout>
  );
}

/** The create and edit form; `action` decides which. Errors stand beside their fields. */
export function LeadFormPage(props: {
  ctx: PageContext;
  form: FormState;
  action: string;
  title: string;
  numberOwner?: Lead;
}) {
  return (
    <Layout ctx={props.ctx} title={props.title}>
      <h1>{props.title}</h1>
      <LeadForm {...props} />
    </Layout>
  );
}

/** `numberOwner`: the lead that already has the number typed, linked beside the phone field. */
export function LeadForm(props: { ctx: PageContext; form: FormState; action: string; numberOwner?: Lead }) {
  const { form } = props;
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
      <Field form={form} name="name" label="Name" autocomplete="off" />
      <Field form={form} name="organisation" label="Organisation" />
      <Field
        form={form}
        name="phone"
        label="Phone"
        type="tel"
        inputmode="tel"
        placeholder="07700 900123, or +33 6 12 34 56 78 abroad"
      />
      {props.numberOwner ? (
        <p class="field-error" id="phone-owner">
          <a href={`/leads/${props.numberOwner.id}`}>Open {leadDisplayName(props.numberOwner)}'s lead</a>
        </p>
      ) : null}
      <Field form={form} name="email" label="Email" type="email" />
      <Field form={form} name="address" label="Address" />
      <Field form={form} name="postcode" label="Postcode" />
      <SelectField form={form} name="segment" label="Segment" options={LEAD_SEGMENTS} />
      <TextAreaField form={form} name="notes" label="Notes" />
      <div>
        <button type="submit">Save lead</button>
      </div>
    </form>
  );
}
