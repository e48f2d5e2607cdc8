import { Hono } from "hono";
import type { AppEnv } from "../deps.ts";

/** Unauthenticated probes for load balancers: alive, and ready (database answers). */
export function healthRoutes() {
  const app = new Hono<AppEnv>();
  app.get("/health", (c) => c.json({ status: "ok" }));
  app.get("/ready", async (c) => {
    const { repos, logger } = c.get("deps");
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
