import { timingSafeEqual } from "node:crypto";
import type { Context, MiddlewareHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { AppEnv } from "../deps.ts";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Refuses cross-site form posts on every state-changing request:
 * 1. the browser must not say the request came from another site (Sec-Fetch-Site, Origin);
 * 2. with a session, the request must carry that session's token (X-CSRF-Token header from
 *    htmx, or the _csrf form field), so a post forged from anywhere cannot act as staff.
 */
export const crossSiteProtection = (): MiddlewareHandler<AppEnv> => async (c, next) => {
  if (SAFE_METHODS.has(c.req.method)) return next();
  if (!sameOrigin(c)) throw new HTTPException(403, { message: "This request came from another site and was refused." });
  const session = c.get("session");
  if (session) {
    const sent = c.req.header("X-CSRF-Token") ?? (await formField(c, "_csrf"));
    if (!sent || !sameSecret(sent, session.csrfToken)) {
      throw new HTTPException(403, { message: "This form has expired. Reload the page and try again." });
    }
  }
  return next();
};

function sameOrigin(c: Context<AppEnv>): boolean {
  const fetchSite = c.req.header("Sec-Fetch-Site");
  if (fetchSite && fetchSite !== "same-origin" && fetchSite !== "none") return false;
  const origin = c.req.header("Origin");
  // No Origin (older clients) or an opaque one: rely on Sec-Fetch-Site when the browser sent it.
  if (!origin) return true;
  if (origin === "null") return fetchSite === "same-origin";
  const allowed = new Set([new URL(c.req.url).origin, new URL(c.get("deps").settings.publicBaseUrl).origin]);
  const host = c.req.header("Host");
  if (host) {
    allowed.add(`http://${host}`);
    allowed.add(`https://${host}`);
  }
  return allowed.has(origin);
}

async function formField(c: Context<AppEnv>, name: string): Promise<string | undefined> {
  const type = c.req.header("Content-Type") ?? "";
  if (!type.startsWith("application/x-www-form-urlencoded") && !type.startsWith("multipart/form-data"))
    return undefined;
  const body = await c.req.parseBody().catch((error: unknown) => {
    throw new HTTPException(400, { message: "The form could not be read.", cause: error });
  });
  const value = body[name];
  return typeof value === "string" ? value : undefined;
}

function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
