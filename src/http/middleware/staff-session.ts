import type { Context, MiddlewareHandler } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { resumeSession, type AccessDeps } from "../../domain/staff-access.ts";
import type { AppDeps, AppEnv } from "../deps.ts";

export const SESSION_COOKIE = "sb_session";

export const accessDeps = (deps: AppDeps): AccessDeps => ({
  staffUsers: deps.repos.staffUsers,
  staffSessions: deps.repos.staffSessions,
  passwords: deps.passwords,
  randomId: deps.randomId,
  now: deps.now,
  idleMinutes: deps.settings.sessionIdleMinutes,
});

/** Puts the logged-in user (or null) and their session on the context. */
export const staffSession = (): MiddlewareHandler<AppEnv> => async (c, next) => {
  const deps = c.get("deps");
  const id = getCookie(c, SESSION_COOKIE);
  const resumed = id ? await resumeSession(accessDeps(deps), id) : null;
  if (id && !resumed) deleteCookie(c, SESSION_COOKIE, { path: "/" });
  c.set("user", resumed?.user ?? null);
  c.set("session", resumed?.session ?? null);
  await next();
};

export function setSessionCookie(c: Context<AppEnv>, sessionId: string): void {
  const { settings } = c.get("deps");
  setCookie(c, SESSION_COOKIE, sessionId, {
    path: "/",
    httpOnly: true,
    sameSite: "Lax",
    secure: settings.secureCookies,
    // No Max-Age: the server ends idle sessions; the browser drops the cookie when it closes.
  });
}

export const clearSessionCookie = (c: Context<AppEnv>) => deleteCookie(c, SESSION_COOKIE, { path: "/" });

/**
 * Staff pages need a login. A page request is sent to /login; an htmx request gets
 * HX-Redirect so the browser navigates instead of swapping a login form into the page.
 */
export const requireLogin = (): MiddlewareHandler<AppEnv> => async (c, next) => {
  if (c.get("user")) return next();
  const url = new URL(c.req.url);
  const next_ = url.pathname + url.search;
  const login = next_ === "/" ? "/login" : `/login?next=${encodeURIComponent(next_)}`;
  if (c.req.header("HX-Request") === "true") {
    c.header("HX-Redirect", login);
    return c.body(null, 401);
  }
  return c.redirect(login, 303);
};
