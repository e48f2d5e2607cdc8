import { Hono } from "hono";
import { z } from "zod";
import type { Context } from "hono";
import { logIn, logOut } from "../../domain/staff-access.ts";
import { reasonStatus } from "../errors.ts";
import { LoginPage } from "../../views/login.tsx";
import type { AppEnv } from "../deps.ts";
import type { LoginLimiter } from "../middleware/login-limiter.ts";
import { accessDeps, clearSessionCookie, setSessionCookie } from "../middleware/staff-session.ts";
import { pageContext } from "../page-context.ts";
import { formRaw, formText, LINE_MAX, validForm, validQuery } from "../validation.ts";

/**
 * The login form's shape at the edge. The password is bounded well above any a user can set
 * (MAX_PASSWORD_LENGTH), so a huge body is refused before it is hashed; it is never trimmed.
 */
const loginForm = z.object({
  email: formText(LINE_MAX).transform((email) => email.toLowerCase()),
  password: formRaw(LINE_MAX),
  // Where to go after: one that cannot be read goes home rather than blocking the login.
  next: formText(LINE_MAX).catch(""),
});
const loginQuery = z.object({ next: formText(LINE_MAX).catch("") });

/** Only same-site paths are followed after login, so the form cannot bounce users elsewhere. */
const safeNext = (next: string | undefined) => (next && next.startsWith("/") && !next.startsWith("//") ? next : "/");

function clientAddress(c: Context<AppEnv>): string {
  const server = (c.env as { requestIP?: (req: Request) => { address: string } | null } | undefined) ?? undefined;
  return server?.requestIP?.(c.req.raw)?.address ?? "local";
}

export function authRoutes(limiter: LoginLimiter) {
  const app = new Hono<AppEnv>();

  app.get("/login", validQuery(loginQuery), (c) => {
    if (c.get("user")) return c.redirect("/", 303);
    return c.html(<LoginPage ctx={pageContext(c)} next={c.req.valid("query").next} />);
  });

  const refused = validForm(loginForm, (c, bad) => {
    const [message] = Object.values(bad.errors);
    const email = bad.values.email?.trim().toLowerCase().slice(0, LINE_MAX);
    return c.html(
      <LoginPage ctx={pageContext(c)} email={email} next={safeNext(bad.values.next)} error={message} />,
      422,
    );
  });
  app.post("/login", refused, async (c) => {
    const deps = c.get("deps");
    const form = c.req.valid("form");
    const email = form.email;
    const next = safeNext(form.next);
    const keys = [`email:${email}`, `ip:${clientAddress(c)}`];
    const now = deps.now();
    const wait = Math.max(...keys.map((k) => limiter.retryAfter(k, now)));
    if (wait > 0) {
      c.header("Retry-After", String(wait));
      const minutes = Math.ceil(wait / 60);
      return c.html(
        <LoginPage
          ctx={pageContext(c)}
          email={email}
          next={next}
          error={`Too many attempts. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`}
        />,
        429,
      );
    }
    const result = await logIn(accessDeps(deps), email, form.password);
    if (!result.ok) {
      for (const key of keys) limiter.recordFailure(key, now);
      deps.logger.info({ event: "login_failed" }, "login failed");
      return c.html(
        <LoginPage ctx={pageContext(c)} email={email} next={next} error={result.message} />,
        reasonStatus(result.reason),
      );
    }
    limiter.reset(`email:${email}`);
    const previous = c.get("session");
    if (previous) await logOut(deps.repos, previous.id);
    setSessionCookie(c, result.value.session.id);
    deps.logger.info({ event: "login", userId: result.value.user.id }, "staff logged in");
    return c.redirect(next, 303);
  });

  app.post("/logout", async (c) => {
    const session = c.get("session");
    if (session) await logOut({ staffSessions: c.get("deps").repos.staffSessions }, session.id);
    clearSessionCookie(c);
    return c.redirect("/login", 303);
  });

  return app;
}
