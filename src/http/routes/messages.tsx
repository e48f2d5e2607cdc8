import { audit, opensFromStart } from "../audit.ts";
import { Hono, type Context } from "hono";
import { z } from "zod";
import { formatPence } from "../../domain/money.ts";
import { leadDisplayName, type Lead } from "../../domain/leads.ts";
import type { Issue } from "../../domain/issues.ts";
import { canBeShared } from "../../domain/quotes.ts";
import { CHANNEL_NAMES, MESSAGE_CHANNELS, type MessageChannel } from "../../domain/messaging/message.ts";
import { followUpByMessage, followUpMissedCall } from "../../domain/messaging/missed-call-follow-up.ts";
import { mediaAllowed } from "../../domain/messaging/media-policy.ts";
import { customerServiceWindow } from "../../domain/messaging/window.ts";
import { INBOX_CHANNEL } from "../../domain/messaging/live.ts";
import { WHATSAPP_USER_ID } from "../../domain/lead-identity.ts";
import { retryMediaDownload } from "../../domain/messaging/media-retry.ts";
import type { AppDeps, AppEnv } from "../deps.ts";
import { notFound, rejectionError } from "../errors.ts";
import { isHtmx, pageContext } from "../page-context.ts";
import { redirectAfterPost } from "../respond.ts";
import { LeadConversation, MessageItem, ReplyBox, ReplySent, Thread } from "../../views/messages.tsx";
import { IssueMessagingPanel, MissedCallFollowUps, type IssueMessagingView } from "../../views/messages-panels.tsx";
import { replyViewFor } from "./inbox.tsx";
import { CODE_MAX, formText, TEXT_MAX, validForm } from "../validation.ts";

const MAX_VIDEO_BYTES = 16 * 1024 * 1024;

/** A staff reply: which channels exist and how long a message may be are the messaging domain's. */
const replyForm = z.object({ text: formText(TEXT_MAX), channel: formText(CODE_MAX) });

/**
 * Sending a quote's link: the quote chosen, a short note (cut to 1,000 characters as before) and
 * an optional video, whose type and size the media policy decides.
 */
const quoteMessageForm = z.object({
  quoteId: formText(CODE_MAX),
  note: formText(TEXT_MAX).transform((note) => note.slice(0, 1000)),
  video: z.preprocess(
    (value) => (Array.isArray(value) ? value.at(-1) : value),
    z.instanceof(File).optional().catch(undefined),
  ),
});

/** What the reply box says once a reply is queued: whether it will go out, in plain words. */
const sentNote = (channel: MessageChannel, live: boolean) =>
  live
    ? `Queued: the ${channel === "sms" ? "text" : "WhatsApp message"} is on its way.`
    : channel === "sms"
      ? "SMS queued, not sent (no Twilio account): it stays in the outbox."
      : "Not sent: no WhatsApp account connected. It stays in the outbox.";

/** A reply that was not sent: the reply box again with the reason (htmx), else the reason as text; 422. */
async function replyRefused(
  c: Context<AppEnv>,
  deps: AppDeps,
  lead: Lead,
  text: string,
  error: string,
  channel?: MessageChannel,
) {
  const view = await replyViewFor(deps, lead, { text, error, ...(channel ? { channel } : {}) });
  if (isHtmx(c)) return c.html(<ReplyBox ctx={pageContext(c)} view={view} />, 422);
  return c.text(error, 422);
}

async function issueMessagingView(
  deps: AppDeps,
  issue: Issue,
  flash?: IssueMessagingView["flash"],
): Promise<IssueMessagingView> {
  const [lead, messages, quotes, aliases, lastWhatsApp] = await Promise.all([
    deps.repos.leads.byId(issue.leadId),
    deps.repos.messages.forIssue(issue.id),
    deps.repos.quotes.forIssue(issue.id),
    deps.repos.leadAliases.forLead(issue.leadId),
    deps.repos.messages.lastInboundAt(issue.leadId, "whatsapp"),
  ]);
  return {
    issue,
    reachable: Boolean(lead?.phone || aliases.some((a) => a.kind === WHATSAPP_USER_ID)),
    window: customerServiceWindow(lastWhatsApp, deps.now()),
    whatsappLive: deps.messaging.whatsapp.live,
    media: messages.filter(
      (m) => m.direction === "inbound" && (m.mediaId || m.mediaKey) && m.kind !== "voice" && m.kind !== "audio",
    ),
    videoRequests: messages.filter((m) => m.purpose === "video_request"),
    quoteMessages: messages.filter((m) => m.purpose === "quote"),
    quotes: quotes
      .filter((q) => canBeShared(q.status))
      .map((q) => ({
        id: q.id,
        version: q.version,
        status: q.status,
        total: formatPence(q.totals.totalPence),
        link: `${deps.settings.publicBaseUrl}/q/${q.token}`,
      })),
    draftCount: quotes.filter((q) => q.status === "draft").length,
    ...(flash ? { flash } : {}),
  };
}

