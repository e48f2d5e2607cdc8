import type { Logger } from "pino";
import { composeDeps } from "../../src/compose/index.ts";
import { parseConfig } from "../../src/config.ts";
import { createApp } from "../../src/http/app.ts";

/**
 * Switchboard as the server composes it, on `databaseUrl`, listening on a loopback port (which
 * answers 503 until the app is composed, so PUBLIC_BASE_URL can name the real port).
 * @example const served = await serveApp({ databaseUrl, dataDir, logger }); … await served.stop();
 */
export async function serveApp(options: { databaseUrl: string; dataDir: string; logger: Logger }) {
  const listener = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch: () => new Response("starting", { status: 503 }),
  });
  const baseUrl = `http://127.0.0.1:${listener.port}`;
  const parsed = parseConfig({
    NODE_ENV: "production",
    DATA_DIR: options.dataDir,
    DATABASE_URL: options.databaseUrl,
    PORT: String(listener.port),
    PUBLIC_BASE_URL: baseUrl,
    LOG_LEVEL: "warn",
  });
  if (!parsed.ok) throw new Error(parsed.error);
  const deps = await composeDeps(parsed.config, options.logger);
  const app = createApp(deps);
  listener.reload({ fetch: (request, bun) => app.fetch(request, bun) });
  return {
    baseUrl,
    deps,
    async stop() {
      listener.stop(true);
      await deps.repos.close();
    },
  };
}
