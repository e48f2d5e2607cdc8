import { sendVisitNotice, VISIT_NOTICE_TASK } from "../domain/scheduling/visit-notices.ts";
import { resolve } from "node:path";
import type { Logger } from "pino";
import { openDatabase } from "../adapters/db/open.ts";
import type { OpenDatabase } from "../adapters/db/database.ts";
import { createBunPasswords } from "../adapters/local/bun-passwords.ts";
import { limitPasswordWork } from "../adapters/local/limited-passwords.ts";
import { createInProcessLiveEvents } from "../adapters/local/in-process-live-events.ts";
import { startTaskRunner, type TaskHandlers, type TaskRunner } from "../adapters/local/task-runner.ts";
import { publicBaseUrl, type Config } from "../config.ts";
import { createCallEndings } from "../domain/live-call/call-endings.ts";
import { DEFAULT_LOGIN_LIMITS } from "../domain/login-limits.ts";
import { SHIPPED_FIXTURES_DIR } from "../fixtures.ts";
import type { AppDeps } from "./app-deps.ts";
import { chooseTranscription, loadDemoScripts, recordingTaskHandlers, twilioSettings } from "./calls.ts";
import { chooseExtractor, extractionSettings } from "./extraction.ts";
import { checkIntegrations, describeIntegrations } from "./integrations.ts";
import { chooseVoice } from "./voice.ts";
import { messagingAdaptersFor, templatesFrom, wireMessaging, type MessagingAdapters } from "./messaging.ts";
import { wireQuotesToCash } from "./quotes.ts";
import { randomToken, signingSecrets, type SigningSecrets } from "./secrets.ts";
import { makePrivateDataDir } from "./data-dir.ts";
import { countingMessagingErrors, wireMetrics } from "./metrics.ts";
import { countVendorErrors } from "../adapters/metrics/vendor-errors.ts";
import { chooseLiveEvents } from "./live-events.ts";
import { chooseBlobStore, type StorageChoice } from "./storage.ts";
import { createVendorChecker } from "./vendor-checker.ts";
import { wireCallLeases } from "./call-leases.ts";
import { wireDashboard } from "./dashboard.ts";
import { cacheSettings } from "./settings-cache.ts";
import { createEchartsSvgCharts } from "../adapters/charts/echarts-svg.ts";
import { keepReports } from "../domain/reports/kept-reports.ts";
import { DASHBOARD_CHANNEL } from "../domain/dashboard/channel.ts";
import { SCHEDULE_CHANNEL } from "../domain/scheduling/schedule-channel.ts";
import { INBOX_CHANNEL } from "../domain/messaging/live.ts";
import { cacheStaffSessions } from "./staff-session-cache.ts";
import { cacheTradeCalendars } from "./trade-calendars-cache.ts";
import { vendorChecksFor } from "./vendor-checks.ts";
import { twilioKeys } from "./vendor-keys.ts";
import { createIcalFeedWriter } from "../adapters/ical/ical-feed.ts";
import { createThumbnailWorker } from "../adapters/whatsapp/thumbnails.ts";
import { createVendorResilience, type VendorResilience } from "../adapters/resilience/vendor-policies.ts";
import { createAssistantCallGate } from "../domain/assistant/call-consent.ts";

import { wireAssistant } from "./assistant.ts";
export type { AppDeps } from "./app-deps.ts";
export { logIntegrations } from "./integrations.ts";
export type { SigningSecrets } from "./secrets.ts";
export type { StorageChoice } from "./storage.ts";
export type { MessagingAdapters } from "./messaging.ts";
export {
  localSecret,
  randomToken,
  STRIPE_LOCAL_SECRET_FILE,
  TWILIO_LOCAL_TOKEN_FILE,
  WHATSAPP_LOCAL_SECRET_FILE,
} from "./secrets.ts";

/**
 * Replaces parts of the composition: a test's clock, a quiet logger, fast password hashing, a
 * vendor adapter pointed at a loopback peer. The basics given here (clock, logger, blob store,
 * live events, extractor, Twilio settings, messaging vendors) are used by the wiring too, so the
 * job handlers see them; a whole section (`messaging`, `quotesToCash`) replaces only what the web
 * app sees.
 */
export type CompositionOverrides = Partial<AppDeps> & {
  /** Messaging vendors (loopback peers in tests); those not given come from the configuration. */
  messagingAdapters?: Partial<MessagingAdapters>;
  /** Each vendor's policy and pace (a test's, to share with the adapters it builds). */
  resilience?: VendorResilience;
};

/** What composeDeps opens or reads from disk before wiring; tests bring their own. */
export interface Resources {
  repos: OpenDatabase;
  storage: StorageChoice;
  secrets: SigningSecrets;
  logger: Logger;
}

/** The wired app, and the job handlers by area (tests run them with a runner of their own). */
export interface Wiring {
  deps: AppDeps;
  runner: TaskRunner;
  taskHandlers: { messaging: TaskHandlers; quotes: TaskHandlers; calls: TaskHandlers; scheduling: TaskHandlers };
}

