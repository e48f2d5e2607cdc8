import type { Config } from "../config.ts";

/*
 * Which vendors the configuration has keys for: each rule written once, read by the wiring and by
 * the integrations page alike. null = that vendor is not configured; its embedded default runs.
 */

/**
 * Calls, SMS and recordings on Twilio's account (at TWILIO_API_BASE_URL when set); else the call
 * simulator and the outbox.
 */
export const twilioKeys = (
  config: Pick<Config, "TWILIO_ACCOUNT_SID" | "TWILIO_AUTH_TOKEN"> & Partial<Pick<Config, "TWILIO_API_BASE_URL">>,
) =>
  config.TWILIO_ACCOUNT_SID && config.TWILIO_AUTH_TOKEN
    ? {
        accountSid: config.TWILIO_ACCOUNT_SID,
        authToken: config.TWILIO_AUTH_TOKEN,
        ...(config.TWILIO_API_BASE_URL ? { apiBaseUrl: config.TWILIO_API_BASE_URL } : {}),
      }
    : null;

/** Origins besides Twilio's own hosts that may receive its credentials: TWILIO_API_BASE_URL's. */
export const twilioApiOrigins = (keys: { apiBaseUrl?: string } | null): string[] =>
  keys?.apiBaseUrl ? [new URL(keys.apiBaseUrl).origin] : [];

/** Stripe Checkout and its webhook secret; else the embedded test checkout. */
export const stripeKeys = (config: Config) =>
  config.STRIPE_SECRET_KEY && config.STRIPE_WEBHOOK_SECRET
    ? { secretKey: config.STRIPE_SECRET_KEY, webhookSecret: config.STRIPE_WEBHOOK_SECRET }
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
