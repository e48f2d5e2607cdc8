import { Hono } from "hono";
import { z } from "zod";
import type { Lead } from "../../domain/leads.ts";
import { conversationChannel, INBOX_CHANNEL } from "../../domain/messaging/live.ts";
import { MESSAGE_CHANNELS, type MessageChannel } from "../../domain/messaging/message.ts";
import { customerServiceWindow } from "../../domain/messaging/window.ts";
import { WHATSAPP_USER_ID } from "../../domain/lead-identity.ts";
import { canReceiveTexts } from "../../domain/phone.ts";
import type { AppDeps, AppEnv } from "../deps.ts";
import { notFound } from "../errors.ts";
import { pageContext } from "../page-context.ts";
import { pageOrFragment } from "../respond.ts";
import { liveStream, renderedOnce } from "../live-stream.ts";
import { ConversationList, ConversationPage, DeliveriesPage } from "../../views/inbox.tsx";
import { InboxPage } from "../../views/inbox.tsx";
import { renderInboxEvent } from "../../views/inbox-events.ts";
import { CODE_MAX, formText, pageNumber, searchText, validQuery } from "../validation.ts";
import { Thread, type ReplyView } from "../../views/messages.tsx";

const PAGE_SIZE = 30;

/** The inbox's filters, lenient as before: a channel that is not one (MESSAGE_CHANNELS) shows them all. */
const inboxQuery = z.object({ channel: formText(CODE_MAX).catch(""), q: searchText(), page: pageNumber(1000) });

const inboxEvent = renderedOnce(renderInboxEvent);

/** What the reply box needs to know about a lead: where it can write and what WhatsApp will carry. */
export async function replyViewFor(deps: AppDeps, lead: Lead, extra: Partial<ReplyView> = {}): Promise<ReplyView> {
  const [aliases, lastWhatsApp, lastSms] = await Promise.all([
    deps.repos.leadAliases.forLead(lead.id),
    deps.repos.messages.lastInboundAt(lead.id, "whatsapp"),
    deps.repos.messages.lastInboundAt(lead.id, "sms"),
  ]);
  const hasWhatsAppId = aliases.some((a) => a.kind === WHATSAPP_USER_ID);
  const channels: MessageChannel[] = [];
  if (lead.phone || hasWhatsAppId) channels.push("whatsapp");
  // A landline takes no texts: SMS is not offered, and the box says why.
  const texts = lead.phone ? canReceiveTexts(lead.phone) : null;
  if (texts?.ok) channels.push("sms");
  // Answer on the channel the customer last used.
  const preferred: MessageChannel = lastSms && (!lastWhatsApp || lastSms > lastWhatsApp) ? "sms" : "whatsapp";
  return {
    leadId: lead.id,
    channels,
    channel: channels.includes(preferred) ? preferred : (channels[0] ?? "whatsapp"),
    window: customerServiceWindow(lastWhatsApp, deps.now()),
    replyTemplate: deps.messaging.templates.names.reply,
    live: { whatsapp: deps.messaging.whatsapp.live, sms: deps.messaging.sms.live },
    ...(texts && !texts.ok ? { noSms: texts.message } : {}),
    ...extra,
  };
}

export function inboxRoutes() {
  const app = new Hono<AppEnv>();

  app.get("/inbox", validQuery(inboxQuery), async (c) => {
    const { repos } = c.get("deps");
    const { channel: rawChannel, q: query, page } = c.req.valid("query");
    const channel = (MESSAGE_CHANNELS as readonly string[]).includes(rawChannel)
      ? (rawChannel as MessageChannel)
      : null;
    const [found, unreadTotal] = await Promise.all([
      repos.messages.conversations({
        channel: channel ?? undefined,
        query,
        limit: PAGE_SIZE + 1,
        offset: (page - 1) * PAGE_SIZE,
      }),
      repos.messages.unreadTotal(),
    ]);
    const listing = {
      conversations: found.slice(0, PAGE_SIZE),
      channel,
      query,
      page,
      hasMore: found.length > PAGE_SIZE,
      unreadTotal,
    };
    return pageOrFragment(
      c,
      () => c.html(<InboxPage ctx={pageContext(c)} listing={listing} />),
      () => c.html(<ConversationList listing={listing} />),
    );
  });

  app.get("/inbox/events", (c) => liveStream(c, INBOX_CHANNEL, inboxEvent, null));

  /** Webhook deliveries that did not match the documented shapes (linked from the integrations page). */
  app.get("/inbox/deliveries", async (c) => {
    const deliveries = await c.get("deps").repos.webhookDeliveries.recent(["unrecognised", "failed"], 100);
    return c.html(<DeliveriesPage ctx={pageContext(c)} deliveries={deliveries} />);
  });

  /** A lead's conversation; a message id (timeline links) leads to its conversation. */
  app.get("/inbox/:id", async (c) => {
    const deps = c.get("deps");
    const id = c.req.param("id");
    let lead = await deps.repos.leads.byId(id);
    if (!lead) {
      const message = await deps.repos.messages.byId(id);
      if (message?.leadId) return c.redirect(`/inbox/${message.leadId}#msg-${message.id}`, 303);
      throw notFound("conversation");
    }
    const [messages, reply, aliases] = await Promise.all([
      deps.repos.messages.forLead(lead.id),
      replyViewFor(deps, lead),
      deps.repos.leadAliases.forLead(lead.id),
    ]);
    if ((await deps.repos.messages.markSeen(lead.id, deps.now())) > 0)
      await deps.liveEvents.publish(INBOX_CHANNEL, { type: "seen", data: { leadId: lead.id } });
    lead = (await deps.repos.leads.byId(lead.id)) ?? lead;
    const view = { lead, messages, reply, aliases: aliases.map((a) => a.value) };
    return c.html(<ConversationPage ctx={pageContext(c)} view={view} />);
  });

  app.get("/inbox/:id/thread", async (c) => {
    const deps = c.get("deps");
    const lead = await deps.repos.leads.byId(c.req.param("id"));
    if (!lead) throw notFound("conversation");
    const messages = await deps.repos.messages.forLead(lead.id);
    // The viewer is looking at the thread: what just arrived has been seen.
    if ((await deps.repos.messages.markSeen(lead.id, deps.now())) > 0)
      await deps.liveEvents.publish(INBOX_CHANNEL, { type: "seen", data: { leadId: lead.id } });
    c.header("Vary", "HX-Request");
    return c.html(<Thread leadId={lead.id} messages={messages} csrfToken={pageContext(c).csrfToken} />);
  });

  app.get("/inbox/:id/events", async (c) => {
    const lead = await c.get("deps").repos.leads.byId(c.req.param("id"));
    if (!lead) throw notFound("conversation");
    return liveStream(c, conversationChannel(lead.id), inboxEvent, null);
  });

  return app;
}
