import type { MiddlewareHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { AppEnv } from "../deps.ts";

/** What an engineer's account may open: their day, their visits' photos, logging out. */
const ENGINEER_PATHS = /^\/(my-day(\/.*)?|visit-records\/[^/]+\/(photo|thumbnail)|logout)$/;

/**
 * Engineers work from /my-day: the office console (leads, calls, the inbox, quotes, settings)
 * is not theirs. Home sends them to their day; any other office page is refused with where to go.
 */
export const engineerScope = (): MiddlewareHandler<AppEnv> => async (c, next) => {
  if (c.get("user")?.role !== "engineer" || ENGINEER_PATHS.test(c.req.path)) return next();
  if (c.req.path === "/" && c.req.method === "GET") return c.redirect("/my-day", 303);
  throw new HTTPException(403, { message: "Engineers work from My day: this page is for the office." });
};