async function panel(c: Context<AppEnv>, issue: Issue, flash?: IssueMessagingView["flash"], status: 200 | 422 = 200) {
  const view = await issueMessagingView(c.get("deps"), issue, flash);
  if (!isHtmx(c)) return redirectAfterPost(c, `/issues/${issue.id}`);
  return c.html(<IssueMessagingPanel ctx={pageContext(c)} view={view} />, status);
}

/** Staff's messaging actions: replies, media, video requests, quotes by WhatsApp, missed-call follow-ups. */
export function messageRoutes() {
  const app = new Hono<AppEnv>();

  /** The lead page's messages card (loaded into the page by htmx). */
  app.get("/leads/:id/conversation", async (c) => {
    const deps = c.get("deps");
    const lead = await deps.repos.leads.byId(c.req.param("id"));
    if (!lead) throw notFound("lead");
    const [messages, reply] = await Promise.all([deps.repos.messages.forLead(lead.id, 10), replyViewFor(deps, lead)]);
    return c.html(<LeadConversation ctx={pageContext(c)} leadId={lead.id} messages={messages} reply={reply} />);
  });

  /** The lead page's thread, refreshed live as messages arrive or change (the latest ten). */
  app.get("/leads/:id/thread", async (c) => {
    const deps = c.get("deps");
    const lead = await deps.repos.leads.byId(c.req.param("id"));
    if (!lead) throw notFound("lead");
    const messages = await deps.repos.messages.forLead(lead.id, 10);
    c.header("Vary", "HX-Request");
    return c.html(<Thread leadId={lead.id} messages={messages} csrfToken={pageContext(c).csrfToken} />);
  });

  /** Staff reply, from the lead page or the conversation: queued in the durable outbox. */
  const replyInvalid = validForm(replyForm, async (c, bad) => {
    const deps = c.get("deps");
    const lead = await deps.repos.leads.byId(c.req.param("id") ?? "");
    if (!lead) throw notFound("lead");
    const [error = "Not sent."] = Object.values(bad.errors);
    return replyRefused(c, deps, lead, bad.values.text?.slice(0, TEXT_MAX) ?? "", error);
  });
  app.post("/leads/:id/messages", replyInvalid, async (c) => {
    const deps = c.get("deps");
    const lead = await deps.repos.leads.byId(c.req.param("id"));
    if (!lead) throw notFound("lead");
    const form = c.req.valid("form");
    const text = form.text;
    const channel = (MESSAGE_CHANNELS as readonly string[]).includes(form.channel)
      ? (form.channel as MessageChannel)
      : undefined;
    const invalid = !channel ? "Choose WhatsApp or SMS." : null;
    const sent = invalid
      ? null
      : await deps.messaging.messenger.send({
          leadId: lead.id,
          channel,
          text,
          sentBy: c.get("user")?.id ?? null,
          purpose: "conversation",
        });
    if (!sent || !sent.ok)
      return replyRefused(c, deps, lead, text, invalid ?? (sent && !sent.ok ? sent.message : "Not sent."), channel);
    deps.logger.info(
      {
        event: "message_queued",
        messageId: sent.value.id,
        leadId: lead.id,
        channel: sent.value.channel,
        userId: c.get("user")?.id,
      },
      "reply queued",
    );
    // Writing to the customer answers their missed calls: they leave the dashboard's list.
    const answered = await followUpByMessage(
      followUpDeps(deps),
      lead.id,
      follower(c),
      `replied by ${CHANNEL_NAMES[sent.value.channel]}`,
    );
    if (answered.length > 0)
      await deps.liveEvents.publish(INBOX_CHANNEL, { type: "missed-call", data: { id: answered[0]!.id } });
    if (!isHtmx(c))
      return redirectAfterPost(
        c,
        c.req.header("Referer")?.includes("/inbox/") ? `/inbox/${lead.id}` : `/leads/${lead.id}`,
      );
    const view = await replyViewFor(deps, lead, {
      sent: sentNote(sent.value.channel, deps.messaging[sent.value.channel].live),
      channel: sent.value.channel,
    });
    return c.html(<ReplySent ctx={pageContext(c)} view={view} message={sent.value} />);
  });

  /** The media of a message, for staff only: streamed through the app, so the bucket stays private. */
  for (const [path, pick] of [
    ["/messages/:id/media", "mediaKey"],
    ["/messages/:id/thumbnail", "thumbnailKey"],
  ] as const) {
    app.get(path, async (c) => {
      const { repos, blobStore } = c.get("deps");
      const message = await repos.messages.byId(c.req.param("id"));
      const key = message?.[pick];
      if (!key) throw notFound("media");
      const blob = await blobStore.get(key);
      if (!blob) throw notFound("media");
      // The thumbnail loads with every inbox view: only opening the media itself is recorded.
      if (pick === "mediaKey" && opensFromStart(c.req.header("Range"))) {
        await audit(c, "media", message!.id, "opened the media");
      }
      return c.body(blob.body, 200, {
        "Content-Type": blob.contentType,
        "Content-Length": String(blob.size),
        "Cache-Control": "private, max-age=300",
        "X-Content-Type-Options": "nosniff",
      });
    });
  }

  /** One message: the fragment re-fetches itself while a download staff asked for again runs. */
  app.get("/messages/:id", async (c) => {
    const message = await c.get("deps").repos.messages.byId(c.req.param("id"));
    if (!message) throw notFound("message");
    c.header("Vary", "HX-Request");
    if (!isHtmx(c)) return c.redirect(`/inbox/${message.id}`, 303);
    return c.html(
      <MessageItem message={message} csrfToken={pageContext(c).csrfToken} poll={c.req.query("poll") === "1"} />,
    );
  });

  /** Media whose download gave up, queued to download again; answers the message, pending again. */
  app.post("/messages/:id/media/retry", async (c) => {
    const deps = c.get("deps");
    const retried = await retryMediaDownload(
      {
        messages: deps.repos.messages,
        liveEvents: deps.liveEvents,
        now: deps.now,
        poke: () => deps.backgroundTasks.poke(),
      },
      c.req.param("id"),
    );
    if (!retried.ok) throw rejectionError(retried);
    deps.logger.info(
      { event: "media_download_retried", messageId: retried.value.id, userId: c.get("user")?.id },
      "media download queued again",
    );
    if (!isHtmx(c)) return redirectAfterPost(c, `/inbox/${retried.value.id}`);
    return c.html(<MessageItem message={retried.value} csrfToken={pageContext(c).csrfToken} poll />);
  });

  /** The job's messaging panel (loaded into the issue page by htmx). */
  app.get("/issues/:id/messaging", async (c) => {
    const issue = await c.get("deps").repos.issues.byId(c.req.param("id"));
    if (!issue) throw notFound("issue");
    return c.html(<IssueMessagingPanel ctx={pageContext(c)} view={await issueMessagingView(c.get("deps"), issue)} />);
  });

  /** Asks the tenant to film the problem: a WhatsApp template with short guidance, linked to the job. */
  app.post("/issues/:id/video-request", async (c) => {
    const deps = c.get("deps");
    const issue = await deps.repos.issues.byId(c.req.param("id"));
    if (!issue) throw notFound("issue");
    const lead = await deps.repos.leads.byId(issue.leadId);
    const firstName = lead?.name?.split(/\s+/)[0] ?? "there";
    const guidance = deps.messaging.videoRequestText;
    const sent = await deps.messaging.messenger.send({
      leadId: issue.leadId,
      channel: "whatsapp",
      text: `Hi ${firstName}, about "${issue.title}": ${guidance}`,
      template: { use: "video_request", params: [firstName, issue.title] },
      purpose: "video_request",
      issueId: issue.id,
      sentBy: c.get("user")?.id ?? null,
    });
    if (!sent.ok) return panel(c, issue, { kind: "error", text: sent.message }, 422);
    deps.logger.info(
      { event: "video_requested", issueId: issue.id, messageId: sent.value.id, userId: c.get("user")?.id },
      "video requested",
    );
    return panel(c, issue, {
      kind: "ok",
      text: deps.messaging.whatsapp.live
        ? "Video request queued."
        : "Not sent: no WhatsApp account connected. The video request stays in the outbox.",
    });
  });

  /** Sends a quote's link over WhatsApp, with a short video of staff explaining it when one is attached. */
  const quoteMessageInvalid = validForm(quoteMessageForm, async (c, bad) => {
    const issue = await c.get("deps").repos.issues.byId(c.req.param("id") ?? "");
    if (!issue) throw notFound("issue");
    const [field, message] = Object.entries(bad.errors)[0] ?? ["form", "The form could not be read."];
    return panel(c, issue, { kind: "error", text: `${field}: ${message}` }, 422);
  });
  app.post("/issues/:id/quote-message", quoteMessageInvalid, async (c) => {
    const deps = c.get("deps");
    const issue = await deps.repos.issues.byId(c.req.param("id"));
    if (!issue) throw notFound("issue");
    const body = c.req.valid("form");
    const quote = (await deps.repos.quotes.forIssue(issue.id)).find((q) => q.id === body.quoteId);
    if (!quote) return panel(c, issue, { kind: "error", text: "Choose one of this job's quotes." }, 422);
    if (!canBeShared(quote.status))
      return panel(c, issue, { kind: "error", text: "Send the quote from its own page first." }, 422);
    const note = body.note;
    const link = `${deps.settings.publicBaseUrl}/q/${quote.token}`;
    let media: { kind: "video"; blobKey: string; contentType: string } | undefined;
    const video = body.video;
    if (video && video.size > 0) {
      const allowed = mediaAllowed("video", video.type || "application/octet-stream", video.size);
      if (!allowed.ok || video.size > MAX_VIDEO_BYTES)
        return panel(
          c,
          issue,
          {
            kind: "error",
            text: allowed.ok
              ? "Keep the video under 16 MB."
              : allowed.message.replace("it was not stored", "choose an MP4 under 16 MB"),
          },
          422,
        );
      const key = `documents/quote-videos/${issue.id}/${quote.id}-${deps.randomId().slice(0, 12)}.${video.type === "video/mp4" ? "mp4" : "3gp"}`;
      const stored = await deps.blobStore.put(key, new Uint8Array(await video.arrayBuffer()), video.type);
      media = { kind: "video", blobKey: stored.key, contentType: stored.contentType };
    }
    const lead = await deps.repos.leads.byId(issue.leadId);
    const text = [note, `Your quote for "${issue.title}" (${formatPence(quote.totals.totalPence)}): ${link}`]
      .filter(Boolean)
      .join("\n\n");
    const sent = await deps.messaging.messenger.send({
      leadId: issue.leadId,
      channel: "whatsapp",
      text,
      template: {
        use: media ? "quote_video" : "quote",
        params: [lead ? leadDisplayName(lead) : "there", issue.title, link],
      },
      ...(media ? { media } : {}),
      purpose: "quote",
      issueId: issue.id,
      sentBy: c.get("user")?.id ?? null,
    });
    if (!sent.ok) return panel(c, issue, { kind: "error", text: sent.message }, 422);
    deps.logger.info(
      {
        event: "quote_messaged",
        issueId: issue.id,
        quoteId: quote.id,
        messageId: sent.value.id,
        withVideo: Boolean(media),
        userId: c.get("user")?.id,
      },
      "quote sent by WhatsApp",
    );
    return panel(c, issue, {
      kind: "ok",
      text: deps.messaging.whatsapp.live
        ? "Quote queued for WhatsApp."
        : "Not sent: no WhatsApp account connected. The quote stays in the outbox.",
    });
  });

  /** The dashboard's missed-call follow-ups (loaded into the dashboard by htmx). */
  app.get("/missed-calls", async (c) => {
    const followUps = await c.get("deps").repos.missedCalls.open(20);
    return c.html(<MissedCallFollowUps ctx={pageContext(c)} followUps={followUps} />);
  });

  /**
   * "Followed up": who and when kept on the missed call and in the audit trail. A second press
   * (or another member of staff's) finds it gone from the list and changes nothing.
   */
  app.post("/missed-calls/:id/resolve", async (c) => {
    const deps = c.get("deps");
    const missed = await followUpMissedCall(followUpDeps(deps), c.req.param("id"), follower(c));
    if (missed) await deps.liveEvents.publish(INBOX_CHANNEL, { type: "missed-call", data: { id: missed.id } });
    if (!isHtmx(c)) return redirectAfterPost(c, "/");
    return c.html(<MissedCallFollowUps ctx={pageContext(c)} followUps={await deps.repos.missedCalls.open(20)} />);
  });

  return app;
}

const followUpDeps = (deps: AppDeps) => ({
  missedCalls: deps.repos.missedCalls,
  auditTrail: deps.repos.audit,
  now: deps.now,
});
const follower = (c: Context<AppEnv>) => ({ id: c.get("user")?.id ?? null, email: c.get("user")?.email ?? "unknown" });
