import type { Config } from "../config.ts";
import type { AppDeps } from "./app-deps.ts";
import type { IntegrationStatus } from "../ports/integrations.ts";
import type { BlobStore } from "../ports/blob-store.ts";
import type { Repositories } from "../ports/database.ts";
import type { Extractor } from "../ports/extractor.ts";
import type { LiveEvents } from "../ports/live-events.ts";
import type { Log } from "../ports/log.ts";
import type { SmsSender, WhatsAppSender } from "../ports/messengers.ts";
import type { SmsMediaFetcher } from "../ports/sms.ts";
import type { VoiceNoteTranscriber } from "../ports/voice-note-transcriber.ts";
import type { WhatsAppMedia } from "../ports/whatsapp.ts";
import {
  applyDeferredStatus,
  DEFERRED_STATUS_TASK,
  processWebhookDelivery,
  WHATSAPP_DELIVERY_TASK,
} from "../domain/messaging/deliveries.ts";
import { MEDIA_TASK, UNDERSTAND_TASK } from "../domain/messaging/inbound.ts";
import { INBOX_CHANNEL } from "../domain/messaging/live.ts";
import { downloadMessageMedia } from "../domain/messaging/media.ts";
import { recoverMissedCall } from "../domain/messaging/missed-calls.ts";
import { createMessenger, SEND_TASK, sendQueuedMessage, type TemplateConfig } from "../domain/messaging/outbox.ts";
import { understandMessage } from "../domain/messaging/understand.ts";
import { createOutboxSender } from "../adapters/local/outbox.ts";
import { pacedSerial } from "../adapters/local/paced-serial.ts";
import type { TaskHandlers } from "../adapters/local/task-runner.ts";
import { createOpenAIClient } from "../adapters/openai/client.ts";
import { createWhisperTranscriber } from "../adapters/openai/whisper-transcriber.ts";
import { createTwilioMediaFetcher, createTwilioSmsSender } from "../adapters/twilio/sms-sender.ts";
import { createWhatsAppCloudApi } from "../adapters/whatsapp/graph-api.ts";
import { createThumbnailWorker } from "../adapters/whatsapp/thumbnails.ts";
import { parseWhatsAppWebhook } from "../adapters/whatsapp/webhook-payload.ts";
import { twilioKeys, whatsappKeys } from "./vendor-keys.ts";
import type { VendorResilience } from "../adapters/resilience/vendor-policies.ts";

export interface MessagingAdapters {
  /** Null = the embedded outbox (nothing sent). */
  whatsapp: (WhatsAppSender & WhatsAppMedia) | null;
  sms: SmsSender | null;
  smsMedia: SmsMediaFetcher | null;
  voiceNotes: VoiceNoteTranscriber | null;
}

/** The vendor adapters the configuration has keys for; the embedded outbox for the rest. */
export function messagingAdaptersFor(config: Config, resilience?: VendorResilience): MessagingAdapters {
  const twilio = twilioKeys(config);
  const whatsapp = whatsappKeys(config);
  return {
    whatsapp: whatsapp
      ? createWhatsAppCloudApi({
          ...whatsapp,
          baseUrl: config.WHATSAPP_API_BASE_URL,
          apiVersion: config.WHATSAPP_API_VERSION,
          policy: resilience?.policy("WhatsApp"),
          pacer: resilience?.pacer("WhatsApp", whatsapp.phoneNumberId),
        })
      : null,
    sms:
      twilio && config.TWILIO_PHONE_NUMBER
        ? createTwilioSmsSender({
            ...twilio,
            from: config.TWILIO_PHONE_NUMBER,
            policy: resilience?.policy("Twilio"),
            // Twilio's limit is per sending number.
            pacer: resilience?.pacer("TwilioSms", config.TWILIO_PHONE_NUMBER),
          })
        : null,
    smsMedia: twilio ? createTwilioMediaFetcher(twilio, { alsoAllow: twilio.alsoAllow }) : null,
    voiceNotes: config.OPENAI_API_KEY
      ? createWhisperTranscriber(
          { policy: resilience?.policy("OpenAI") },
          createOpenAIClient({ apiKey: config.OPENAI_API_KEY }),
        )
      : null,
  };
}

