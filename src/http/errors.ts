import type { Context, ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { ErrorPage } from "../views/errors.tsx";
import type { AppEnv } from "./deps.ts";
import { isHtmx, pageContext } from "./page-context.ts";

/** Thrown by handlers when an id in the path names nothing. */
export const notFound = (what: string) => new HTTPException(404, { message: `There is no ${what} with that id.` });

const TITLES: Record<number, string> = { 400: "Bad request", 403: "Not allowed", 404: "Not found", 409: "Not possible now", 422: "Check the form", 429: "Too many requests" };

function respond(c: Context<AppEnv>, status: ContentfulStatusCode, message: string) {
  const title = TITLES[status] ?? "Something went wrong";
  const wantsJson = c.req.path.startsWith("/api/") || (c.req.header("Accept") ?? "").startsWith("application/json");
  if (wantsJson) return c.json({ error: message }, status);
  if (isHtmx(c)) {
    // Swap the reason into the page's message area rather than replacing the target.
    c.header("HX-Retarget", "#flash");
    c.header("HX-Reswap", "innerHTML");
    return c.html(`<p class="form-error" role="alert">${Bun.escapeHTML(message)}</p>`, status);
  }
  return c.html(ErrorPage({ ctx: pageContext(c), status, title, message }), status);
}

export const onError: ErrorHandler<AppEnv> = (error, c) => {
  if (error instanceof HTTPException) {
    if (error.status >= 500) c.get("deps")?.logger.error({ err: error.cause ?? error }, error.message);
    return respond(c, error.status as ContentfulStatusCode, error.message);
  }
  c.get("deps")?.logger.error({ err: error, path: c.req.path }, "unhandled error");
  return respond(c, 500, "Something went wrong on our side. It has been logged.");
};

export const onNotFound: NotFoundHandler<AppEnv> = (c) => respond(c, 404, "There is nothing at this address.");
