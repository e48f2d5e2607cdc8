/**
 * Switchboard as `npm start` wires it (composeDeps on a temporary DATA_DIR, the embedded
 * defaults), served by Bun.serve on a loopback port inside the test process: HTTP and
 * WebSockets go over real sockets, and the test can still read the repositories and the logs.
 * For the real entry point as a child process, see startServer in ./browser.ts.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { websocket } from "../../src/http/bun-websocket.ts";
import pino from "pino";
import { composeDeps } from "../../src/compose/index.ts";
import { parseConfig } from "../../src/config.ts";
import { createApp } from "../../src/http/app.ts";
import type { AppDeps } from "../../src/compose/index.ts";
import { pgliteFolderFromTemplate } from "./test-db.ts";

/** One pino line, parsed. */
export type LogLine = { level: number; msg: string } & Record<string, unknown>;

export interface LiveServer {
  /** http://127.0.0.1:PORT, also the server's PUBLIC_BASE_URL (what Twilio signatures cover). */
  baseUrl: string;
  dataDir: string;
  deps: AppDeps;
  /** Everything the server has logged, at debug and above. */
  logs: LogLine[];
  stop(): Promise<void>;
}

/**
 * Starts the app on 127.0.0.1 and an ephemeral port. The port is known before the deps are
 * composed, so PUBLIC_BASE_URL is the real address (PORT=0 would make it http://localhost:0).
 * `env` adds configuration, as the environment would.
 */
export async function startLiveServer(env: Record<string, string> = {}): Promise<LiveServer> {
  const dataDir = mkdtempSync(join(tmpdir(), "sb-e2e-"));
  await pgliteFolderFromTemplate(dataDir);
  let app: ReturnType<typeof createApp> | null = null;
  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    fetch: (request, bun) => (app ? app.fetch(request, bun) : new Response("Starting", { status: 503 })),
    websocket,
    idleTimeout: 60,
  });
  const baseUrl = `http://127.0.0.1:${server.port}`;
  const parsed = parseConfig({
    NODE_ENV: "test",
    DATA_DIR: dataDir,
    PORT: String(server.port),
    PUBLIC_BASE_URL: baseUrl,
    ...env,
  });
  if (!parsed.ok) throw new Error(parsed.error);
  const logs: LogLine[] = [];
  const logger = pino({ level: "debug" }, { write: (line: string) => void logs.push(JSON.parse(line) as LogLine) });
  const deps = await composeDeps(parsed.config, logger);
  app = createApp(deps);
  return {
    baseUrl,
    dataDir,
    deps,
    logs,
    async stop() {
      await server.stop(true);
      await deps.repos.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
