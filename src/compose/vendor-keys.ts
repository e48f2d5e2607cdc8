import type { Config } from "../config.ts";

/*
 * Which vendors the configuration has keys for: each rule written once, read by the wiring and by
 * the integrations page alike. null = that vendor is not configured; its embedded default runs.
 */

/**
 * Calls, SMS and recordings on Twilio's account; else the call simulator and the outbox.
 * `apiBaseUrl` (TWILIO_API_BASE_URL) replaces api.twilio.com, and `alsoAllow` lets its origin
 * receive the account's credentials for recording and media downloads.
 */
export const twilioKeys = (config: Pick<Config, "TWILIO_ACCOUNT_SID" | "TWILIO_AUTH_TOKEN" | "TWILIO_API_BASE_URL">) =>
  config.TWILIO_ACCOUNT_SID && config.TWILIO_AUTH_TOKEN
    ? {
        accountSid: config.TWILIO_ACCOUNT_SID,
        authToken: config.TWILIO_AUTH_TOKEN,
        apiBaseUrl: config.TWILIO_API_BASE_URL,
        alsoAllow: config.TWILIO_API_BASE_URL ? [new URL(config.TWILIO_API_BASE_URL).origin] : [],
      }
    : null;

/** Where the Stripe SDK sends requests: STRIPE_API_BASE_URL's host, port and protocol, else Stripe's own. */
const stripeEndpoint = (url: string | undefined) => {
  if (!url) return {};
  const parsed = new URL(url);
  const protocol = parsed.protocol === "http:" ? ("http" as const) : ("https" as const);
  return { host: parsed.hostname, port: Number(parsed.port) || (protocol === "http" ? 80 : 443), protocol };
};

/** Stripe Checkout and its webhook secret; else the embedded test checkout. */
export const stripeKeys = (config: Config) =>
  config.STRIPE_SECRET_KEY && config.STRIPE_WEBHOOK_SECRET
    ? {
        secretKey: config.STRIPE_SECRET_KEY,
        webhookSecret: config.STRIPE_WEBHOOK_SECRET,
        endpoint: stripeEndpoint(config.STRIPE_API_BASE_URL),
      }
    : null;

/** The WhatsApp Business Cloud API; else the outbox. */
export const whatsappKeys = (config: Config) =>
  config.WHATSAPP_ACCESS_TOKEN && config.WHATSAPP_PHONE_NUMBER_ID
    ? { accessToken: config.WHATSAPP_ACCESS_TOKEN, phoneNumberId: config.WHATSAPP_PHONE_NUMBER_ID }
    : null;

/** An S3 bucket; else a folder under DATA_DIR. */
export const s3Keys = (config: Config) =>
  config.AWS_ACCESS_KEY_ID && config.AWS_SECRET_ACCESS_KEY && config.AWS_S3_BUCKET
    ? {
        bucket: config.AWS_S3_BUCKET,
        accessKeyId: config.AWS_ACCESS_KEY_ID,
        secretAccessKey: config.AWS_SECRET_ACCESS_KEY,
      }
    : null;

/**
 * ElevenLabs' voice for outbound calls: needs the key and the voice both; else the offline voice.
 * `baseUrl` (ELEVENLABS_API_URL) replaces api.elevenlabs.io.
 */
export const elevenLabsKeys = (
  config: Pick<Config, "ELEVENLABS_API_KEY" | "ELEVENLABS_VOICE_ID" | "ELEVENLABS_API_URL">,
) =>
  config.ELEVENLABS_API_KEY && config.ELEVENLABS_VOICE_ID
    ? { apiKey: config.ELEVENLABS_API_KEY, voiceId: config.ELEVENLABS_VOICE_ID, baseUrl: config.ELEVENLABS_API_URL }
    : null;
