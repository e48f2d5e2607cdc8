import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { Logger } from "pino";
import { openDatabase } from "./adapters/db/open.ts";
import { createBunPasswords } from "./adapters/local/bun-passwords.ts";
import { createFolderBlobStore } from "./adapters/local/folder-blob-store.ts";
import { createS3BlobStore } from "./adapters/s3/s3-blob-store.ts";
import { publicBaseUrl, s3Configured, type Config } from "./config.ts";
import type { AppDeps } from "./http/deps.ts";
import type { VerifyFileToken } from "./http/files.ts";
import { describeIntegrations, type IntegrationStatus } from "./integrations.ts";
import type { BlobStore } from "./ports/blob-store.ts";
import { createInProcessLiveEvents } from "./adapters/local/in-process-live-events.ts";
import { chooseExtractor } from "./adapters/extraction.ts";
import { chooseTranscription, loadDemoScripts } from "./adapters/transcription/choose-transcriber.ts";
import { startJobRunner, type JobRunner } from "./adapters/local/job-runner.ts";
import { createTwilioRecordingFetcher } from "./adapters/twilio/recording-fetcher.ts";
import { downloadRecording, RECORDING_JOB } from "./domain/live-call/recordings.ts";
import { createCallEndings } from "./domain/live-call/call-endings.ts";
import { STRIPE_LOCAL_SECRET_FILE, wireQuotesToCash } from "./adapters/quotes-to-cash.ts";
import { messagingAdaptersFor, templatesFrom, wireMessaging } from "./adapters/whatsapp/messaging.ts";

/** The scripted calls shipped with the app, for the call simulator. */
export const FIXTURES_DIR = join(import.meta.dir, "..", "fixtures", "calls");

/**
 * Builds every adapter the configuration asks for. Shared by the server (src/main.ts)
 * and the command line (src/cli.ts), so both run on exactly the same wiring.
 */
