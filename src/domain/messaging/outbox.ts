import type { BlobStore } from "../../ports/blob-store.ts";
import type { Task } from "../../ports/tasks.ts";
import type { Leads } from "../../ports/leads.ts";
import type { LiveEvents } from "../../ports/live-events.ts";
import type { Log } from "../../ports/log.ts";
import type { LeadAliases } from "../../ports/leads.ts";
import type { Messages } from "../../ports/messages.ts";
import {
  SendError,
  type Messenger,
  type SendRequest,
  type SmsSender,
  type TemplateUse,
  type WhatsAppOutgoing,
  type WhatsAppRecipient,
  type WhatsAppSender,
} from "../../ports/messengers.ts";
import { DEFAULT_RETRY } from "../tasks/retry-policy.ts";
import { ok, reject } from "../result.ts";
import { WHATSAPP_USER_ID } from "../lead-identity.ts";
import { canReceiveTexts } from "../phone.ts";
import { publishMessage } from "./live.ts";
import { notConnectedNote } from "./delivery-status.ts";
import type { Message, MessageChannel, MessageKind, TemplateMessage } from "./message.ts";
import { customerServiceWindow } from "./window.ts";
import { SEND_TASK, type TaskPayload } from "../tasks/kinds.ts";
export { SEND_TASK };

/** WhatsApp caps a text body at 4,096 characters; Twilio an SMS at 1,600. */
const MAX_TEXT: Record<MessageChannel, number> = { whatsapp: 4096, sms: 1600 };

/** The Meta-approved templates the company uses, by what each is for (WHATSAPP_TEMPLATE_*). */
export interface TemplateConfig {
  language: string;
  names: Record<TemplateUse, string>;
}

export interface OutboxDeps {
  messages: Messages;
  leads: Leads;
  leadAliases: LeadAliases;
  liveEvents: LiveEvents;
  now: () => Date;
  templates: TemplateConfig;
  /** Starts the send now rather than at the runner's next tick. */
  poke: () => void;
}

/** What a template says, for the thread and the outbox: the staff text, or the parameters in order. */
const templatePreview = (use: TemplateUse, params: string[], text: string | undefined) =>
  text?.trim() || `[${use.replace("_", " ")} template] ${params.join(" · ")}`;

/**
 * The messenger every flow sends through (staff replies, video requests, quotes, missed-call
 * replies): picks the channel's form — on WhatsApp free text inside the 24-hour customer service
 * window and the configured template outside it — and puts the message in the durable outbox.
 */
export function createMessenger(deps: OutboxDeps): Messenger {
  return {
    async send(request: SendRequest) {
      const lead = await deps.leads.byId(request.leadId);
      if (!lead) return reject("no_lead", "There is no lead with that id.");
      const whatsappId =
        (await deps.leadAliases.forLead(lead.id)).find((a) => a.kind === WHATSAPP_USER_ID)?.value ?? null;
      const lastWhatsApp = await deps.messages.lastInboundAt(lead.id, "whatsapp");
      const texts = lead.phone ? canReceiveTexts(lead.phone) : null;
      const channel: MessageChannel =
        request.channel ?? (lastWhatsApp || (whatsappId && !texts?.ok) ? "whatsapp" : "sms");
      if (channel === "sms" && texts && !texts.ok) return texts;
      const address = channel === "sms" ? lead.phone : (lead.phone ?? whatsappId);
      if (!address) {
        return reject(
          "no_address",
          channel === "sms"
            ? "This lead has no phone number to text."
            : "This lead has no phone number or WhatsApp id to message.",
        );
      }
      const text = request.text?.trim() ?? "";
      if (text === "" && !request.template && !request.media) return reject("empty", "Write a message first.");
      if (text.length > MAX_TEXT[channel])
        return reject(
          "too_long",
          `Keep it to ${MAX_TEXT[channel]} characters for ${channel === "sms" ? "SMS" : "WhatsApp"}.`,
        );

      let kind: MessageKind = "text";
      let template: TemplateMessage | null = null;
      let body: string | null = text || null;
      if (channel === "sms") {
        if (request.media) return reject("not_configured", "Videos and photos go by WhatsApp; SMS carries text only.");
        if (!body && request.template) body = templatePreview(request.template.use, request.template.params, undefined);
      } else {
        const window = customerServiceWindow(lastWhatsApp, deps.now());
        if (window.open) {
          // Inside the window anything may be sent: the text (with the video, when there is one).
          if (request.media) kind = request.media.kind;
          if (!body && request.template)
            body = templatePreview(request.template.use, request.template.params, undefined);
        } else {
          // Outside it only an approved template: the one given, else the reply template carrying the text.
          const use: TemplateUse = request.template?.use ?? "reply";
          if (request.media && use !== "quote_video") {
            return reject(
              "not_configured",
              "More than 24 hours have passed since the customer last wrote on WhatsApp: a video can only go inside the video quote template.",
            );
          }
          const params = request.template?.params ?? [text];
          template = {
            name: deps.templates.names[use],
            language: deps.templates.language,
            bodyParams: params,
            ...(request.media
              ? {
                  headerMedia: {
                    kind: request.media.kind,
                    blobKey: request.media.blobKey,
                    contentType: request.media.contentType,
                  },
                }
              : {}),
            preview: templatePreview(use, params, text),
          };
          kind = "template";
          body = template.preview;
        }
      }

      const message = await deps.messages.enqueueOutbound(
        {
          leadId: lead.id,
          issueId: request.issueId ?? null,
          channel,
          direction: "outbound",
          kind,
          purpose: request.purpose ?? "conversation",
          body,
          status: "queued",
          providerId: null,
          address,
          senderName: null,
          username: null,
          mediaId: null,
          mediaType: request.media && kind !== "template" ? request.media.contentType : null,
          mediaSize: null,
          mediaKey: request.media && kind !== "template" ? request.media.blobKey : null,
          thumbnailKey: null,
          mediaError: null,
          transcript: null,
          transcriber: null,
          extracted: null,
          template,
          error: null,
          sentBy: request.sentBy ?? null,
          occurredAt: deps.now(),
          idempotencyKey: request.idempotencyKey ?? null,
        },
        SEND_TASK,
        deps.now(),
      );
      if (message.created === false) return ok(message);
      await publishMessage(deps.liveEvents, message, "added");
      deps.poke();
      return ok(message);
    },
  };
}