/** Password hashes and checks running at once (argon2id: 64 MiB each); more wait their turn. */
const PASSWORD_CHECKS_AT_ONCE = 4;

/**
 * Builds every adapter the configuration asks for: opens the database and the blob store, reads
 * the local signing secrets, then wires. Shared by the server (src/main.ts), the command line
 * (src/cli.ts), the benchmarks and the tests, so all run on exactly the same wiring.
 */
export async function composeDeps(
  config: Config,
  logger: Logger,
  options: { runBackgroundTasks?: boolean; overrides?: Omit<CompositionOverrides, "backgroundTasks"> } = {},
): Promise<AppDeps & { backgroundTasks: TaskRunner }> {
  const dataDir = resolve(config.DATA_DIR);
  await makePrivateDataDir(dataDir);
  const opened = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir, logger });
  const given = options.overrides?.liveEvents;
  const { liveEvents, repos } = given
    ? { liveEvents: given, repos: opened }
    : await chooseLiveEvents(config, opened, logger);
  const storage = await chooseBlobStore(config, dataDir, publicBaseUrl(config));
  const secrets = await signingSecrets(config, dataDir);
  const overrides = { ...options.overrides, ...(liveEvents ? { liveEvents } : {}) };
  const { deps, runner } = wireDeps(config, { repos, storage, secrets, logger }, { ...options, overrides });
  // Not overridable here, so the web app pokes the very runner returned.
  return Object.assign(deps, { backgroundTasks: runner });
}

/**
 * Wires the app on resources already open: every "vendor keys present → vendor, else the
 * embedded default" choice and every job handler. Synchronous, so a test can build an app on
 * its own database in one line (tests/support/test-app.ts).
 */
