import { isIP } from "node:net";
import { z } from "zod";
import { normalisePhone } from "./domain/phone.ts";

const optional = z
  .string()
  .trim()
  .transform((value) => (value === "" ? undefined : value))
  .optional();

/** Numbers staff calls are put through to: each must be valid for its country, kept in E.164. */
const phoneList = z
  .string()
  .optional()
  .transform((value, ctx) => {
    const written = (value ?? "")
      .split(",")
      .map((n) => n.trim())
      .filter(Boolean);
    const numbers: string[] = [];
    written.forEach((number, i) => {
      const phone = normalisePhone(number);
      if (phone.ok) numbers.push(phone.value);
      // Named by position, not quoted: start-up errors go to the log, and numbers stay out of it.
      else
        ctx.addIssue({
          code: "custom",
          message: `number ${i + 1} of ${written.length} is not a valid phone number for its country: check the digits`,
        });
    });
    return numbers;
  });

/**
 * Every environment variable Switchboard reads. Parsed once in src/main.ts;
 * nothing else reads process.env. Empty strings count as unset.
 */
export const configSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default("0.0.0.0"),
  DATA_DIR: z.string().default("./data"),
  DATABASE_URL: optional.pipe(
    z.url({ protocol: /^postgres(ql)?$/, error: "must be a postgres:// or postgresql:// URL" }).optional(),
  ),
  /**
   * An unpooled connection to the same database, for LISTEN (live events across instances):
   * with Neon, the direct host rather than the -pooler one. Unset: DATABASE_URL.
   */
  DATABASE_URL_DIRECT: optional.pipe(
    z.url({ protocol: /^postgres(ql)?$/, error: "must be a postgres:// or postgresql:// URL" }).optional(),
  ),
  PUBLIC_BASE_URL: optional.pipe(z.url({ protocol: /^https?$/, error: "must be an http(s):// URL" }).optional()),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  SESSION_IDLE_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(60 * 24 * 30)
    .default(120),
  /** A session ends this many hours after login, however active (idle expiry still applies within it). */
  SESSION_MAX_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 30)
    .default(12),
  /**
   * The https proxy's own address (comma-separated for several): X-Forwarded-For is believed only
   * on connections from these, read from the right, and the first address that is not one of
   * them is the client's. Unset: X-Forwarded-For is ignored and the connection's peer is the client.
   */
  TRUSTED_PROXY: z
    .string()
    .optional()
    .transform((value) =>
      (value ?? "")
        .split(",")
        .map((address) => address.trim())
        .filter(Boolean),
    )
    .refine((addresses) => addresses.every((address) => isIP(address) !== 0), "must be IP addresses, comma-separated"),
  /**
   * Bearer token GET /metrics asks for (Prometheus' `authorization` / `bearer_token`). Unset: no
   * /metrics at all (404). At least 16 characters: it guards operational figures.
   */
  METRICS_TOKEN: optional.pipe(z.string().min(16, "must be at least 16 characters").optional()),
  /**
   * Seconds the server keeps serving after SIGTERM with /ready answering 503, so the load
   * balancer stops sending new work before the listener closes.
   */
  SHUTDOWN_DRAIN_SECONDS: z.coerce.number().min(0).max(120).default(5),
  /**
   * Seconds a live call's lease lasts; its instance renews it every third of that. When an
   * instance dies, another closes its calls within about 1⅓ leases (30 s: within 40 s).
   */
  CALL_LEASE_SECONDS: z.coerce.number().min(1).max(60).default(30),
  /** The company's details, on the customer's quote page and invoices. */
  COMPANY_NAME: z.string().default("Switchboard Property Maintenance"),
  /** Printed on the customer's quote page and on invoices; one line, commas between parts. */
  COMPANY_ADDRESS: optional,
  COMPANY_PHONE: optional,
  COMPANY_EMAIL: optional,
  /** The company's VAT registration number, printed on invoices. */
  COMPANY_VAT_NUMBER: optional,
  /**
   * HMRC's VAT stagger, for the reports' VAT quarters: 1 = quarters ending March, June,
   * September, December; 2 = April, July, October, January; 3 = May, August, November, February.
   */
  VAT_STAGGER: z.coerce
    .number()
    .int()
    .min(1)
    .max(3)
    .default(1)
    .transform((n) => n as 1 | 2 | 3),
  /** The largest quote total (and line) staff may enter, in pounds. */
  QUOTE_MAX_AMOUNT: z.coerce.number().positive().max(1_000_000).default(50_000),
  /** How many days a new quote stays open for acceptance. */
  QUOTE_VALID_DAYS: z.coerce.number().int().min(1).max(365).default(30),

  TWILIO_ACCOUNT_SID: optional,
  TWILIO_AUTH_TOKEN: optional,
  TWILIO_PHONE_NUMBER: optional,
  /** Twilio's REST API address (its own by default; the soak test points it at a loopback peer). */
  TWILIO_API_BASE_URL: optional.pipe(z.url({ protocol: /^https?$/, error: "must be an http(s):// URL" }).optional()),
  STAFF_PHONE_NUMBERS: phoneList,
  STRIPE_SECRET_KEY: optional,
  STRIPE_PUBLISHABLE_KEY: optional,
  STRIPE_WEBHOOK_SECRET: optional,
  /** Stripe's API address (its own by default; the soak test points it at a loopback peer). */
  STRIPE_API_BASE_URL: optional.pipe(z.url({ protocol: /^https?$/, error: "must be an http(s):// URL" }).optional()),
  WHATSAPP_ACCESS_TOKEN: optional,
  WHATSAPP_PHONE_NUMBER_ID: optional,
  WHATSAPP_VERIFY_TOKEN: optional,
  WHATSAPP_BUSINESS_ACCOUNT_ID: optional,
  WHATSAPP_APP_SECRET: optional,
  /** The Graph API's address and version (Meta's by default; tests use a loopback peer). */
  WHATSAPP_API_BASE_URL: z.url({ protocol: /^https?$/ }).default("https://graph.facebook.com"),
  WHATSAPP_API_VERSION: z
    .string()
    .regex(/^v\d+\.\d+$/, "must look like v24.0")
    .default("v24.0"),
  /** Meta-approved template names, by use, and their language code. */
  WHATSAPP_TEMPLATE_LANGUAGE: z.string().default("en_GB"),
  WHATSAPP_TEMPLATE_REPLY: z.string().default("customer_reply"),
  WHATSAPP_TEMPLATE_VIDEO_REQUEST: z.string().default("video_request"),
  WHATSAPP_TEMPLATE_QUOTE: z.string().default("quote_ready"),
  WHATSAPP_TEMPLATE_QUOTE_VIDEO: z.string().default("quote_ready_video"),
  WHATSAPP_TEMPLATE_MISSED_CALL: z.string().default("missed_call"),
  /** The automatic reply to a caller nobody answered (once per caller per day). */
  MISSED_CALL_REPLY_CHANNEL: z.enum(["sms", "whatsapp", "off"]).default("sms"),
  MISSED_CALL_REPLY_TEXT: z
    .string()
    .default(
      "Sorry we missed your call to {company}. Reply here and we will get back to you, or we will call you back shortly.",
    ),
  /** What a video request asks the customer to film. */
  VIDEO_REQUEST_TEXT: z
    .string()
    .default(
      "Could you film the problem for us? A short video (under a minute) of the fault and the area around it, in good light, helps us quote without a visit. Just reply here with the video.",
    ),
  OPENAI_API_KEY: optional,
  DEEPGRAM_API_KEY: optional,
  WISPRFLOW_API_KEY: optional,
  /** The live transcribers' streaming endpoints: the vendors' own, an EU one for data residency, or a loopback peer in tests. */
  DEEPGRAM_API_URL: z.url({ protocol: /^wss?$/ }).default("wss://api.deepgram.com"),
  WISPRFLOW_API_URL: z.url({ protocol: /^wss?$/ }).default("wss://platform-api.wisprflow.ai/api/v1/dash/ws"),
  ELEVENLABS_API_KEY: optional,
  ELEVENLABS_VOICE_ID: optional,
  /** ElevenLabs' API address (its own by default; a regional one, or a loopback peer in tests). */
  ELEVENLABS_API_URL: optional.pipe(z.url({ protocol: /^https?$/, error: "must be an http(s):// URL" }).optional()),
  AWS_ACCESS_KEY_ID: optional,
  AWS_SECRET_ACCESS_KEY: optional,
  AWS_REGION: z.string().default("eu-west-2"),
  AWS_S3_BUCKET: optional,
  S3_ENDPOINT: optional.pipe(z.url().optional()),
});

export type Config = z.infer<typeof configSchema>;

/**
 * Parses the environment; on a bad value returns one line naming the variable.
 * @example parseConfig({ PORT: "x" }) // { ok: false, error: "PORT: expected number, received NaN" }
 */
export function parseConfig(
  env: Record<string, string | undefined>,
): { ok: true; config: Config } | { ok: false; error: string } {
  const parsed = configSchema.safeParse(env);
  if (parsed.success) return { ok: true, config: parsed.data };
  const issue = parsed.error.issues[0]!;
  return { ok: false, error: `Configuration error: ${issue.path.join(".")} ${issue.message}` };
}

/** Where the app is reached from outside (for links in messages and provider callbacks). */
export const publicBaseUrl = (config: Config): string =>
  (config.PUBLIC_BASE_URL ?? `http://localhost:${config.PORT}`).replace(/\/$/, "");
