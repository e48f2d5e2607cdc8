import type { Logger } from "pino";
import { redactUrl, unavailable } from "../adapters/db/connection-errors.ts";
import { createPostgresLiveEvents } from "../adapters/db/postgres-live-events.ts";
import type { OpenDatabase } from "../adapters/db/database.ts";
import type { Config } from "../config.ts";
import type { LiveEvents } from "../ports/live-events.ts";

/**
 * On PostgreSQL, live events go through LISTEN/NOTIFY so every instance on the database sees
 * every call; on PGlite (one process owns it) they stay in process (null: the default). The
 * returned database closes the LISTEN connection with itself, so whoever closes one closes both.
 */
export async function chooseLiveEvents(
  config: Config,
  repos: OpenDatabase,
  logger: Logger,
): Promise<{ liveEvents: LiveEvents | null; repos: OpenDatabase }> {
  if (!config.DATABASE_URL) return { liveEvents: null, repos };
  const listenUrl = config.DATABASE_URL_DIRECT ?? directNeonUrl(config.DATABASE_URL);
  const liveEvents = createPostgresLiveEvents({ databaseUrl: config.DATABASE_URL, listenUrl, log: logger });
  // Listening before serving: a page rendered here must not miss what another instance publishes.
  try {
    await liveEvents.ready;
  } catch (error) {
    await liveEvents.close().catch(() => {});
    const variable = config.DATABASE_URL_DIRECT ? "DATABASE_URL_DIRECT" : "DATABASE_URL";
    throw unavailable(`LISTEN for live events on ${redactUrl(listenUrl)}, from ${variable}`, error);
  }
  const closeDatabase = repos.close.bind(repos);
  let closing: Promise<void> | undefined;
  const close = () => (closing ??= liveEvents.close().finally(closeDatabase));
  return { liveEvents, repos: Object.assign(repos, { close }) };
}

/**
 * A Neon pooled URL's direct twin (the endpoint's host without "-pooler", as Neon names them):
 * LISTEN through the pooler is accepted but hears nothing. Any other URL is returned as it is.
 * @example directNeonUrl("postgres://u:p@ep-x-1-pooler.eu-west-2.aws.neon.tech/db") // …@ep-x-1.eu-west-2.aws.neon.tech/db
 */
export function directNeonUrl(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  if (!url.hostname.endsWith(".neon.tech")) return databaseUrl;
  const [endpoint, ...rest] = url.hostname.split(".");
  if (!endpoint?.endsWith("-pooler")) return databaseUrl;
  url.hostname = [endpoint.slice(0, -"-pooler".length), ...rest].join(".");
  return url.toString();
}
