import { formatDateTime } from "../domain/london-time.ts";
import { AUDIT_ENTITIES, type AuditEntry } from "../ports/audit.ts";
import { humanise } from "./format.ts";
import { Layout, type PageContext } from "./layout.tsx";

/** What the audit page's search form holds, as typed. */
export interface AuditQuery {
  who: string;
  q: string;
  entity: string;
  from: string;
  to: string;
  page: number;
}

export interface AuditListing {
  query: AuditQuery;
  entries: AuditEntry[];
  more: boolean;
}

/** The audit trail for admins: who did what and when, newest first, searchable. */
export function AuditTrailPage(props: { ctx: PageContext; listing: AuditListing }) {
  const { query } = props.listing;
  return (
    <Layout ctx={props.ctx} title="Audit trail">
      <h1>Audit trail</h1>
      <form
        class="toolbar"
        action="/settings/audit"
        method="get"
        role="search"
        hx-get="/settings/audit"
        hx-target="#audit-results"
        hx-push-url="true"
        hx-trigger="submit, input changed delay:300ms from:input[type=search]"
      >
        <input type="search" name="who" value={query.who} placeholder="Who (email)" aria-label="Who" />
        <input type="search" name="q" value={query.q} placeholder="What, or a record's id" aria-label="What" />
        <select name="entity" aria-label="About">
          <option value="">Anything</option>
          {AUDIT_ENTITIES.map((entity) => (
            <option value={entity} selected={entity === query.entity}>
              {humanise(entity)}
            </option>
          ))}
        </select>
        <label>
          From <input type="date" name="from" value={query.from} />
        </label>
        <label>
          To <input type="date" name="to" value={query.to} />
        </label>
        <button type="submit" class="secondary">
          Search
        </button>
      </form>
      <div id="audit-results">
        <AuditResults listing={props.listing} />
      </div>
    </Layout>
  );
}

const detailText = (details: Record<string, unknown> | undefined) =>
  details
    ? Object.entries(details)
        .map(([key, value]) => `${key}: ${Array.isArray(value) ? value.join(", ") : String(value)}`)
        .join(" · ")
    : "";

export function AuditResults(props: { listing: AuditListing }) {
  const { entries, more, query } = props.listing;
  const link = (page: number) => {
    const params = Object.entries({ ...query, page: String(page) }).filter(([, v]) => v !== "" && v !== "1");
    return `/settings/audit?${new URLSearchParams(params)}`;
  };
  if (entries.length === 0) return <p class="muted">No entries match.</p>;
  return (
    <>
      <div class="table-wrap">
        <table class="stacked">
          <thead>
            <tr>
              <th>When</th>
              <th>Who</th>
              <th>What</th>
              <th>About</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((entry) => (
              <tr>
                <td data-label="When">{formatDateTime(entry.at)}</td>
                <td data-label="Who" class="wide">
                  {entry.who}
                </td>
                <td data-label="What" class="wide">
                  {entry.what}
                  {entry.details ? <div class="muted small">{detailText(entry.details)}</div> : null}
                </td>
                <td data-label="About">
                  {humanise(entry.entity)}
                  {entry.entityId ? <div class="muted small">{entry.entityId}</div> : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <nav class="pager" aria-label="Pages">
        {query.page > 1 ? (
          <a href={link(query.page - 1)} hx-get={link(query.page - 1)} hx-target="#audit-results" hx-push-url="true">
            ← Newer
          </a>
        ) : null}
        <span class="muted">Page {query.page}</span>
        {more ? (
          <a href={link(query.page + 1)} hx-get={link(query.page + 1)} hx-target="#audit-results" hx-push-url="true">
            Older →
          </a>
        ) : null}
      </nav>
    </>
  );
}
