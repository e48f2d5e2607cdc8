/**
 * The configuration and signing secrets test apps are composed with (src/compose/): the
 * embedded defaults, a company the tests expect, and fixed secrets tests can sign with.
 */
import { parseConfig, type Config } from "../../src/config.ts";
import type { SigningSecrets } from "../../src/compose/index.ts";

export const ORIGIN = "http://localhost";
export const TEST_TWILIO_TOKEN = "test-twilio-auth-token-0123456789";
export const TEST_WHATSAPP_APP_SECRET = "test-whatsapp-app-secret-0123456789";
export const TEST_WHATSAPP_VERIFY_TOKEN = "test-verify-token";
export const TEST_SMS_FROM = "+442079460000";
/** The secret the embedded test checkout signs with in tests (whsec_ + this). */
export const TEST_STRIPE_LOCAL_SECRET = "test-stripe-local-secret-0123456789";

/** What the tests' environment would hold. */
export const TEST_ENV: Record<string, string> = {
  NODE_ENV: "test",
  PUBLIC_BASE_URL: ORIGIN,
  SESSION_IDLE_MINUTES: "30",
  COMPANY_NAME: "Handy Services",
  COMPANY_ADDRESS: "1 High Street, London N1 1AA",
  COMPANY_VAT_NUMBER: "GB123456789",
  WHATSAPP_VERIFY_TOKEN: TEST_WHATSAPP_VERIFY_TOKEN,
  WHATSAPP_APP_SECRET: TEST_WHATSAPP_APP_SECRET,
  TWILIO_PHONE_NUMBER: TEST_SMS_FROM,
  MISSED_CALL_REPLY_CHANNEL: "sms",
  MISSED_CALL_REPLY_TEXT: "Sorry we missed your call to {company}. We will call you back.",
  VIDEO_REQUEST_TEXT: "Please film the problem and reply with the video.",
};

/** No vendor keys here: the local secrets stand in, fixed so tests can sign as the simulator does. */
export const TEST_SECRETS: SigningSecrets = {
  twilioAuthToken: TEST_TWILIO_TOKEN,
  whatsappAppSecret: TEST_WHATSAPP_APP_SECRET,
  stripeLocalSecret: TEST_STRIPE_LOCAL_SECRET,
};

/** TEST_ENV parsed as the server parses its environment; `env` adds or replaces variables. */
export function testConfig(env: Record<string, string> = {}): Config {
  const parsed = parseConfig({ ...TEST_ENV, ...env });
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.config;
}
