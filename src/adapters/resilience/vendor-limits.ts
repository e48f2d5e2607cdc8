import type { VendorPolicyOptions } from "./vendor-policy.ts";

type Limits = Omit<VendorPolicyOptions, "vendor" | "now">;

/** Retries and circuit settings most vendors share; each vendor's timeout is its own. */
const COMMON = { retries: 2, initialDelayMs: 250, maxDelayMs: 5_000, breakAfter: 5, halfOpenAfterMs: 30_000 };

/**
 * Each vendor's policy. Timeouts sit above the vendor's usual slowest answer (a Whisper
 * transcription or a chat completion takes seconds; a Twilio or Stripe call well under one).
 */
export const VENDOR_LIMITS = {
  Twilio: { ...COMMON, timeoutMs: 15_000 },
  Stripe: { ...COMMON, timeoutMs: 20_000 },
  WhatsApp: { ...COMMON, timeoutMs: 20_000 },
  OpenAI: { ...COMMON, timeoutMs: 60_000 },
  // A 5 MB part or a recording on a slow uplink; a GetObject is timed to its headers only.
  S3: { ...COMMON, timeoutMs: 60_000 },
  // Someone is on the line waiting: the stream's first bytes come within a second or they
  // never will, and one quick retry is all a caller's patience allows. Timed to the headers only.
  ElevenLabs: { ...COMMON, timeoutMs: 5_000, retries: 1, initialDelayMs: 100, maxDelayMs: 500 },
} satisfies Record<string, Limits>;

/**
 * Outbound pace per provider, from their documented limits:
 * - Twilio: a UK long-code number sends 1 SMS a second by default (more is queued by Twilio,
 *   then refused with 20429/30022); one bucket per sending number.
 * - WhatsApp Cloud API: 80 messages a second per business phone number by default.
 * - Stripe: 100 read operations a second in live mode (25 in test mode; the busier mode's limit
 *   would refuse some test-mode bursts, which the policy's retries of 429 absorb).
 * OpenAI is not paced here: its limits are per organisation and tier (requests and tokens a
 * minute), extraction is already debounced to once per 15 s of speech a call, and its 429s are
 * retried with backoff by the policy.
 */
export const VENDOR_PACE = {
  TwilioSms: { perSecond: 1, burst: 1 },
  WhatsApp: { perSecond: 80, burst: 80 },
  Stripe: { perSecond: 100, burst: 100 },
} as const;
