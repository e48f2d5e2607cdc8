import type { Context } from "hono";
import type { PageContext } from "../views/layout.tsx";
import type { AppEnv } from "./deps.ts";

export const pageContext = (c: Context<AppEnv>): PageContext => ({
  user: c.get("user") ?? null,
  csrfToken: c.get("session")?.csrfToken ?? null,
  companyName: c.get("deps").settings.companyName,
  path: new URL(c.req.url).pathname,
});

export const isHtmx = (c: Context) => c.req.header("HX-Request") === "true";
