import { CHANNEL_NAMES, NO_TRANSCRIBER, type Message, type MessageChannel } from "../domain/messaging/message.ts";
import { deliveryStatusLabel } from "../domain/messaging/delivery-status.ts";
import type { WindowState } from "../domain/messaging/window.ts";
import { Badge } from "./components.tsx";
import { formatDateTime } from "../domain/london-time.ts";
import { CsrfField, type PageContext } from "./layout.tsx";

const STATUS_TONE: Partial<Record<Message["status"], string>> = {
  failed: "failing",
  refused: "failing",
  media_pending: "urgent",
  not_sent: "embedded",
  delivered: "ok",
  read: "ok",
};

/** The status line under a message: delivery for outbound ones, media or processing for inbound. */
function MessageStatus(props: { message: Message }) {
  const { message } = props;
  const showBadge = message.direction === "outbound" || message.status !== "done";
  return (
    <div class="muted" style="font-size:.8rem">
      {CHANNEL_NAMES[message.channel]} · {formatDateTime(message.occurredAt)}
      {message.purpose !== "conversation" ? ` · ${message.purpose.replace("_", " ")}` : ""}
      {showBadge ? (
        <>
          {" "}
          <Badge
            value={STATUS_TONE[message.status] ?? message.status}
            label={deliveryStatusLabel(message.status, message.channel)}
          />
        </>
      ) : null}
      {message.issueId ? (
        <>
          {" "}
          · <a href={`/issues/${message.issueId}`}>job</a>
        </>
      ) : null}
    </div>
  );
}

/** Media whose download gave up: the reason, and a button that queues the download again. */
function MediaRetry(props: { message: Message; csrfToken: string | null }) {
  const { message: m } = props;
  const action = `/messages/${m.id}/media/retry`;
  return (
    <form
      class="notice warn"
      method="post"
      action={action}
      hx-post={action}
      hx-target={`#msg-${m.id}`}
      hx-swap="outerHTML"
    >
      <CsrfField token={props.csrfToken} />
      <div>Download failed{m.mediaError ? `: ${m.mediaError}` : "."}</div>
      <button type="submit" class="secondary" style="margin-top:.4rem">
        Retry the download
      </button>
    </form>
  );
}

function MediaPart(props: { message: Message; csrfToken: string | null }) {
  const { message: m } = props;
  if (m.status === "refused") return <p class="notice warn">{m.mediaError ?? "The media was refused."}</p>;
  if (!m.mediaKey) {
    if (m.direction === "inbound" && m.status === "media_pending" && m.mediaGaveUpAt)
      return <MediaRetry message={m} csrfToken={props.csrfToken} />;
    if (m.direction === "inbound" && m.status === "media_pending") {
      return <p class="notice">Media pending{m.mediaError ? `: ${m.mediaError}` : ": downloading…"}</p>;
    }
    return null;
  }
  const src = `/messages/${m.id}/media`;
  switch (m.kind) {
    case "image":
    case "sticker":
      return (
        <a href={src} target="_blank" rel="noopener">
          <img
            src={m.thumbnailKey ? `/messages/${m.id}/thumbnail` : src}
            alt={m.body ?? "Photo from the customer"}
            style="max-width:240px;max-height:240px;border-radius:6px;display:block"
            loading="lazy"
          />
        </a>
      );
    case "video":
      return (
        <video
          controls
          preload="metadata"
          src={src}
          style="max-width:320px;width:100%;border-radius:6px;display:block"
        ></video>
      );
    case "voice":
    case "audio":
      return <audio controls preload="metadata" src={src}></audio>;
    default:
      return (
        <a href={src} target="_blank" rel="noopener">
          Open the {m.kind === "document" ? "document" : "file"}
        </a>
      );
  }
}

function Transcript(props: { message: Message }) {
  const { message: m } = props;
  if (m.kind !== "voice" && m.kind !== "audio") return null;
  if (m.transcript !== null) {
    return (
      <p style="margin:.3rem 0">
        <span class="muted">Transcript: </span>
        {m.transcript || "(nothing said)"}
      </p>
    );
  }
  if (m.transcriber === NO_TRANSCRIBER)
    return <p class="muted">Not transcribed: no OpenAI account connected for voice notes (Settings → Integrations).</p>;
  if (m.transcriber?.includes("failed")) return <p class="muted">Not transcribed: {m.transcriber}</p>;
  if (m.mediaKey) return <p class="muted">Transcribing…</p>;
  return null;
}

/**
 * One message, either way. Its id lets a live update replace it. With `poll` (after staff asked
 * for a download again, on pages without a live stream) it re-fetches itself while the media is
 * downloading, so the media shows once stored.
 */
export function MessageItem(props: { message: Message; csrfToken?: string | null; poll?: boolean }) {
  const { message: m } = props;
  const mine = m.direction === "outbound";
  const downloading = props.poll && m.status === "media_pending" && !m.mediaGaveUpAt;
  return (
    <div
      class={`line ${mine ? "staff" : "caller"}`}
      id={`msg-${m.id}`}
      hx-get={downloading ? `/messages/${m.id}?poll=1` : undefined}
      hx-trigger={downloading ? "every 2s" : undefined}
      hx-swap={downloading ? "outerHTML" : undefined}
    >
      {m.kind === "template" && m.template ? (
        <div class="muted" style="font-size:.8rem">
          Template “{m.template.name}”
        </div>
      ) : null}
      <MediaPart message={m} csrfToken={props.csrfToken ?? null} />
      {m.body ? <p style="margin:.2rem 0;white-space:pre-wrap">{m.body}</p> : null}
      <Transcript message={m} />
      {m.error && (m.status === "failed" || m.status === "not_sent" || m.status === "queued") ? (
        <p class={m.status === "failed" ? "field-error" : "muted"} style="margin:.2rem 0">
          {m.error}
        </p>
      ) : null}
      <MessageStatus message={m} />
    </div>
  );
}

