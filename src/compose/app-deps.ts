import type { RecordingPauses } from "../ports/recording-pauses.ts";
import type { Logger } from "pino";
import type { BlobStore, VerifyFileToken } from "../ports/blob-store.ts";
import type { Repositories } from "../ports/database.ts";
import type { Passwords } from "../ports/passwords.ts";
import type { IntegrationStatus } from "../ports/integrations.ts";
import type { LiveEvents } from "../ports/live-events.ts";
import type { Transcriber } from "../ports/transcriber.ts";
import type { Extractor } from "../ports/extractor.ts";
import type { CompanyDetails } from "../domain/payments/invoice.ts";
import type { Checkout, PaymentWebhooks } from "../ports/payments.ts";
import type { InvoiceDocuments } from "../ports/invoices.ts";
import type { QuoteDocuments } from "../ports/quotes.ts";
import type { QuoteLinkSender } from "../ports/quote-messages.ts";
import type { TestCheckout } from "../adapters/local/test-checkout.ts";
import type { Call } from "../domain/calls.ts";
import type { TemplateConfig } from "../domain/messaging/outbox.ts";
import type { Messenger } from "../ports/messengers.ts";
import type { CallEndings } from "../domain/live-call/call-endings.ts";
import type { LoginLimits } from "../domain/login-limits.ts";
import type { VendorChecker } from "./vendor-checker.ts";
import type { CallLeaseKeeper } from "./call-lease-keeper.ts";
import type { Metrics, MetricsEndpoint } from "../ports/metrics.ts";
import type { CalendarFeedWriter } from "../adapters/ical/ical-feed.ts";
import type { MakeThumbnail } from "../adapters/whatsapp/thumbnails.ts";
import type { DashboardSource } from "../domain/dashboard/figures.ts";
import type { AssistantCallGate } from "../domain/assistant/call-consent.ts";
import type { VoiceWithFixedLines } from "../ports/voice-synthesiser.ts";
import type { OutboundCaller } from "../ports/outbound-caller.ts";
import type { Charts } from "../ports/charts.ts";
import type { Reports } from "../ports/reports.ts";
import type { VatStagger } from "../domain/reports/date-range.ts";

/** This process among the instances sharing one database. */
export interface InstanceState {
  /** Names the instance in call leases; fresh at every start. */
  readonly id: string;
  /** True from SIGTERM until exit: still serving, but no longer ready for new work. */
  draining: boolean;
}

