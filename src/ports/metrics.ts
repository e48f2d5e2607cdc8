/**
 * What the app counts and times for operations (scraped as Prometheus text at GET /metrics).
 * Named for what each measures; labels are fixed, short lists, never a call id or a number, so
 * the number of series stays bounded however busy the app gets.
 */

/** A count that only goes up. */
export interface Count {
  inc(): void;
}

/** A level that goes up and down: things open right now. */
export interface Level {
  up(): void;
  down(): void;
}

/** The provider webhooks, as counted (Twilio's voice and SMS callbacks apart, the media stream's upgrade). */
export const WEBHOOK_PROVIDERS = ["twilio-voice", "twilio-sms", "twilio-media-stream", "whatsapp", "stripe"] as const;
export type WebhookProvider = (typeof WEBHOOK_PROVIDERS)[number];

/** accepted: 2xx/1xx; refused: 4xx (bad signature, bad input, too large); failed: 5xx (our fault). */
export type WebhookOutcome = "accepted" | "refused" | "failed";

/** The vendors whose errors are counted; anything else counts as "other". */
export const VENDORS = [
  "twilio",
  "stripe",
  "whatsapp",
  "openai",
  "deepgram",
  "wisprflow",
  "elevenlabs",
  "s3",
  "other",
] as const;
export type Vendor = (typeof VENDORS)[number];

/**
 * The instruments the app updates as it works. Job queues, the outbox, the process's CPU,
 * memory and event-loop lag are read when scraped, not counted here.
 * @example deps.metrics.webhookHandled("stripe", "accepted", 0.012)
 */
export interface Metrics {
  /** Media streams open on this instance. */
  callsInProgress: Level;
  /** Twilio media frames received (20 ms each, per track): one inc per frame, so it must stay cheap. */
  mediaFramesReceived: Count;
  /** A final transcript line arrived `seconds` after the audio it ends with was received. */
  transcriberResult(transcriber: string, seconds: number): void;
  /** Live transcription switched from its primary vendor to the fallback. */
  transcriberFallbacks: Count;
  /** Live transcription lost its vendor and is connecting again. */
  transcriberReconnects: Count;
  /** Server-sent event streams open to staff pages. */
  sseViewers: Level;
  /** A provider webhook answered, how and how fast. */
  webhookHandled(provider: WebhookProvider, outcome: WebhookOutcome, seconds: number): void;
  /** A vendor call failed (refused, unreachable, timed out, dropped). */
  vendorError(vendor: Vendor): void;
}

/** The scrape itself: Prometheus' text format of everything measured. */
export interface MetricsExposition {
  readonly contentType: string;
  text(): Promise<string>;
}

/** What GET /metrics serves, and the bearer token it asks for (null: the route is off, 404). */
export interface MetricsEndpoint {
  token: string | null;
  exposition: MetricsExposition;
}