/** Where a lead's thread lists its messages, so a message just sent can be added to it in place. */
export const threadMessagesId = (leadId: string) => `thread-messages-${leadId}`;

/**
 * A conversation, oldest first. The CSRF token is for the forms on messages (retrying a
 * download). "No messages yet" stays inside the list, hidden by the stylesheet once a message is
 * added beside it.
 */
export function Thread(props: { leadId: string; messages: Message[]; csrfToken?: string | null }) {
  return (
    <div class="transcript" id={threadMessagesId(props.leadId)}>
      {props.messages.length === 0 ? <p class="muted thread-empty">No messages yet.</p> : null}
      {props.messages.map((message) => (
        <MessageItem message={message} csrfToken={props.csrfToken ?? null} />
      ))}
    </div>
  );
}

/**
 * The answer to a reply staff sent: the reply box, cleared, and the new message added to the
 * thread on the page (out of band), so it shows at once as queued. The live update then moves
 * its status on; a page whose live refresh already shows it does not add it twice (app.js).
 */
export function ReplySent(props: { ctx: PageContext; view: ReplyView; message: Message }) {
  return (
    <>
      <ReplyBox ctx={props.ctx} view={props.view} />
      <div hx-swap-oob={`beforeend:#${threadMessagesId(props.view.leadId)}`}>
        <MessageItem message={props.message} csrfToken={props.ctx.csrfToken} />
      </div>
    </>
  );
}

export interface ReplyView {
  leadId: string;
  /** Channels this lead can be written to (SMS needs a phone number). */
  channels: MessageChannel[];
  channel: MessageChannel;
  window: WindowState;
  /** Template sent outside the window. */
  replyTemplate: string;
  live: Record<MessageChannel, boolean>;
  /** Why SMS is not offered though the lead has a number (a landline). */
  noSms?: string;
  text?: string;
  error?: string;
  /** What happened to the message just sent, in a line. */
  sent?: string;
}

/** The reply box: says before sending whether WhatsApp will carry free text or the template. */
export function ReplyBox(props: { ctx: PageContext; view: ReplyView }) {
  const { view } = props;
  const action = `/leads/${view.leadId}/messages`;
  if (view.channels.length === 0)
    return (
      <p class="muted" id="reply-box">
        This lead has no phone number or WhatsApp id to message.
      </p>
    );
  return (
    <form
      id="reply-box"
      method="post"
      action={action}
      hx-post={action}
      hx-target="this"
      hx-swap="outerHTML"
      class="stack"
    >
      <CsrfField token={props.ctx.csrfToken} />
      {view.error ? (
        <p class="form-error" role="alert">
          {view.error}
        </p>
      ) : null}
      {view.sent ? (
        <p class="muted" role="status">
          {view.sent}
        </p>
      ) : null}
      <label>
        Reply by
        <select name="channel">
          {view.channels.map((channel) => (
            <option value={channel} selected={channel === view.channel}>
              {CHANNEL_NAMES[channel]}
            </option>
          ))}
        </select>
      </label>
      {view.noSms ? (
        <p class="muted" style="margin:0" id="reply-no-sms">
          SMS: {view.noSms}
        </p>
      ) : null}
      <label>
        Message
        <textarea name="text" rows={3} required maxlength={4096}>
          {view.text ?? ""}
        </textarea>
      </label>
      {/* Each note is about one channel: the stylesheet shows only the chosen channel's. */}
      {view.channels.includes("whatsapp") ? (
        <p class="muted" style="margin:0" data-for-channel="whatsapp">
          {view.window.open
            ? `WhatsApp: free text until ${formatDateTime(view.window.closesAt)} (24 hours after the customer's last message).`
            : `WhatsApp: the customer has not written in the last 24 hours, so this goes inside the approved template “${view.replyTemplate}”.`}
        </p>
      ) : null}
      {view.channels.includes("sms") ? (
        <p class="muted" style="margin:0" data-for-channel="sms">
          SMS: text only, up to 1,600 characters.
        </p>
      ) : null}
      {view.channels
        .filter((c) => !view.live[c])
        .map((c) => (
          <p class="notice" style="margin:0" data-for-channel={c}>
            {c === "sms"
              ? "No Twilio account connected: the text stays in the outbox, showing what would have been sent, and is not sent."
              : "No WhatsApp account connected: the message stays in the outbox, showing what would have been sent, and is not sent."}
          </p>
        ))}
      <div>
        <button type="submit">Send</button>
      </div>
    </form>
  );
}

/** A lead's conversation on the lead page: the latest messages, the reply box, a link to the inbox. */
export function LeadConversation(props: { ctx: PageContext; leadId: string; messages: Message[]; reply: ReplyView }) {
  return (
    <section class="card" id="lead-conversation">
      <div class="toolbar" style="margin-bottom:.5rem">
        <h2 style="margin:0;margin-right:auto">Messages</h2>
        <a href={`/inbox/${props.leadId}`}>Open the conversation</a>
      </div>
      {/* Status changes and messages from elsewhere arrive live; a reply sent here is added at once. */}
      <div hx-ext="sse" sse-connect={`/live?topic=lead:${props.leadId}`}>
        <div
          id="lead-thread"
          hx-get={`/leads/${props.leadId}/thread`}
          hx-trigger="sse:message queue:last"
          hx-swap="innerHTML"
        >
          <Thread leadId={props.leadId} messages={props.messages} csrfToken={props.ctx.csrfToken} />
        </div>
      </div>
      <ReplyBox ctx={props.ctx} view={props.reply} />
    </section>
  );
}
