import type { Issue } from "../domain/issues.ts";
import { phoneForDisplay } from "./format.ts";
import { STATUS_LABELS, type Message } from "../domain/messaging/message.ts";
import { deliveryStatusLabel } from "../domain/messaging/delivery-status.ts";
import type { WindowState } from "../domain/messaging/window.ts";
import type { MissedCallFollowUp } from "../ports/messages.ts";
import { Badge } from "./components.tsx";
import { formatDateTime, formatTime } from "../domain/london-time.ts";
import { CsrfField, type PageContext } from "./layout.tsx";
import { MessageItem } from "./messages.tsx";

export interface SendableQuote {
  id: string;
  version: number;
  status: string;
  total: string;
  link: string;
}

export interface IssueMessagingView {
  issue: Issue;
  /** False when the lead has no number or WhatsApp id. */
  reachable: boolean;
  window: WindowState;
  whatsappLive: boolean;
  /** Photos, videos and documents filed under this job. */
  media: Message[];
  videoRequests: Message[];
  quoteMessages: Message[];
  quotes: SendableQuote[];
  /** Quotes not yet sent from their own page (drafts): not offered here. */
  draftCount: number;
  flash?: { kind: "ok" | "error"; text: string };
}

/**
 * The job's messaging panel: ask the tenant for a video of the problem (a WhatsApp template with
 * short guidance), the photos and videos that came back, and sending the quote over WhatsApp
 * with its link and, optionally, a short video of staff explaining it.
 */
export function IssueMessagingPanel(props: { ctx: PageContext; view: IssueMessagingView }) {
  const { view } = props;
  const base = `/issues/${view.issue.id}`;
  return (
    <div id="issue-messaging">
      {view.flash ? (
        <p
          class={view.flash.kind === "error" ? "form-error" : "notice"}
          role={view.flash.kind === "error" ? "alert" : "status"}
        >
          {view.flash.text}
        </p>
      ) : null}
      {!view.whatsappLive ? (
        <p class="notice">
          No WhatsApp account connected: the outbox shows what would have been sent, and nothing is sent.
        </p>
      ) : null}

      <h2>Photos and videos</h2>
      {view.media.length === 0 ? (
        <p class="muted">None yet. Photos and videos the customer sends are filed here.</p>
      ) : (
        <div class="transcript">
          {view.media.map((m) => (
            <MessageItem message={m} csrfToken={props.ctx.csrfToken} />
          ))}
        </div>
      )}

      <h2>Video request</h2>
      {view.videoRequests.length > 0 ? (
        <ul>
          {view.videoRequests.map((m) => (
            <li>
              Asked {formatDateTime(m.occurredAt)}{" "}
              <Badge value={m.status} label={deliveryStatusLabel(m.status, m.channel)} />
              {m.error ? <div class="muted">{m.error}</div> : null}
            </li>
          ))}
        </ul>
      ) : null}
      {view.reachable ? (
        <form
          method="post"
          action={`${base}/video-request`}
          hx-post={`${base}/video-request`}
          hx-target="#issue-messaging"
          hx-swap="outerHTML"
        >
          <CsrfField token={props.ctx.csrfToken} />
          <button type="submit" class="secondary">
            Ask for a video on WhatsApp
          </button>
          <div class="muted">The video that comes back is filed under this job.</div>
        </form>
      ) : (
        <p class="muted">The customer has no number or WhatsApp id to write to.</p>
      )}

      <h2>Quote by WhatsApp</h2>
      {view.quoteMessages.length > 0 ? (
        <ul>
          {view.quoteMessages.map((m) => (
            <li>
              Sent {formatDateTime(m.occurredAt)}
              {m.kind === "video" || m.template?.headerMedia ? " with a video" : ""}{" "}
              <Badge value={m.status} label={deliveryStatusLabel(m.status, m.channel)} />
              {m.error ? <div class="muted">{m.error}</div> : null}
            </li>
          ))}
        </ul>
      ) : null}
      {view.quotes.length === 0 ? (
        <p class="muted">
          {view.draftCount > 0
            ? "Send the quote from its own page first; then its link can go by WhatsApp from here."
            : "No quote to send yet."}
        </p>
      ) : view.reachable ? (
        <form
          method="post"
          action={`${base}/quote-message`}
          enctype="multipart/form-data"
          hx-post={`${base}/quote-message`}
          hx-target="#issue-messaging"
          hx-swap="outerHTML"
          class="stack"
        >
          <CsrfField token={props.ctx.csrfToken} />
          <label>
            Quote
            <select name="quoteId">
              {view.quotes.map((q) => (
                <option value={q.id}>
                  Version {q.version}: {q.total} ({q.status})
                </option>
              ))}
            </select>
          </label>
          <label>
            A note (optional)
            <textarea name="note" rows={2} maxlength={1000}></textarea>
          </label>
          <label>
            A short video explaining it (optional; MP4, up to 16 MB)
            <input type="file" name="video" accept="video/mp4,video/3gpp" />
          </label>
          <div>
            <button type="submit">Send the quote on WhatsApp</button>
          </div>
          <div class="muted">
            {view.window.open
              ? "Inside the 24-hour window: sent as a message with the link."
              : "Outside the 24-hour window: sent as the approved quote template."}
          </div>
        </form>
      ) : null}
    </div>
  );
}

/** Missed calls waiting for someone to call back, with the automatic reply each got. */
export function MissedCallFollowUps(props: { ctx: PageContext; followUps: MissedCallFollowUp[] }) {
  return (
    <section class="card" id="missed-calls">
      <h2 style="margin-top:0">Missed calls to follow up</h2>
      {props.followUps.length === 0 ? (
        <p class="muted">None: every caller has been answered or followed up.</p>
      ) : (
        <ul class="timeline">
          {props.followUps.map((f) => (
            <li>
              {f.leadId ? (
                <a href={`/leads/${f.leadId}`}>{f.leadName ?? phoneForDisplay(f.phone, "Unknown caller")}</a>
              ) : (
                <span>{phoneForDisplay(f.phone, "Withheld number")}</span>
              )}{" "}
              <span class="muted">missed at {formatTime(f.createdAt)}</span>
              <div class="muted">
                {f.replyStatus ? (
                  <>
                    Automatic reply: <Badge value={f.replyStatus} label={STATUS_LABELS[f.replyStatus]} />
                  </>
                ) : (
                  (f.note ?? "No automatic reply.")
                )}
              </div>
              <form
                method="post"
                action={`/missed-calls/${f.id}/resolve`}
                hx-post={`/missed-calls/${f.id}/resolve`}
                hx-target="#missed-calls"
                hx-swap="outerHTML"
                style="margin:.25rem 0 0"
              >
                <CsrfField token={props.ctx.csrfToken} />
                <button type="submit" class="secondary">
                  Followed up
                </button>
              </form>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
