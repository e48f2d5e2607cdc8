import { Hono } from "hono";
import type { AppEnv } from "../deps.ts";

/**
 * Unauthenticated probes for load balancers: alive, and ready (database answers and the
 * instance is not draining). While draining after SIGTERM, /health stays 200 (the process is
 * fine) and /ready answers 503 so the balancer sends new work elsewhere before the listener closes.
 */
export function healthRoutes() {
  const app = new Hono<AppEnv>();
  app.get("/health", (c) => c.json({ status: "ok" }));
  app.get("/ready", async (c) => {
    const { repos, logger, instance } = c.get("deps");
    if (instance.draining) return c.json({ status: "draining", database: repos.kind }, 503);
    try {
      await repos.ping();
      return c.json({ status: "ready", database: repos.kind });
    } catch (error) {
      logger.warn({ err: error }, "readiness check failed: database unreachable");
      return c.json({ status: "unavailable", database: repos.kind, error: "database unreachable" }, 503);
    }
  });
  return app;
}
