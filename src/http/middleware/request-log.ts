import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../deps.ts";

/** Paths that hold a secret (a calendar feed's address, a wall board link): logged without it. */
const SECRET_PATH = /^(\/calendar\/)[^/]+$/;
const BOARD_LINK_PATH = /^\/board\/(?!live$)[^/]+(\/.*)?$/;
export const loggablePath = (path: string) =>
  path.replace(SECRET_PATH, "$1<secret>.ics").replace(BOARD_LINK_PATH, "/board/<secret>$1");

/** One line per request: method, path (no query: it may hold a search for a name), status, time. */
export const requestLog = (): MiddlewareHandler<AppEnv> => async (c, next) => {
  const started = performance.now();
  await next();
  const { logger } = c.get("deps");
  const ms = Math.round((performance.now() - started) * 10) / 10;
  const level = c.res.status >= 500 ? "error" : c.res.status >= 400 ? "warn" : "debug";
  logger[level](
    { reqId: c.get("requestId"), method: c.req.method, path: loggablePath(c.req.path), status: c.res.status, ms },
    "request",
  );
};