export function wireDeps(
  config: Config,
  resources: Resources,
  options: { runBackgroundTasks?: boolean; overrides?: CompositionOverrides } = {},
): Wiring {
  const { messagingAdapters, passwords, resilience: givenResilience, ...replaced } = options.overrides ?? {};
  const { repos, secrets } = resources;
  const logger = replaced.logger ?? resources.logger;
  const now = replaced.now ?? (() => new Date());
  const monitoring = wireMetrics(config, { repos, log: logger });
  const metrics = replaced.metrics ?? monitoring.metrics;
  const { storage } = resources;
  const blobStore =
    replaced.blobStore ??
    (storage.vendor ? countVendorErrors(storage.blobStore, storage.vendor, metrics) : storage.blobStore);
  const liveEvents = replaced.liveEvents ?? createInProcessLiveEvents();
  // This instance's id (fresh at each start): the owner of its job claims and call leases, and
  // the sender the dashboard's summary ignores in its own events.
  const instanceId = crypto.randomUUID();
  // Before anything else holds the repositories' methods: it watches their writes in place.
  const dashboard = wireDashboard({ repos, liveEvents, instanceId, now, log: logger });
  cacheSettings({ repos, liveEvents, now: () => performance.now() });
  // Report figures are kept a minute at most, and dropped at once when the dashboard hears of a
  // change to calls, leads, jobs, quotes, payments, visits or messages (on any instance).
  const reportFigures = keepReports(repos.reports, now);
  liveEvents.subscribe(DASHBOARD_CHANNEL, null, () => reportFigures.forget());
  // Visits and messages (a missed call texted back) are announced on their own channels.
  liveEvents.subscribe(SCHEDULE_CHANNEL, null, () => reportFigures.forget());
  liveEvents.subscribe(INBOX_CHANNEL, null, () => reportFigures.forget());
  // Likewise in place: login sessions kept per instance, forgotten on the staff-sessions channel.
  cacheStaffSessions({ repos, liveEvents });
  // And the slot finder's reads, forgotten on any visit change (the `schedule` channel).
  cacheTradeCalendars({ repos, liveEvents });
  // One policy and pace per vendor, shared by all its adapters; the integrations page shows the circuits.
  const resilience = givenResilience ?? createVendorResilience({ now });
  const twilio = replaced.twilio ?? twilioSettings(config, secrets.twilioAuthToken, resilience.policy("Twilio"));
  const extractor =
    replaced.extraction?.extractor ??
    chooseExtractor({ openai: config.OPENAI_API_KEY }, logger, resilience.policy("OpenAI"));

  const baseUrl = publicBaseUrl(config);
  // Read through deps: main.ts learns the real address only once the server listens (PORT=0).
  const currentBaseUrl = () => deps.settings.publicBaseUrl;

  const messaging = wireMessaging({
    repos,
    blobStore,
    liveEvents,
    log: logger,
    now,
    extractor,
    adapters: countingMessagingErrors({ ...messagingAdaptersFor(config, resilience), ...messagingAdapters }, metrics),
    templates: templatesFrom(config),
    whatsappVerifyToken: config.WHATSAPP_VERIFY_TOKEN ?? null,
    // On the embedded default, deliveries are signed with a locally made secret (as Twilio's are).
    whatsappAppSecret: secrets.whatsappAppSecret,
    whatsappSecretIsLocal: !config.WHATSAPP_APP_SECRET,
    smsFrom: config.TWILIO_PHONE_NUMBER ?? null,
    companyName: config.COMPANY_NAME,
    missedCallReply: { channel: config.MISSED_CALL_REPLY_CHANNEL, text: config.MISSED_CALL_REPLY_TEXT },
    videoRequestText: config.VIDEO_REQUEST_TEXT,
    publicBaseUrl: currentBaseUrl,
    poke: () => deps.backgroundTasks.poke(),
  });
  const quotesToCash = wireQuotesToCash({
    config,
    repos,
    blobStore,
    log: logger,
    now,
    localWebhookSecret: secrets.stripeLocalSecret,
    publicBaseUrl: currentBaseUrl,
    messaging: { messenger: messaging.deps.messenger, live: messaging.deps.sms.live || messaging.deps.whatsapp.live },
    resilience,
  });
  const taskHandlers = {
    calls: recordingTaskHandlers({
      calls: repos.calls,
      blobStore,
      twilio,
      policy: resilience.policy("Twilio"),
      metrics,
      alsoAllow: twilioKeys(config)?.alsoAllow,
    }),
    quotes: quotesToCash.taskHandlers,
    messaging: messaging.taskHandlers,
    scheduling: {
      [VISIT_NOTICE_TASK]: sendVisitNotice({
        appointments: repos.appointments,
        issues: repos.issues,
        leads: repos.leads,
        messenger: messaging.deps.messenger,
        companyName: config.COMPANY_NAME,
        publicBaseUrl: currentBaseUrl,
        log: logger,
      }),
    } satisfies TaskHandlers,
  };
  const runner = startTaskRunner(
    { tasks: repos.tasks, log: logger, now },
    { ...taskHandlers.calls, ...taskHandlers.quotes, ...taskHandlers.messaging, ...taskHandlers.scheduling },
    { autoStart: options.runBackgroundTasks ?? false, owner: instanceId },
  );
  // Started by the server (src/main.ts), so commands and tests make no calls to vendors.
  const vendorChecks =
    replaced.vendorChecks ?? createVendorChecker({ checks: vendorChecksFor(config), log: logger, now });
  const voice = chooseVoice(config, { policy: resilience.policy("ElevenLabs"), log: logger, metrics });
  const described = describeIntegrations(config, repos.kind, resources.storage.detail, voice);
  const integrations = checkIntegrations(described, {
    ping: () => repos.ping(),
    blobStore,
    keyChecks: vendorChecks,
    circuits: () => resilience.circuits(),
  });

  const deps: AppDeps = {
    repos,
    blobStore,
    backgroundTasks: runner,
    // Limited here, around whichever hashing is used, so a test's cheaper hashing is limited too.
    passwords: limitPasswordWork(passwords ?? createBunPasswords(), PASSWORD_CHECKS_AT_ONCE),
    logger,
    now,
    randomId: randomToken,
    settings: {
      companyName: config.COMPANY_NAME,
      publicBaseUrl: baseUrl,
      sessionIdleMinutes: config.SESSION_IDLE_MINUTES,
      sessionMaxHours: config.SESSION_MAX_HOURS,
      secureCookies: baseUrl.startsWith("https://"),
      loginLimits: DEFAULT_LOGIN_LIMITS,
      loginWindowMinutes: 15,
      trustedProxies: config.TRUSTED_PROXY,
      heartbeatMs: 15_000,
    },
    integrations: () => integrations().then(messaging.annotateIntegrations),
    vendorChecks,
    verifyFileLink: resources.storage.verifyFileLink,
    quotesToCash: quotesToCash.deps,
    liveEvents,
    messaging: messaging.deps,
    extraction: extractionSettings(extractor, { openai: config.OPENAI_API_KEY }),
    transcription: chooseTranscription(
      {
        wisprflow: config.WISPRFLOW_API_KEY,
        deepgram: config.DEEPGRAM_API_KEY,
        wisprflowUrl: config.WISPRFLOW_API_URL,
        deepgramUrl: config.DEEPGRAM_API_URL,
      },
      loadDemoScripts(SHIPPED_FIXTURES_DIR),
      logger,
      metrics,
    ),
    callEndings: createCallEndings(),
    dashboard,
    reports: { figures: reportFigures, charts: createEchartsSvgCharts(), vatStagger: config.VAT_STAGGER },
    instance: { id: instanceId, draining: false },
    callLeases: wireCallLeases(config, {
      repos,
      extractor,
      liveEvents,
      logger,
      now,
      owner: instanceId,
      missedCall: messaging.deps.missedCall,
    }),
    twilio,
    metrics,
    metricsEndpoint: monitoring.endpoint,
    // Thumbnails on a worker thread of their own (started on first use), as WhatsApp photos' are.
    fieldWork: { calendarFeed: createIcalFeedWriter(), makeThumbnail: createThumbnailWorker() },
    callConsent: createAssistantCallGate({ register: repos.callConsent, log: logger, now }),
    voice: voice.voice,
    assistant: wireAssistant(config, {
      logger,
      authToken: twilio.authToken,
      policy: resilience.policy("Twilio"),
      audit: repos.audit,
    }),
    ...replaced,
  };
  return { deps, runner, taskHandlers };
}
