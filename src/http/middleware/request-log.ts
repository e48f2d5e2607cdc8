import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../deps.ts";

/**
 * Paths that hold a secret, logged without it: a calendar feed's address, a wall board link, and
 * the customer's own links (a quote `/q/<token>…`, a visit `/a/<token>…`), each of which opens a
 * customer's details and lets them act (accept, pay, confirm) to whoever holds it.
 */
const SECRET_PATH = /^(\/calendar\/)[^/]+$/;
const BOARD_LINK_PATH = /^\/board\/(?!live$)[^/]+(\/.*)?$/;
const CUSTOMER_LINK_PATH = /^\/([qa])\/[^/]+(\/.*)?$/;
export const loggablePath = (path: string) =>
  path
    .replace(SECRET_PATH, "$1<secret>.ics")
    .replace(BOARD_LINK_PATH, "/board/<secret>$1")
    .replace(CUSTOMER_LINK_PATH, "/$1/<secret>$2");

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
