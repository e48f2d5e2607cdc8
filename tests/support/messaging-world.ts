import pino from "pino";
import { createRulesExtractor } from "../../src/adapters/local/rules-extractor/index.ts";
import { messagingAdaptersFor, wireMessaging, type MessagingAdapters } from "../../src/compose/messaging.ts";
import type { TemplateConfig } from "../../src/domain/messaging/outbox.ts";
import type { BlobStore } from "../../src/ports/blob-store.ts";
import type { Repositories } from "../../src/ports/database.ts";
import type { LiveEvents } from "../../src/ports/live-events.ts";

export const TEST_WHATSAPP_APP_SECRET = "test-whatsapp-app-secret-0123456789";
export const TEST_WHATSAPP_VERIFY_TOKEN = "test-verify-token";
export const TEST_SMS_FROM = "+442079460000";

export const TEST_TEMPLATES: TemplateConfig = {
  language: "en_GB",
  names: { reply: "customer_reply", video_request: "video_request", quote: "quote_ready", quote_video: "quote_ready_video", missed_call: "missed_call" },
};

/** No keys: the embedded outbox for WhatsApp and SMS, no voice-note transcriber. */
export const EMBEDDED_ADAPTERS: MessagingAdapters = { whatsapp: null, sms: null, smsMedia: null, voiceNotes: null };

export interface MessagingTestOptions {
  adapters?: Partial<MessagingAdapters>;
  missedCallReply?: { channel: "sms" | "whatsapp" | "off"; text: string };
}

/**
 * Messaging wired as the server wires it (src/adapters/whatsapp/messaging.ts), on the test's
 * repositories, blob store, live events and clock. Returns the web app's messaging deps and the
 * job handlers (tests run them with a job runner they start and stop themselves).
 */
export function testMessaging(
  world: { repos: Repositories; blobStore: BlobStore; liveEvents: LiveEvents; now: () => Date; publicBaseUrl: () => string },
  options: MessagingTestOptions = {},
) {
  return wireMessaging({
    repos: world.repos,
    blobStore: world.blobStore,
    liveEvents: world.liveEvents,
    log: pino({ level: "silent" }),
    now: world.now,
    extractor: createRulesExtractor(),
    adapters: { ...EMBEDDED_ADAPTERS, ...options.adapters },
    templates: TEST_TEMPLATES,
    whatsappVerifyToken: TEST_WHATSAPP_VERIFY_TOKEN,
    whatsappAppSecret: TEST_WHATSAPP_APP_SECRET,
    smsFrom: TEST_SMS_FROM,
    companyName: "Handy Services",
    missedCallReply: options.missedCallReply ?? { channel: "sms", text: "Sorry we missed your call to {company}. We will call you back." },
    videoRequestText: "Please film the problem and reply with the video.",
    publicBaseUrl: world.publicBaseUrl,
    poke: () => {},
  });
}

export { messagingAdaptersFor };
