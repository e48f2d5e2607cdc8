import type { Config } from "../config.ts";
import type { BlobStore } from "../ports/blob-store.ts";
import type { IntegrationStatus } from "../ports/integrations.ts";
import type { Log } from "../ports/log.ts";
import type { VendorChecks } from "../ports/vendor-check.ts";
import { formatPhone } from "../domain/phone.ts";
import { s3Keys, stripeKeys, twilioKeys, whatsappKeys } from "./vendor-keys.ts";
import { INTEGRATION_FOR_CHECK } from "./vendor-checks.ts";

type Describe = Omit<IntegrationStatus, "health" | "keyCheck" | "circuit">;

/**
 * How each integration runs with this configuration: on its vendor (keys present)
 * or on its embedded default. Logged at start-up and shown on the integrations page.
 */
export function describeIntegrations(
  config: Config,
  database: string,
  blobStore: string,
  /** The voice chooseVoice picked (src/compose/voice.ts): the page says what really speaks. */
  voice: { mode: "vendor" | "embedded"; detail: string },
): Describe[] {
  const has = (...values: (string | undefined)[]) => values.every(Boolean);
  const vendorOr = (name: string, purpose: string, keys: boolean, vendor: string, embedded: string): Describe => ({
    name,
    purpose,
    mode: keys ? "vendor" : "embedded",
    detail: keys ? vendor : embedded,
  });
  return [
    {
      name: "Database",
      purpose: "Leads, calls, issues, quotes",
      mode: config.DATABASE_URL ? "vendor" : "embedded",
      detail: database,
    },
    {
      name: "Storage",
      purpose: "Recordings, photos, documents, tenant media",
      mode: s3Keys(config) ? "vendor" : "embedded",
      detail: blobStore,
    },
    vendorOr(
      "Twilio",
      "Calls and SMS",
      twilioKeys(config) !== null,
      `Twilio account, number ${config.TWILIO_PHONE_NUMBER ? formatPhone(config.TWILIO_PHONE_NUMBER) : "not set"}; texts go through the durable outbox (retried with backoff, never sent twice)`,
      "No keys: the call simulator plays calls; texts wait in the outbox, shown in the app, and nothing is sent",
    ),
    vendorOr(
      "Stripe",
      "Card payments and invoices",
      stripeKeys(config) !== null,
      "Stripe Checkout; webhooks verified with STRIPE_WEBHOOK_SECRET",
      'No keys: a test checkout in the app, labelled "test payment, no card is charged"; its events go through the same signed webhook handler with a secret made locally. No money is taken',
    ),
    vendorOr(
      "WhatsApp",
      "Tenant messages, voice notes, photos, video",
      whatsappKeys(config) !== null,
      `WhatsApp Business Cloud API ${config.WHATSAPP_API_VERSION}; messages go through the durable outbox (retried with backoff, never sent twice), templates outside the 24-hour window`,
      "No keys: messages wait in the outbox, shown in the app, and nothing is sent; media cannot be downloaded",
    ),
    vendorOr(
      "OpenAI",
      "Extraction and voice-note transcription",
      has(config.OPENAI_API_KEY),
      "gpt-4o-mini, whisper-1",
      "No key: extraction runs on the offline rules (UK postcodes, names, urgency words); voice notes are kept, playable, but not transcribed",
    ),
    vendorOr(
      "WisprFlow",
      "Live call transcription (primary)",
      has(config.WISPRFLOW_API_KEY),
      "WisprFlow streaming",
      "No live transcription without a key",
    ),
    vendorOr(
      "Deepgram",
      "Live call transcription (fallback)",
      has(config.DEEPGRAM_API_KEY),
      "nova-2-phonecall",
      "No fallback transcription without a key",
    ),
    { name: "ElevenLabs", purpose: "Voice for outbound calls", ...voice },
  ];
}

/**
 * Each integration's state as the integrations page shows it: the database and storage are
 * checked live (a failure carries its reason); the rest say why they are not checked. Vendors
 * with keys carry their latest key check.
 */
export function checkIntegrations(
  described: Describe[],
  checks: {
    ping(): Promise<unknown>;
    blobStore: Pick<BlobStore, "check">;
    keyChecks: VendorChecks;
    /** Each vendor's circuit (src/adapters/resilience); only those not closed are shown. */
    circuits?: () => { vendor: string; circuit: { state: "closed" } | NonNullable<IntegrationStatus["circuit"]> }[];
  },
): () => Promise<IntegrationStatus[]> {
  return async () => {
    const [database, storage] = await Promise.all([
      checks.ping().then(
        () => ({ state: "ok" as const }),
        (error: unknown) => ({
          state: "failing" as const,
          error: error instanceof Error ? error.message : String(error),
        }),
      ),
      checks.blobStore
        .check()
        .then((r) => (r.ok ? { state: "ok" as const } : { state: "failing" as const, error: r.error })),
    ]);
    const checked = new Map(checks.keyChecks.vendors().map((v) => [INTEGRATION_FOR_CHECK[v] ?? v, v] as const));
    const latest = new Map(
      checks.keyChecks.latest().map((r) => [INTEGRATION_FOR_CHECK[r.vendor] ?? r.vendor, r] as const),
    );
    const keyCheckOf = (name: string): IntegrationStatus["keyCheck"] => {
      const vendor = checked.get(name);
      if (vendor === undefined) return undefined;
      const result = latest.get(name);
      return result ? { vendor, ...result.outcome, checkedAt: result.checkedAt } : { vendor, state: "checking" };
    };
    const circuits = new Map((checks.circuits?.() ?? []).map((c) => [c.vendor, c.circuit] as const));
    const circuitOf = (name: string) => {
      const circuit = circuits.get(name);
      return circuit && circuit.state !== "closed" ? { circuit } : {};
    };
    return described.map((d) => ({
      ...d,
      keyCheck: keyCheckOf(d.name),
      ...circuitOf(d.name),
      health:
        d.name === "Database"
          ? database
          : d.name === "Storage"
            ? storage
            : {
                state: "not_checked" as const,
                why:
                  d.mode !== "vendor"
                    ? "Nothing to check"
                    : checked.has(d.name)
                      ? "Key checked every few minutes"
                      : "Keys present; no live check yet",
              },
    }));
  };
}

/** One line per integration at start-up: vendor or embedded default, and its check where it has one. */
export async function logIntegrations(
  logger: Log,
  deps: { integrations(): Promise<IntegrationStatus[]> },
): Promise<void> {
  const modes = { vendor: "vendor", embedded: "embedded default", off: "off" } as const;
  for (const i of await deps.integrations()) {
    const health =
      i.health.state === "failing" ? ` (FAILING: ${i.health.error})` : i.health.state === "ok" ? " (working)" : "";
    const line = `[${i.name}] ${modes[i.mode]}: ${i.detail}${health}`;
    if (i.health.state === "failing") logger.warn({ integration: i.name, mode: i.mode }, line);
    else logger.info({ integration: i.name, mode: i.mode }, line);
  }
}