/** Everything the web app needs from the world, built once by composeDeps (src/compose/index.ts). */
export interface AppDeps {
  repos: Repositories;
  blobStore: BlobStore;
  /** Checks the app's own signed download links; set when blobs live in a local folder. */
  verifyFileLink: VerifyFileToken | null;
  passwords: Passwords;
  logger: Logger;
  now: () => Date;
  randomId: () => string;
  settings: {
    companyName: string;
    publicBaseUrl: string;
    sessionIdleMinutes: number;
    /** A session ends this many hours after login, however busy. */
    sessionMaxHours: number;
    /** Set the Secure flag on cookies (the app is reached over https); the cookie is then `__Host-sb_session`. */
    secureCookies: boolean;
    /** Login attempts allowed per window before a pause, by what they are counted against. */
    loginLimits: LoginLimits;
    loginWindowMinutes: number;
    /** Proxies whose X-Forwarded-For is believed (TRUSTED_PROXY); none: the socket's peer is the client. */
    trustedProxies: string[];
    /** Comment lines on live streams keep idle connections open through Bun's and proxies' idle timeouts. */
    heartbeatMs: number;
  };
  /** Live changes (transcript lines, call status) fanned out to whoever watches. */
  liveEvents: LiveEvents;
  /** The dashboard's figures: a summary kept current by events (src/domain/dashboard/summary.ts), not read per load. */
  dashboard: DashboardSource;
  /** The report pages: their figures (kept briefly: src/domain/reports/kept-reports.ts), charts drawn on the server, the company's VAT quarters. */
  reports: { figures: Reports; charts: Charts; vatStagger: VatStagger };
  /** Media streams open and calls still being filed; shutdown waits for them before closing the database. */
  callEndings: CallEndings;
  /** This running instance: set draining on SIGTERM, so readiness answers 503 and the load balancer moves on. */
  instance: InstanceState;
  /** The leases on calls this instance streams, and the sweep (started by the server) that closes dead instances' calls. */
  callLeases: CallLeaseKeeper;
  /** Picks the live transcriber for a media stream; null when transcription is not configured. */
  transcription: { forStream(customParameters: Record<string, string>): Transcriber | null };
  twilio: {
    /** Checks Twilio's signatures. On the embedded default, a secret made locally (the simulator signs with it). */
    authToken: string;
    accountSid: string | null;
    /** Numbers a call is put through to; none = straight to voicemail. */
    staffNumbers: string[];
    /** True when no Twilio account is configured: calls come only from the simulator. */
    local: boolean;
    /** Pauses a call's recording while card details are read; null without Twilio's keys. */
    recordingPauses?: RecordingPauses | null;
  };
  /** Reading the caller's details from a call as it happens. */
  extraction: {
    extractor: Extractor;
    debounceMs: number;
    /** 15 s of speech between paid-model requests; 0 for the local rules. */
    minSpeechMsBetweenRuns: number;
  };
  /** WhatsApp and SMS: the messenger (durable outbox), webhook secrets, templates, missed calls. */
  messaging: {
    messenger: Messenger;
    whatsapp: {
      /** WHATSAPP_VERIFY_TOKEN for Meta's GET handshake; null = handshake refused. */
      verifyToken: string | null;
      /** WHATSAPP_APP_SECRET, or on the embedded default a secret made locally: X-Hub-Signature-256 is checked with it. */
      appSecret: string;
      /** False on the embedded default: the outbox shows messages and sends nothing. */
      live: boolean;
    };
    sms: { live: boolean; from: string | null };
    templates: TemplateConfig;
    videoRequestText: string;
    /** "openai:whisper-1", or null when voice notes are not transcribed. */
    voiceNotes: string | null;
    /** A call ended unanswered: dashboard follow-up and the once-a-day reply. Never throws. */
    missedCall(call: Pick<Call, "id" | "from" | "leadId" | "startedAt">): Promise<void>;
  };
  /** Durable background work (recording downloads…); poke after enqueuing to start it now. */
  backgroundTasks: { poke(): void };
  /** Quotes to cash: the company's details, checkout, payment webhooks, invoice PDFs, the quote-link sender. */
  quotesToCash: {
    company: CompanyDetails;
    /** Stripe Checkout, or the embedded test checkout. */
    checkout: Checkout;
    /** The embedded test checkout when no Stripe keys are set; null on Stripe. */
    testCheckout: TestCheckout | null;
    /** Verifies Stripe-Signature with STRIPE_WEBHOOK_SECRET (or the locally made secret) and translates events. */
    webhooks: PaymentWebhooks;
    documents: InvoiceDocuments;
    /** Sent quote versions as PDFs (the same renderer and worker as invoices). */
    quoteDocuments: QuoteDocuments;
    sender: QuoteLinkSender;
    /** The app's own outbox, which keeps quote messages and sends nothing even with keys set (demo data). */
    outbox: QuoteLinkSender;
    /** The largest quote total (and line) allowed, in pence. */
    maxAmountPence: number;
    /** A new quote's default validity, in days. */
    validDays: number;
  };
  /** Each configured vendor's key check: started by the server, read and re-run by the integrations page. */
  vendorChecks: VendorChecker;
  /** What the app counts and times (calls, frames, webhooks, viewers, vendor errors). */
  metrics: Metrics;
  /** GET /metrics: the scrape, behind METRICS_TOKEN. */
  metricsEndpoint: MetricsEndpoint;
  /** The engineer's side of the schedule: calendar feeds, and thumbnails of photos taken on site. */
  fieldWork: { calendarFeed: CalendarFeedWriter; makeThumbnail: MakeThumbnail };
  /** Each integration's state, for the integrations page. */
  integrations: () => Promise<IntegrationStatus[]>;
  /**
   * Whether the assistant may ring a number now (calling hours, once a London day, the opt-out
   * register), and where an opt-out is reported. The outbound call engine's only way in.
   */
  callConsent: AssistantCallGate;
  /**
   * The voice outbound calls speak with (src/compose/voice.ts): ElevenLabs with its keys, else the
   * offline voice (espeak-ng); `prepare` the fixed lines (the opening line) to have them play at once.
   */
  voice: VoiceWithFixedLines;
  /** Outbound calls with the spoken assistant (src/compose/assistant.ts). */
  assistant: {
    /** Twilio's REST API, or the call simulator answering as the customer on the embedded default. */
    caller: OutboundCaller;
    /** On the embedded default (no Twilio keys), the simulator that answers as the customer; null with Twilio. */
    simulator: AssistantSimulator | null;
    /** How long the assistant waits for an answer before asking again. */
    answerWaitMs: number;
    /** Told the time from each answer's end to the reply's first frame (the bench). */
    turnLatency?(ms: number): void;
  };
}

/** A reply the simulated customer gives after a prompt has played: a key, or words. */
export type CustomerReply = { digit: string } | { words: string };

/** The call simulator's side of assistant calls on the embedded default. */
export interface AssistantSimulator {
  /** Replies the customer of call `callId` will give, one after each prompt (before the call is placed). */
  plan(callId: string, replies: CustomerReply[]): void;
  /** The customer's words as a labelled demo transcript, for a call it answered; null otherwise. */
  demoTranscriber(callId: string): Transcriber | null;
  /** Staff keying in the customer's replies on a call still going; null when there is none. */
  customer(callId: string): { press(digit: string): void; say(words: string): void } | null;
}