export async function composeDeps(
  config: Config,
  logger: Logger,
  options: { runBackgroundJobs?: boolean } = {},
): Promise<AppDeps & { backgroundJobs: JobRunner }> {
  const dataDir = resolve(config.DATA_DIR);
  await mkdir(dataDir, { recursive: true });
  const repos = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir, logger });
  const baseUrl = publicBaseUrl(config);

  let blobStore: BlobStore;
  let verifyFileLink: VerifyFileToken | null = null;
  if (s3Configured(config)) {
    blobStore = createS3BlobStore({
      bucket: config.AWS_S3_BUCKET!,
      region: config.AWS_REGION,
      accessKeyId: config.AWS_ACCESS_KEY_ID!,
      secretAccessKey: config.AWS_SECRET_ACCESS_KEY!,
      endpoint: config.S3_ENDPOINT,
    });
  } else {
    const folder = createFolderBlobStore({
      dir: join(dataDir, "blobs"),
      signingSecret: await localSecret(dataDir, "link-signing.key"),
      publicBaseUrl: baseUrl,
    });
    blobStore = folder;
    verifyFileLink = folder.verifyLink;
  }

  const transcription = chooseTranscription(
    { wisprflow: config.WISPRFLOW_API_KEY, deepgram: config.DEEPGRAM_API_KEY },
    loadDemoScripts(FIXTURES_DIR),
    logger,
  );
  const extractor = chooseExtractor({ openai: config.OPENAI_API_KEY }, logger);
  const twilioLocal = !(config.TWILIO_ACCOUNT_SID && config.TWILIO_AUTH_TOKEN);

  const described = describeIntegrations(
    config,
    repos.kind,
    blobStore.kind === "s3" ? `S3 bucket ${config.AWS_S3_BUCKET}` : `Folder ${join(dataDir, "blobs")}`,
  );

  const integrations = async (): Promise<IntegrationStatus[]> => {
    const [database, storage] = await Promise.all([
      repos.ping().then(
        () => ({ state: "ok" as const }),
        (error: unknown) => ({ state: "failing" as const, error: error instanceof Error ? error.message : String(error) }),
      ),
      blobStore.check().then((r) => (r.ok ? { state: "ok" as const } : { state: "failing" as const, error: r.error })),
    ]);
    return described.map((d) => ({
      ...d,
      health: d.name === "Database" ? database : d.name === "Storage" ? storage : { state: "not_checked" as const, why: d.mode === "vendor" ? "Keys present; no live check yet" : "Nothing to check" },
    }));
  };

  const twilioAuthToken = config.TWILIO_AUTH_TOKEN ?? (await localSecret(dataDir, TWILIO_LOCAL_TOKEN_FILE));
  const now = () => new Date();
  const liveEvents = createInProcessLiveEvents();
  const settings = {
    companyName: config.COMPANY_NAME,
    publicBaseUrl: baseUrl,
    sessionIdleMinutes: config.SESSION_IDLE_MINUTES,
    secureCookies: baseUrl.startsWith("https://"),
    loginAttemptsPerWindow: 5,
    loginWindowMinutes: 15,
    heartbeatMs: 15_000,
  };
  const messaging = wireMessaging({
    repos,
    blobStore,
    liveEvents,
    log: logger,
    now,
    extractor,
    adapters: messagingAdaptersFor(config),
    templates: templatesFrom(config),
    whatsappVerifyToken: config.WHATSAPP_VERIFY_TOKEN ?? null,
    // On the embedded default, deliveries are signed with a locally made secret (as Twilio's are).
    whatsappAppSecret: config.WHATSAPP_APP_SECRET ?? (await localSecret(dataDir, WHATSAPP_LOCAL_SECRET_FILE)),
    whatsappSecretIsLocal: !config.WHATSAPP_APP_SECRET,
    smsFrom: config.TWILIO_PHONE_NUMBER ?? null,
    companyName: config.COMPANY_NAME,
    missedCallReply: { channel: config.MISSED_CALL_REPLY_CHANNEL, text: config.MISSED_CALL_REPLY_TEXT },
    videoRequestText: config.VIDEO_REQUEST_TEXT,
    publicBaseUrl: () => settings.publicBaseUrl,
    poke: () => backgroundJobs.poke(),
  });
  const quotesToCash = wireQuotesToCash({
    config,
    repos,
    blobStore,
    log: logger,
    now,
    localWebhookSecret: await localSecret(dataDir, STRIPE_LOCAL_SECRET_FILE),
    publicBaseUrl: () => settings.publicBaseUrl,
    messaging: { messenger: messaging.deps.messenger, live: messaging.deps.sms.live || messaging.deps.whatsapp.live },
  });
  const backgroundJobs = startJobRunner(
    { jobs: repos.jobs, log: logger, now },
    {
      [RECORDING_JOB]: downloadRecording({
        calls: repos.calls,
        blobStore,
        fetchRecording: createTwilioRecordingFetcher({ accountSid: config.TWILIO_ACCOUNT_SID ?? "local", authToken: twilioAuthToken }),
      }),
      ...quotesToCash.jobHandlers,
      ...messaging.jobHandlers,
    },
    { autoStart: options.runBackgroundJobs ?? false },
  );

  return {
    repos,
    blobStore,
    backgroundJobs,
    passwords: createBunPasswords(),
    logger,
    now,
    randomId: randomToken,
    settings,
    integrations: () => integrations().then(messaging.annotateIntegrations),
    verifyFileLink,
    quotesToCash: quotesToCash.deps,
    liveEvents,
    messaging: messaging.deps,
    extraction: {
      extractor,
      debounceMs: 800,
      minSpeechMsBetweenRuns: config.OPENAI_API_KEY ? 15_000 : 0,
    },
    transcription,
    callEndings: createCallEndings(),
    twilio: {
      authToken: twilioAuthToken,
      accountSid: config.TWILIO_ACCOUNT_SID ?? null,
      staffNumbers: config.STAFF_PHONE_NUMBERS,
      local: twilioLocal,
    },
  };
}

/** 256 random bits, base64url: session ids, CSRF tokens. */
export function randomToken(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64url");
}

/** On the embedded default, webhooks are signed with this locally made token (the simulator reads it). */
export const TWILIO_LOCAL_TOKEN_FILE = "twilio-local-auth-token";
/** Likewise the app secret WhatsApp deliveries are signed with when WHATSAPP_APP_SECRET is unset. */
export const WHATSAPP_LOCAL_SECRET_FILE = "whatsapp-local-app-secret";

/** A secret kept in the data folder, made on first start, so signed links survive restarts. */
export async function localSecret(dataDir: string, name: string): Promise<string> {
  const dir = join(dataDir, "secrets");
  const path = join(dir, name);
  try {
    return (await readFile(path, "utf8")).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const secret = randomToken();
    await writeFile(path, secret, { mode: 0o600, flag: "wx" }).catch(async (e: NodeJS.ErrnoException) => {
      if (e.code !== "EEXIST") throw e;
    });
    return (await readFile(path, "utf8")).trim();
  }
}

/** One line per integration at start-up: vendor or embedded default, and its check where it has one. */
export async function logIntegrations(logger: Logger, deps: Pick<AppDeps, "integrations">): Promise<void> {
  const modes = { vendor: "vendor", embedded: "embedded default", off: "off" } as const;
  for (const i of await deps.integrations()) {
    const health = i.health.state === "failing" ? ` (FAILING: ${i.health.error})` : i.health.state === "ok" ? " (working)" : "";
    const line = `[${i.name}] ${modes[i.mode]}: ${i.detail}${health}`;
    if (i.health.state === "failing") logger.warn({ integration: i.name, mode: i.mode }, line);
    else logger.info({ integration: i.name, mode: i.mode }, line);
  }
}
