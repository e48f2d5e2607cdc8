/**
 * The composition root: reads the environment once, picks an adapter for every port,
 * and starts Bun.serve. Nothing else in the app reads process.env.
 */
import { websocket } from "./http/bun-websocket.ts";
import { privateFilesFromNowOn } from "./compose/data-dir.ts";
import { composeDeps, logIntegrations } from "./compose/index.ts";
import { parseConfig } from "./config.ts";
import { createApp } from "./http/app.ts";
import { QUOTE_VIDEO_MAX_BODY_BYTES } from "./http/middleware/body-limit.ts";
import { createLogger } from "./logger.ts";

const parsed = parseConfig(process.env);
if (!parsed.ok) {
  console.error(parsed.error);
  process.exit(1);
}
const config = parsed.config;
const logger = createLogger({
  level: config.LOG_LEVEL,
  pretty: config.NODE_ENV !== "production" && process.stdout.isTTY === true,
});

privateFilesFromNowOn();
let deps: Awaited<ReturnType<typeof composeDeps>>;
try {
  deps = await composeDeps(config, logger, { runBackgroundTasks: true });
} catch (error) {
  console.error(`Switchboard cannot start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}

await logIntegrations(logger, deps);
const app = createApp(deps);
const server = Bun.serve({
  port: config.PORT,
  hostname: config.HOST,
  fetch: app.fetch,
  websocket,
  // Server-sent events hold connections open; they send heartbeats well inside this.
  idleTimeout: 60,
  // The largest body any route takes; each route's own lower limit is in boundedBodies.
  maxRequestBodySize: QUOTE_VIDEO_MAX_BODY_BYTES,
});
// With PORT=0 the port is only known now; the public address (signatures, links) must use it.
if (!config.PUBLIC_BASE_URL) deps.settings.publicBaseUrl = `http://localhost:${server.port}`;
logger.info({ port: server.port }, `Switchboard is running at http://localhost:${server.port}`);
// Each configured vendor's key is tried in the background: start-up never waits on a vendor.
deps.vendorChecks.start();
// Renews the leases on this instance's calls, and closes calls whose instance died.
deps.callLeases.start();
// Loads ElevenLabs' SDK now, when it is the voice, not on the first outbound call: its import
// takes 1.5 s or more on this thread, a stall live calls would feel. (The offline voice loads on
// a thread of its own when first needed.)
void deps.voice.prepare([]);

/** How long shutdown waits for calls still being filed. */
const CALL_ENDINGS_GRACE_MS = 10_000;
/** How long shutdown waits for running jobs (a send, a download) before letting them go. */
const JOBS_GRACE_MS = 10_000;

let stopping = false;
async function shutDown(signal: string) {
  if (stopping) return;
  stopping = true;
  logger.info({ signal, drainSeconds: config.SHUTDOWN_DRAIN_SECONDS }, "shutting down: draining");
  deps.vendorChecks.stop();
  // Still serving, but /ready now answers 503: the load balancer sends new calls and pages to
  // another instance, and live calls and streams carry on meanwhile.
  deps.instance.draining = true;
  await Bun.sleep(config.SHUTDOWN_DRAIN_SECONDS * 1000);
  // Let requests in flight finish, but do not wait on idle keep-alive connections for long.
  // Forcing closes open media streams too: their calls end here.
  await Promise.race([server.stop(), Bun.sleep(3000).then(() => server.stop(true))]);
  // A call that just ended is still storing its last lines and filing its lead and job: that
  // needs the database, so wait for it (bounded: a stuck vendor must not hold shutdown).
  const unfinished = await deps.callEndings.drain(CALL_ENDINGS_GRACE_MS);
  if (unfinished > 0) logger.warn({ unfinished }, "shutting down before every ended call was filed");
  await deps.callLeases.stop();
  // Running jobs get a moment to finish; any still running are let go of for another instance.
  await deps.backgroundTasks.stop({ graceMs: JOBS_GRACE_MS });
  await deps.repos.close();
  process.exit(0);
}
process.on("SIGINT", () => void shutDown("SIGINT"));
process.on("SIGTERM", () => void shutDown("SIGTERM"));