export interface SendDeps {
  messages: Messages;
  blobStore: BlobStore;
  liveEvents: LiveEvents;
  log: Log;
  now: () => Date;
  whatsapp: WhatsAppSender;
  sms: SmsSender;
  /** Where Twilio reports an SMS's delivery (POST /api/twilio/sms-status); null when unreachable. */
  smsStatusCallback: string | null;
  maxAttempts?: number;
}

const recipientFor = (address: string): WhatsAppRecipient =>
  address.startsWith("+") ? { phone: address } : { userId: address };

async function blobBytes(blobStore: BlobStore, key: string): Promise<Uint8Array> {
  const blob = await blobStore.get(key);
  if (!blob) throw new SendError(`the media to send (${key}) is missing from storage`, { retryable: false });
  return new Uint8Array(await new Response(blob.body).arrayBuffer());
}

async function whatsappMessageFor(deps: SendDeps, message: Message): Promise<WhatsAppOutgoing> {
  const to = recipientFor(message.address!);
  if (message.kind === "template" && message.template) {
    const header = message.template.headerMedia;
    return {
      kind: "template",
      to,
      template: message.template,
      ...(header
        ? {
            headerMedia: {
              kind: header.kind,
              bytes: await blobBytes(deps.blobStore, header.blobKey),
              contentType: header.contentType,
            },
          }
        : {}),
    };
  }
  if ((message.kind === "video" || message.kind === "image") && message.mediaKey) {
    return {
      kind: "media",
      to,
      media: {
        kind: message.kind,
        bytes: await blobBytes(deps.blobStore, message.mediaKey),
        contentType: message.mediaType ?? "video/mp4",
      },
      caption: message.body,
    };
  }
  return { kind: "text", to, text: message.body ?? "" };
}

/**
 * Sends one queued message (durable job keyed by the message id). The message is claimed
 * (queued → sending) before the provider is called, so a job that runs twice sends once. A
 * refusal worth retrying puts it back to queued and throws (the runner retries with backoff,
 * across restarts); a permanent refusal marks it failed with the provider's reason. A send that
 * may have gone out (a timeout, or a restart while sending) is marked failed and never retried:
 * nothing is sent twice. On the embedded default (no keys) nothing is sent and the message is
 * marked not_sent, saying so.
 */
export function sendQueuedMessage(deps: SendDeps) {
  return async ({ messageId }: TaskPayload<typeof SEND_TASK>, job: Task) => {
    const message = await deps.messages.byId(messageId);
    if (!message || message.direction !== "outbound") return;
    const finish = async (changes: Parameters<Messages["update"]>[1]) => {
      const updated = await deps.messages.advance(message.id, ["sending"], { ...changes, statusAt: deps.now() });
      if (updated) await publishMessage(deps.liveEvents, updated, "updated");
    };
    if (message.status === "sending") {
      // A previous attempt stopped mid-send (the process restarted): the provider may have it.
      await finish({
        status: "failed",
        error:
          "The send was interrupted (the app restarted while sending); the customer may or may not have it. Not retried, so it is never sent twice: check and send again if needed.",
      });
      return;
    }
    const claimed = await deps.messages.advance(message.id, ["queued"], { status: "sending" });
    if (!claimed) return;
    const sender = message.channel === "whatsapp" ? deps.whatsapp : deps.sms;
    if (!sender.live) {
      await finish({ status: "not_sent", error: notConnectedNote(message.channel) });
      deps.log.info(
        { messageId: message.id, channel: message.channel },
        "outbox: not sent (embedded default, no keys)",
      );
      return;
    }
    try {
      const { providerId } =
        message.channel === "whatsapp"
          ? await deps.whatsapp.send(await whatsappMessageFor(deps, message))
          : await deps.sms.send({
              to: message.address!,
              body: message.body ?? "",
              statusCallback: deps.smsStatusCallback,
            });
      await finish({ status: "accepted", providerId, error: null });
      deps.log.info({ messageId: message.id, channel: message.channel, providerId }, "message handed to the provider");
    } catch (error) {
      const failure =
        error instanceof SendError
          ? error
          : new SendError(error instanceof Error ? error.message : String(error), { retryable: true, cause: error });
      const attempts = job.attempts + 1;
      const lastTry = attempts >= (deps.maxAttempts ?? DEFAULT_RETRY.maxAttempts);
      if (failure.options.retryable && !failure.options.ambiguous && !lastTry) {
        const requeued = await deps.messages.advance(message.id, ["sending"], {
          status: "queued",
          error: `${failure.message} (attempt ${attempts}; retrying)`,
        });
        if (requeued) await publishMessage(deps.liveEvents, requeued, "updated");
        throw failure;
      }
      await finish({
        status: "failed",
        error:
          lastTry && failure.options.retryable
            ? `${failure.message} (gave up after ${attempts} attempts)`
            : failure.message,
      });
      deps.log.warn({ messageId: message.id, channel: message.channel, err: failure }, "message failed");
    }
  };
}