export const templatesFrom = (config: Config): TemplateConfig => ({
  language: config.WHATSAPP_TEMPLATE_LANGUAGE,
  names: {
    reply: config.WHATSAPP_TEMPLATE_REPLY,
    video_request: config.WHATSAPP_TEMPLATE_VIDEO_REQUEST,
    quote: config.WHATSAPP_TEMPLATE_QUOTE,
    quote_video: config.WHATSAPP_TEMPLATE_QUOTE_VIDEO,
    missed_call: config.WHATSAPP_TEMPLATE_MISSED_CALL,
  },
});

export interface MessagingWiring {
  repos: Repositories;
  blobStore: BlobStore;
  liveEvents: LiveEvents;
  log: Log;
  now: () => Date;
  extractor: Extractor;
  adapters: MessagingAdapters;
  templates: TemplateConfig;
  /** Settings for the parts of messaging the web app needs. */
  whatsappVerifyToken: string | null;
  whatsappAppSecret: string;
  /** True when WHATSAPP_APP_SECRET is unset and the secret above was made locally. */
  whatsappSecretIsLocal?: boolean;
  smsFrom: string | null;
  companyName: string;
  missedCallReply: { channel: "sms" | "whatsapp" | "off"; text: string };
  videoRequestText: string;
  /** The public address, read when a send needs it (it may be known only once the server listens). */
  publicBaseUrl: () => string;
  /** Starts due jobs now (the job runner's poke). */
  poke: () => void;
  /** Default: a worker thread (createThumbnailWorker). */
  makeThumbnail?: (
    bytes: Uint8Array,
    contentType: string,
  ) => Promise<{ bytes: Uint8Array; contentType: string } | null>;
}

/**
 * Everything messaging runs on, wired once: the messenger (durable outbox), the job handlers the
 * runner needs (webhook deliveries, media downloads, understanding, sends), and the web app's
 * messaging settings. Shared by the server, the command line and the tests.
 */
export function wireMessaging(w: MessagingWiring): {
  deps: AppDeps["messaging"];
  taskHandlers: TaskHandlers;
  annotateIntegrations: (list: IntegrationStatus[]) => Promise<IntegrationStatus[]>;
} {
  const inbound = {
    messages: w.repos.messages,
    leads: w.repos.leads,
    leadAliases: w.repos.leadAliases,
    auditTrail: w.repos.audit,
    tasks: w.repos.tasks,
    liveEvents: w.liveEvents,
    log: w.log,
    now: w.now,
  };
  const messenger = createMessenger({ ...inbound, templates: w.templates, poke: w.poke });
  const whatsappSender = w.adapters.whatsapp ?? createOutboxSender("WhatsApp");
  const smsSender = w.adapters.sms ?? createOutboxSender("SMS");
  // Paced on their own queue, apart from the quote jobs': webhook acknowledgements stay fast during a burst.
  const taskHandlers = pacedSerial<TaskHandlers>({
    [DEFERRED_STATUS_TASK]: applyDeferredStatus(inbound),
    [WHATSAPP_DELIVERY_TASK]: processWebhookDelivery(
      { ...inbound, webhookDeliveries: w.repos.webhookDeliveries },
      parseWhatsAppWebhook,
    ),
    [MEDIA_TASK]: downloadMessageMedia({
      ...inbound,
      blobStore: w.blobStore,
      issues: w.repos.issues,
      whatsappMedia: w.adapters.whatsapp,
      smsMedia: w.adapters.smsMedia,
      makeThumbnail: w.makeThumbnail ?? createThumbnailWorker(),
    }),
    [UNDERSTAND_TASK]: understandMessage({
      ...inbound,
      blobStore: w.blobStore,
      issues: w.repos.issues,
      extractor: w.extractor,
      voiceNotes: w.adapters.voiceNotes,
    }),
    [SEND_TASK]: (payload, job) =>
      sendQueuedMessage({
        messages: w.repos.messages,
        blobStore: w.blobStore,
        liveEvents: w.liveEvents,
        log: w.log,
        now: w.now,
        whatsapp: whatsappSender,
        sms: smsSender,
        // Twilio cannot reach a localhost address; anywhere else it reports delivery there.
        smsStatusCallback: /^https?:\/\/(localhost|127\.)/.test(w.publicBaseUrl())
          ? null
          : `${w.publicBaseUrl()}/api/twilio/sms-status`,
      })(payload, job),
  });
  const deps: AppDeps["messaging"] = {
    messenger,
    whatsapp: { verifyToken: w.whatsappVerifyToken, appSecret: w.whatsappAppSecret, live: whatsappSender.live },
    sms: { live: smsSender.live, from: w.smsFrom },
    templates: w.templates,
    videoRequestText: w.videoRequestText,
    voiceNotes: w.adapters.voiceNotes?.name ?? null,
    async missedCall(call) {
      try {
        const outcome = await recoverMissedCall(
          {
            missedCalls: w.repos.missedCalls,
            messenger,
            log: w.log,
            reply: { ...w.missedCallReply, companyName: w.companyName },
          },
          call,
        );
        if (outcome !== "already_recorded")
          await w.liveEvents.publish(INBOX_CHANNEL, { type: "missed-call", data: { callId: call.id, outcome } });
      } catch (error) {
        w.log.error({ err: error, callId: call.id }, "missed-call follow-up could not be recorded");
      }
    },
  };
  return { deps, taskHandlers, annotateIntegrations: (list) => annotate(w, whatsappSender.live, smsSender.live, list) };
}

