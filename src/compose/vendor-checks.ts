import type { Config } from "../config.ts";
import type { VendorCheck } from "../ports/vendor-check.ts";
import { createDeepgramProjectsCheck } from "../adapters/deepgram/projects-check.ts";
import { createElevenLabsUserCheck } from "../adapters/elevenlabs/user-check.ts";
import { createOpenAIClient } from "../adapters/openai/client.ts";
import { createOpenAIModelsCheck } from "../adapters/openai/models-check.ts";
import { createS3BucketCheck } from "../adapters/s3/bucket-check.ts";
import { createStripeClient } from "../adapters/stripe/stripe-checkout.ts";
import { createStripeBalanceCheck } from "../adapters/stripe/balance-check.ts";
import { createTwilioAccountCheck } from "../adapters/twilio/account-check.ts";
import { createWhatsAppPhoneNumberCheck } from "../adapters/whatsapp/phone-number-check.ts";
import { s3Keys, stripeKeys, twilioKeys, whatsappKeys } from "./vendor-keys.ts";

/** The integrations page's row for a check whose vendor it names otherwise. */
export const INTEGRATION_FOR_CHECK: Partial<Record<string, string>> = { S3: "Storage" };

/**
 * A key check for each vendor the configuration has keys for; vendors on their embedded
 * default have nothing to check. WisprFlow has no documented read-only call, so its key shows
 * only when a call is transcribed.
 */
export function vendorChecksFor(config: Config): VendorCheck[] {
  const checks: VendorCheck[] = [];
  const twilio = twilioKeys(config);
  if (twilio) checks.push(createTwilioAccountCheck(twilio));
  const stripe = stripeKeys(config);
  if (stripe) checks.push(createStripeBalanceCheck(createStripeClient(stripe.secretKey, stripe.endpoint)));
  const whatsapp = whatsappKeys(config);
  if (whatsapp)
    checks.push(
      createWhatsAppPhoneNumberCheck({
        ...whatsapp,
        baseUrl: config.WHATSAPP_API_BASE_URL,
        apiVersion: config.WHATSAPP_API_VERSION,
      }),
    );
  if (config.OPENAI_API_KEY)
    checks.push(createOpenAIModelsCheck(createOpenAIClient({ apiKey: config.OPENAI_API_KEY })));
  if (config.DEEPGRAM_API_KEY)
    checks.push(createDeepgramProjectsCheck({ apiKey: config.DEEPGRAM_API_KEY, url: config.DEEPGRAM_API_URL }));
  if (config.ELEVENLABS_API_KEY)
    checks.push(createElevenLabsUserCheck({ apiKey: config.ELEVENLABS_API_KEY, baseUrl: config.ELEVENLABS_API_URL }));
  const s3 = s3Keys(config);
  if (s3) checks.push(createS3BucketCheck({ ...s3, region: config.AWS_REGION, endpoint: config.S3_ENDPOINT }));
  return checks;
}
