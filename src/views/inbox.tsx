import { leadDisplayName, type Lead } from "../domain/leads.ts";
import { phoneForDisplay } from "./format.ts";
import { CHANNEL_NAMES, type Message, type MessageChannel } from "../domain/messaging/message.ts";
import type { Conversation } from "../ports/messages.ts";
import type { WebhookDelivery } from "../ports/messages.ts";
import { Badge } from "./components.tsx";
import { formatDateTime } from "../domain/london-time.ts";
import { Layout, type PageContext } from "./layout.tsx";
import { ReplyBox, Thread, type ReplyView } from "./messages.tsx";

export interface InboxListing {
  conversations: Conversation[];
  channel: MessageChannel | null;
  query: string;
  page: number;
  hasMore: boolean;
  unreadTotal: number;
}

const listUrl = (listing: Pick<InboxListing, "channel" | "query">, page = 1) => {
  const params = new URLSearchParams();
  if (listing.channel) params.set("channel", listing.channel);
  if (listing.query) params.set("q", listing.query);
  if (page > 1) params.set("page", String(page));
  const qs = params.toString();
  return `/inbox${qs ? `?${qs}` : ""}`;
};

/** What a conversation's latest message says, in a line. */
function preview(message: Message): string {
  const who = message.direction === "outbound" ? "You: " : "";
  const what =
    message.body?.trim() ||
    (message.kind === "voice"
      ? message.transcript
        ? `Voice note: ${message.transcript}`
        : "Voice note"
      : message.kind === "image"
        ? "Photo"
        : message.kind === "video"
          ? "Video"
          : message.kind);
  return `${who}${what.length > 120 ? `${what.slice(0, 117)}…` : what}`;
}

/**
 * The inbox: every conversation on WhatsApp and SMS, newest first, unread counts, a channel
 * filter and a search box; it refreshes itself as messages arrive (server-sent events).
 */
export function InboxPage(props: { ctx: PageContext; listing: InboxListing }) {
  const { listing } = props;
  const filters: { label: string; channel: MessageChannel | null }[] = [
    { label: "All", channel: null },
    { label: "WhatsApp", channel: "whatsapp" },
    { label: "SMS", channel: "sms" },
  ];
  return (
    <Layout ctx={props.ctx} title="Inbox">
      <div class="toolbar">
        <h1 style="margin:0;margin-right:auto">Inbox</h1>
        <nav aria-label="Channels" class="toolbar" style="margin:0">
          {filters.map((f) => (
            <a
              class={`button ${listing.channel === f.channel ? "" : "secondary"}`}
              href={listUrl({ channel: f.channel, query: listing.query })}
              aria-current={listing.channel === f.channel ? "page" : undefined}
            >
              {f.label}
            </a>
          ))}
        </nav>
      </div>
      <form class="toolbar" action="/inbox" method="get" role="search" id="inbox-filter">
        {listing.channel ? <input type="hidden" name="channel" value={listing.channel} /> : null}
        <input
          type="search"
          name="q"
          value={listing.query}
          placeholder="Search names, numbers and messages"
          aria-label="Search conversations"
          hx-get="/inbox"
          hx-include="closest form"
          hx-trigger="input changed delay:250ms, search"
          hx-target="#conversations"
          hx-push-url="true"
        />
        <button type="submit" class="secondary">
          Search
        </button>
      </form>
      <div hx-ext="sse" sse-connect="/live?topic=inbox">
        {/* Live refreshes keep the current search and channel (read from the form). Never throttled:
            htmx's throttle drops every event in its window, so the last change of a burst (a second
            message a moment after the first) would not show; queue:last keeps one fetch in flight and
            the latest waiting behind it, so a burst costs at most two and the last always lands. */}
        <div
          id="conversations"
          hx-get="/inbox"
          hx-include="#inbox-filter"
          hx-trigger="sse:message queue:last, sse:seen queue:last"
          hx-swap="innerHTML"
        >
          <ConversationList listing={listing} />
        </div>
      </div>
    </Layout>
  );
}

