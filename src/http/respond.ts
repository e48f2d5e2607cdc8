import type { Context } from "hono";
import { isHtmx } from "./page-context.ts";

/** After a successful form post: htmx follows HX-Redirect, a plain form follows 303. */
export function redirectAfterPost(c: Context, location: string) {
  if (isHtmx(c)) {
    c.header("HX-Redirect", location);
    return c.body(null, 204);
  }
  return c.redirect(location, 303);
}

/** One URL answers the whole page or the fragment htmx asked for; caches must keep them apart. */
export function pageOrFragment<T>(c: Context, page: () => T, fragment: () => T): T {
  c.header("Vary", "HX-Request");
  return isHtmx(c) && c.req.header("HX-Boosted") !== "true" ? fragment() : page();
}
