import type { Context, MiddlewareHandler } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { resumeSession, type AccessDeps } from "../../domain/staff-access.ts";
import type { AppDeps, AppEnv } from "../deps.ts";
import { loggablePath } from "./request-log.ts";

/**
 * The session cookie's name. Over https, the `__Host-` prefix makes browsers refuse it unless it
 * is Secure, for Path=/ and without a Domain, so neither a sibling subdomain nor a plain-http
 * page can plant or overwrite it. Browsers refuse that prefix on http, hence the plain name there.
 */
export const sessionCookieName = (secureCookies: boolean) => (secureCookies ? "__Host-sb_session" : "sb_session");

export const accessDeps = (deps: AppDeps): AccessDeps => ({
  staffUsers: deps.repos.staffUsers,
  staffSessions: deps.repos.staffSessions,
  passwords: deps.passwords,
  liveEvents: deps.liveEvents,
  randomId: deps.randomId,
  now: deps.now,
  idleMinutes: deps.settings.sessionIdleMinutes,
  maxHours: deps.settings.sessionMaxHours,
});

/** Puts the logged-in user (or null) and their session on the context. */
export const staffSession = (): MiddlewareHandler<AppEnv> => async (c, next) => {
  const deps = c.get("deps");
  const id = getCookie(c, sessionCookieName(deps.settings.secureCookies));
  const resumed = id ? await resumeSession(accessDeps(deps), id) : null;
  if (id && !resumed) clearSessionCookie(c);
  c.set("user", resumed?.user ?? null);
  c.set("session", resumed?.session ?? null);
  await next();
};

export function setSessionCookie(c: Context<AppEnv>, sessionId: string): void {
  const { settings } = c.get("deps");
  setCookie(c, sessionCookieName(settings.secureCookies), sessionId, {
    path: "/",
    httpOnly: true,
    sameSite: "Lax",
    secure: settings.secureCookies,
    // No Max-Age: the server ends idle sessions; the browser drops the cookie when it closes.
  });
}

export const clearSessionCookie = (c: Context<AppEnv>) => {
  const { secureCookies } = c.get("deps").settings;
  deleteCookie(c, sessionCookieName(secureCookies), { path: "/", secure: secureCookies });
};

/**
 * Staff pages need a login. A page request is sent to /login; an htmx request gets
 * HX-Redirect so the browser navigates instead of swapping a login form into the page.
 */
export const requireLogin = (): MiddlewareHandler<AppEnv> => async (c, next) => {
  if (c.get("user")) return next();
  const url = new URL(c.req.url);
  const next_ = url.pathname + url.search;
  // A path that holds a secret (a board link's token under it, say) is never carried into next=:
  // the login page's address reaches browser history, proxies' logs and the Referer header.
  const holdsSecret = loggablePath(url.pathname) !== url.pathname;
  const login = next_ === "/" || holdsSecret ? "/login" : `/login?next=${encodeURIComponent(next_)}`;
  if (c.req.header("HX-Request") === "true") {
    c.header("HX-Redirect", login);
    return c.body(null, 401);
  }
  return c.redirect(login, 303);
};
