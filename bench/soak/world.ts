/**
 * Everything the soak runs against, on loopback only: one real PostgreSQL, an S3-compatible
 * server, the vendor peers (Deepgram, OpenAI, Twilio, Meta, Stripe) from tests/support, and two
 * Switchboard instances as real processes (`bun src/main.ts`, what `npm start` runs) sharing them.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import { EXTRACTION_FIELDS } from "../../src/domain/extraction/extraction.ts";
import { runCli, startServer, type RunningServer } from "../../tests/support/browser.ts";
import { startDeepgramPeer, type DeepgramPeer } from "../../tests/support/deepgram-peer.ts";
import {
  PEER_ACCESS_TOKEN,
  PEER_PHONE_NUMBER_ID,
  startMetaPeer,
  type MetaPeer,
} from "../../tests/support/meta-peer.ts";
import {
  apiError,
  chatCompletion,
  startOpenAIPeer,
  transcription,
  type OpenAIPeer,
  type PeerReply,
} from "../../tests/support/openai-peer.ts";
import { startPostgres, type TestPostgres } from "../../tests/support/postgres.ts";
import { startS3Server, type TestS3Server } from "../../tests/support/s3-server.ts";
import { startStripePeer, type StripePeer } from "../../tests/support/stripe-peer.ts";
import { startTwilioApiPeer, type TwilioPeer } from "../../tests/support/twilio-api-peer.ts";

export const ACCOUNT_SID = `AC${"50a6".repeat(8)}`;
export const AUTH_TOKEN = "soak-twilio-auth-token";
export const APP_SECRET = "soak-whatsapp-app-secret";
export const STRIPE_WEBHOOK_SECRET = "whsec_soak_webhook_secret";
export const STAFF = { email: "soak@handy.example", password: "soak test password" };
/** How long a live call's lease lasts here: short, so a killed instance's calls close within the run. */
export const LEASE_SECONDS = 10;

/** One Switchboard instance: its name, its data folder and the process now running (replaced on restart). */
export interface Instance {
  name: string;
  dataDir: string;
  server: RunningServer;
  /** When the process now running started (performance.now()). */
  startedAt: number;
  alive: boolean;
  /** What the processes before this one wrote (kept across a restart). */
  pastOutput: string;
}

export interface SoakWorld {
  pg: TestPostgres;
  databaseUrl: string;
  /** The soak's own connection, for counting at the end (and waiting for the drain). */
  sql: postgres.Sql;
  s3: TestS3Server;
  deepgram: DeepgramPeer;
  openai: OpenAIPeer;
  /** While true the OpenAI peer answers every request with a 500. */
  openaiFailing: { on: boolean; refused: number };
  twilio: TwilioPeer;
  meta: MetaPeer;
  stripe: StripePeer;
  instances: Instance[];
  /** SIGKILLs the instance, as a lost machine dies. */
  kill(instance: Instance): Promise<void>;
  /** Starts the instance again on its data folder (a new port). */
  restart(instance: Instance): Promise<void>;
  close(): Promise<void>;
}

/** What gpt-4o-mini answers for an extraction, in the schema's shape (the peer recognises nothing). */
const extractionAnswer = {
  name: "Sarah Jones",
  organisation: null,
  phone: null,
  address: "12 Baker Street, London",
  postcode: "NW1 6XE",
  urgency: "urgent",
  category: "plumbing",
  summary: "Leak reported during the soak",
  accessNotes: null,
  segment: "tenant",
  confidence: Object.fromEntries(EXTRACTION_FIELDS.map((field) => [field, 0.9])),
};

/** Words the Deepgram peer releases, one every 400 ms of audio; a final every six. */
const WORDS = "the boiler is leaking water through the kitchen ceiling at twelve baker street".split(" ");