export function ConversationList(props: { listing: InboxListing }) {
  const { listing } = props;
  if (listing.conversations.length === 0) {
    return (
      <p class="muted">
        {listing.query
          ? `No conversations match "${listing.query}".`
          : "No messages yet. WhatsApp messages and texts appear here as they arrive."}
      </p>
    );
  }
  return (
    <>
      <p class="muted" id="unread-total">
        {listing.unreadTotal} unread
      </p>
      <ul class="timeline">
        {listing.conversations.map((c) => (
          <li id={`conversation-${c.leadId}`}>
            <a href={`/inbox/${c.leadId}`}>
              <strong>{c.leadName ?? phoneForDisplay(c.leadPhone, c.last.senderName ?? "Unknown")}</strong>
            </a>{" "}
            {c.unread > 0 ? <Badge value="urgent" label={`${c.unread} unread`} /> : null}{" "}
            {c.channels.map((ch) => (
              <Badge value="category" label={CHANNEL_NAMES[ch]} />
            ))}
            <div class="muted">
              {formatDateTime(c.last.occurredAt)} · {preview(c.last)}
            </div>
          </li>
        ))}
      </ul>
      <nav class="pager" aria-label="Pages">
        {listing.page > 1 ? <a href={listUrl(listing, listing.page - 1)}>← Newer</a> : null}
        {listing.hasMore ? <a href={listUrl(listing, listing.page + 1)}>Older →</a> : null}
      </nav>
    </>
  );
}

export interface ConversationView {
  lead: Lead;
  messages: Message[];
  reply: ReplyView;
  /** Aliases (WhatsApp user ids) the lead is known by. */
  aliases: string[];
}

/** One lead's conversation across both channels; the thread refreshes itself as messages arrive or change. */
export function ConversationPage(props: { ctx: PageContext; view: ConversationView }) {
  const { lead, messages, reply, aliases } = props.view;
  return (
    <Layout ctx={props.ctx} title={`Messages with ${leadDisplayName(lead)}`}>
      <div class="toolbar">
        <h1 style="margin:0;margin-right:auto">
          <a href="/inbox" class="muted" style="text-decoration:none">
            Inbox ›
          </a>{" "}
          {leadDisplayName(lead)}
        </h1>
        <a class="button secondary" href={`/leads/${lead.id}`}>
          Lead
        </a>
      </div>
      <p class="muted">
        {phoneForDisplay(lead.phone, "No phone number")}
        {aliases.length > 0 ? ` · WhatsApp user id ${aliases.join(", ")}` : ""}
      </p>
      <div class="grid two">
        <section class="card" hx-ext="sse" sse-connect={`/live?topic=lead:${lead.id}`}>
          <div id="thread" hx-get={`/inbox/${lead.id}/thread`} hx-trigger="sse:message queue:last" hx-swap="innerHTML">
            <Thread leadId={lead.id} messages={messages} csrfToken={props.ctx.csrfToken} />
          </div>
        </section>
        <aside class="card">
          <h2>Reply</h2>
          <ReplyBox ctx={props.ctx} view={reply} />
        </aside>
      </div>
    </Layout>
  );
}

/** Webhook deliveries that did not match the documented shapes, or failed: for the integrations page. */
export function DeliveriesPage(props: { ctx: PageContext; deliveries: WebhookDelivery[] }) {
  return (
    <Layout ctx={props.ctx} title="Webhook deliveries">
      <h1>Webhook deliveries not processed</h1>
      <p class="muted">
        Signed deliveries that did not match the provider's documented shapes. They were recorded and answered 200 (so
        the provider does not retry forever) and changed nothing.
      </p>
      {props.deliveries.length === 0 ? (
        <p class="muted">None.</p>
      ) : (
        <div class="table-wrap">
          <table class="stacked">
            <thead>
              <tr>
                <th>Received</th>
                <th>Provider</th>
                <th>Why</th>
                <th>Body</th>
              </tr>
            </thead>
            <tbody>
              {props.deliveries.map((d) => (
                <tr>
                  <td data-label="Received">{formatDateTime(d.receivedAt)}</td>
                  <td data-label="Provider">{d.provider}</td>
                  <td data-label="Why">
                    <Badge value="failing" label={d.state} /> {d.detail}
                  </td>
                  <td data-label="Body">
                    <details>
                      <summary>{d.body.length} characters</summary>
                      <pre style="white-space:pre-wrap;max-width:40rem;overflow:auto">{d.body.slice(0, 4000)}</pre>
                    </details>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Layout>
  );
}