const OUTBOX_WORDS: Partial<Record<string, string>> = {
  queued: "queued",
  failed: "failed",
  not_sent: "not sent (no account connected)",
};

/**
 * The integrations page's WhatsApp and Twilio lines, told honestly: what the outbox holds, a
 * configuration that cannot work (keys without the app secret Meta signs with), and webhook
 * deliveries that did not match Meta's documented shapes in the last week.
 */
async function annotate(
  w: MessagingWiring,
  whatsappLive: boolean,
  smsLive: boolean,
  list: IntegrationStatus[],
): Promise<IntegrationStatus[]> {
  const weekAgo = new Date(w.now().getTime() - 7 * 24 * 60 * 60_000);
  const [outbox, deliveries, [latest]] = await Promise.all([
    w.repos.messages.outboxCounts(),
    w.repos.webhookDeliveries.countByState(weekAgo),
    w.repos.webhookDeliveries.recent(["unrecognised"], 1),
  ]);
  const outboxLine = Object.entries(OUTBOX_WORDS)
    .filter(([status]) => (outbox[status as keyof typeof outbox] ?? 0) > 0)
    .map(([status, words]) => `${outbox[status as keyof typeof outbox]} ${words}`)
    .join(", ");
  return list.map((entry) => {
    if (entry.name === "WhatsApp") {
      const detail = outboxLine ? `${entry.detail}. Outbox: ${outboxLine}.` : entry.detail;
      const link = { href: "/inbox/deliveries", label: "Deliveries that did not match" };
      if (whatsappLive && w.whatsappSecretIsLocal) {
        return {
          ...entry,
          detail,
          health: {
            state: "failing" as const,
            error: "WHATSAPP_APP_SECRET is not set: Meta's deliveries cannot be verified and are refused (401).",
          },
        };
      }
      if ((deliveries.unrecognised ?? 0) > 0) {
        const error = `${deliveries.unrecognised} delivery(ies) in the last 7 days did not match Meta's documented shapes; recorded, answered 200, nothing changed.${latest?.detail ? ` Latest: ${latest.detail}` : ""}`;
        return { ...entry, detail, health: { state: "failing" as const, error }, link };
      }
      const why = whatsappLive
        ? `${deliveries.processed ?? 0} deliveries processed in the last 7 days${w.whatsappVerifyToken ? "" : "; WHATSAPP_VERIFY_TOKEN is not set, so Meta's handshake is refused"}`
        : "Nothing is sent";
      return { ...entry, detail, health: { state: "not_checked" as const, why }, link };
    }
    if (entry.name === "Twilio") {
      return { ...entry, detail: outboxLine && !smsLive ? `${entry.detail}. Outbox: ${outboxLine}.` : entry.detail };
    }
    return entry;
  });
}