function instanceEnv(world: {
  databaseUrl: string;
  s3: TestS3Server;
  deepgram: DeepgramPeer;
  openai: OpenAIPeer;
  twilio: TwilioPeer;
  meta: MetaPeer;
  stripe: StripePeer;
}): Record<string, string> {
  return {
    DATABASE_URL: world.databaseUrl,
    CALL_LEASE_SECONDS: String(LEASE_SECONDS),
    COMPANY_NAME: "Handy Services",
    TWILIO_ACCOUNT_SID: ACCOUNT_SID,
    TWILIO_AUTH_TOKEN: AUTH_TOKEN,
    TWILIO_PHONE_NUMBER: "+442079460999",
    TWILIO_API_BASE_URL: world.twilio.baseUrl,
    STRIPE_SECRET_KEY: "sk_test_soak",
    STRIPE_WEBHOOK_SECRET,
    STRIPE_API_BASE_URL: `http://127.0.0.1:${world.stripe.port}`,
    WHATSAPP_ACCESS_TOKEN: PEER_ACCESS_TOKEN,
    WHATSAPP_PHONE_NUMBER_ID: PEER_PHONE_NUMBER_ID,
    WHATSAPP_APP_SECRET: APP_SECRET,
    WHATSAPP_VERIFY_TOKEN: "soak-verify",
    WHATSAPP_API_BASE_URL: world.meta.baseUrl,
    OPENAI_API_KEY: "sk-soak",
    OPENAI_BASE_URL: world.openai.baseURL,
    DEEPGRAM_API_KEY: "soak-deepgram-key",
    DEEPGRAM_API_URL: world.deepgram.url,
    AWS_ACCESS_KEY_ID: "S3RVER",
    AWS_SECRET_ACCESS_KEY: "S3RVER",
    AWS_S3_BUCKET: world.s3.bucket,
    S3_ENDPOINT: world.s3.endpoint,
  };
}

export async function startWorld(log: (line: string) => void): Promise<SoakWorld> {
  const pg = await startPostgres();
  const databaseUrl = await pg.createDatabase("soak");
  const s3 = await startS3Server("switchboard-soak");
  const deepgram = startDeepgramPeer({ apiKey: "soak-deepgram-key", words: WORDS, msPerWord: 400, wordsPerFinal: 6 });
  const openaiFailing = { on: false, refused: 0 };
  const openai = await startOpenAIPeer({
    apiKey: "sk-soak",
    keepRequests: false,
    otherwise: (request): PeerReply => {
      if (openaiFailing.on) {
        openaiFailing.refused++;
        return apiError(500, "The server had an error while processing your request.");
      }
      return request.path === "/v1/audio/transcriptions"
        ? transcription("The tap in the bathroom is dripping")
        : chatCompletion(extractionAnswer);
    },
  });
  const twilio = await startTwilioApiPeer({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN });
  const meta = await startMetaPeer();
  const stripe = startStripePeer({ apiKey: "sk_test_soak" });
  const sql = postgres(databaseUrl, { max: 2, onnotice: () => {} });
  const env = instanceEnv({ databaseUrl, s3, deepgram, openai, twilio, meta, stripe });

  const instances: Instance[] = [];
  const launch = async (instance: Instance) => {
    instance.server = await startServer({ ...env, DATA_DIR: instance.dataDir }, 120_000);
    instance.startedAt = performance.now();
    instance.alive = true;
    log(`instance ${instance.name} listening at ${instance.server.url} (pid ${instance.server.pid})`);
  };
  for (const name of ["A", "B"]) {
    const dataDir = mkdtempSync(join(tmpdir(), `sb-soak-${name}-`));
    const instance = { name, dataDir, alive: false, pastOutput: "" } as Instance;
    // One after the other: the first applies the migrations (the second would wait on the lock anyway).
    await launch(instance);
    instances.push(instance);
  }
  const added = await runCli(
    ["user", "add", STAFF.email, "--password", STAFF.password, "--role", "admin"],
    { ...env, DATA_DIR: instances[0]!.dataDir },
    60_000,
  );
  if (added.code !== 0) throw new Error(`user add failed (${added.code}):\n${added.stdout}${added.stderr}`);

  return {
    pg,
    databaseUrl,
    sql,
    s3,
    deepgram,
    openai,
    openaiFailing,
    twilio,
    meta,
    stripe,
    instances,
    async kill(instance) {
      instance.alive = false;
      instance.server.kill("SIGKILL");
      await instance.server.exited;
      instance.pastOutput += instance.server.output();
    },
    restart: launch,
    async close() {
      await Promise.all(instances.map((instance) => instance.server.stop()));
      await sql.end({ timeout: 5 });
      deepgram.kill();
      await Promise.all([openai.close(), twilio.close(), meta.close(), stripe.stop(), s3.stop()]);
      await pg.stop();
      for (const instance of instances) rmSync(instance.dataDir, { recursive: true, force: true });
    },
  };
}
