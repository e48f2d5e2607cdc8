import { createHash, timingSafeEqual } from "node:crypto";
import { Hono } from "hono";
import type { AppEnv } from "../deps.ts";

/** Compared as SHA-256 digests: equal lengths whatever was sent, so the time taken says nothing about the token. */
const sameSecret = (given: string, expected: string) =>
  timingSafeEqual(createHash("sha256").update(given).digest(), createHash("sha256").update(expected).digest());

/**
 * GET /metrics: Prometheus' text format, for a scraper that presents `Authorization: Bearer
 * <METRICS_TOKEN>` (401 otherwise). With no METRICS_TOKEN the route does not exist (404), so an
 * instance left unconfigured shows nothing.
 * @example curl -H "Authorization: Bearer $METRICS_TOKEN" http://localhost:3000/metrics
 */
export function metricsRoutes() {
  const app = new Hono<AppEnv>();
  app.get("/metrics", async (c) => {
    const { token, exposition } = c.get("deps").metricsEndpoint;
    if (!token) return c.notFound();
    const [scheme, given] = (c.req.header("Authorization") ?? "").split(" ", 2);
    if (scheme?.toLowerCase() !== "bearer" || !given || !sameSecret(given, token)) {
      c.header("WWW-Authenticate", 'Bearer realm="metrics"');
      return c.text("A bearer token (METRICS_TOKEN) is required.", 401);
    }
    c.header("Content-Type", exposition.contentType);
    c.header("Cache-Control", "no-store");
    return c.body(await exposition.text());
  });
  return app;
}
