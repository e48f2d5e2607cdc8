import pino from "pino";
import { createRulesExtractor } from "../../src/adapters/local/rules-extractor/index.ts";
import {
  messagingAdaptersFor,
  templatesFrom,
  wireMessaging,
  type MessagingAdapters,
} from "../../src/compose/messaging.ts";
import type { TemplateConfig } from "../../src/domain/messaging/outbox.ts";
import type { BlobStore } from "../../src/ports/blob-store.ts";
import type { Repositories } from "../../src/ports/database.ts";
import type { LiveEvents } from "../../src/ports/live-events.ts";
import { TEST_SECRETS, testConfig } from "./test-config.ts";

export { TEST_SMS_FROM, TEST_WHATSAPP_APP_SECRET, TEST_WHATSAPP_VERIFY_TOKEN } from "./test-config.ts";

export const TEST_TEMPLATES: TemplateConfig = templatesFrom(testConfig());

/** No keys: the embedded outbox for WhatsApp and SMS, no voice-note transcriber. */
export const EMBEDDED_ADAPTERS: MessagingAdapters = { whatsapp: null, sms: null, smsMedia: null, voiceNotes: null };

export interface MessagingTestOptions {
  /** Messaging vendors on loopback peers; the rest stay on the embedded outbox. */
  adapters?: Partial<MessagingAdapters>;
  missedCallReply?: { channel: "sms" | "whatsapp" | "off"; text: string };
}

/**
 * Messaging alone, wired by the composition's own wireMessaging (src/compose/messaging.ts) from
 * the test configuration, on the test's repositories, blob store, live events and clock: for a
 * test that needs messaging on a store or peer the rest of the app does not use. Returns the web
 * app's messaging deps, the job handlers and the integrations-page annotation.
 */
export function testMessaging(
  world: {
    repos: Repositories;
    blobStore: BlobStore;
    liveEvents: LiveEvents;
    now: () => Date;
    publicBaseUrl: () => string;
  },
  options: MessagingTestOptions = {},
) {
  const config = testConfig(
    options.missedCallReply
      ? {
          MISSED_CALL_REPLY_CHANNEL: options.missedCallReply.channel,
          MISSED_CALL_REPLY_TEXT: options.missedCallReply.text,
        }
      : {},
  );
  return wireMessaging({
    repos: world.repos,
    blobStore: world.blobStore,
    liveEvents: world.liveEvents,
    log: pino({ level: "silent" }),
    now: world.now,
    extractor: createRulesExtractor(),
    adapters: { ...EMBEDDED_ADAPTERS, ...options.adapters },
    templates: templatesFrom(config),
    whatsappVerifyToken: config.WHATSAPP_VERIFY_TOKEN ?? null,
    whatsappAppSecret: TEST_SECRETS.whatsappAppSecret,
    smsFrom: config.TWILIO_PHONE_NUMBER ?? null,
    companyName: config.COMPANY_NAME,
    missedCallReply: { channel: config.MISSED_CALL_REPLY_CHANNEL, text: config.MISSED_CALL_REPLY_TEXT },
    videoRequestText: config.VIDEO_REQUEST_TEXT,
    publicBaseUrl: world.publicBaseUrl,
    poke: () => {},
  });
}

export { messagingAdaptersFor };
