import { Hono } from "hono";
import { z } from "zod";
import { createLoginLimiter } from "../../domain/login-limits.ts";
import { logIn, logOut } from "../../domain/staff-access.ts";
import { MAX_PASSWORD_LENGTH } from "../../domain/users.ts";
import { LoginPage } from "../../views/login.tsx";
import { clientAddress } from "../client-address.ts";
import type { AppDeps, AppEnv } from "../deps.ts";
import { reasonStatus } from "../errors.ts";
import { accessDeps, clearSessionCookie, setSessionCookie } from "../middleware/staff-session.ts";
import { pageContext } from "../page-context.ts";
import { safeRedirectPath } from "../safe-redirect.ts";
import { formRaw, formText, LINE_MAX, validForm, validQuery } from "../validation.ts";

/**
 * The login form's shape at the edge. A password longer than any account can have is refused
 * here, before anything is hashed; it is never trimmed.
 */
const loginForm = z.object({
  email: formText(LINE_MAX).transform((email) => email.toLowerCase()),
  password: formRaw(MAX_PASSWORD_LENGTH),
  // Where to go after: one that cannot be read goes home rather than blocking the login.
  next: formText(LINE_MAX).catch(""),
});
const loginQuery = z.object({ next: formText(LINE_MAX).catch("") });

export function authRoutes(deps: Pick<AppDeps, "settings">) {
  const app = new Hono<AppEnv>();
  const limiter = createLoginLimiter(deps.settings.loginLimits, deps.settings.loginWindowMinutes);

  app.get("/login", validQuery(loginQuery), (c) => {
    if (c.get("user")) return c.redirect(c.get("user")!.role === "engineer" ? "/my-day" : "/", 303);
    return c.html(<LoginPage ctx={pageContext(c)} next={safeRedirectPath(c.req.valid("query").next)} />);
  });

  const refused = validForm(loginForm, (c, bad) => {
    const [message] = Object.values(bad.errors);
    const email = bad.values.email?.trim().toLowerCase().slice(0, LINE_MAX);
    return c.html(
      <LoginPage ctx={pageContext(c)} email={email} next={safeRedirectPath(bad.values.next)} error={message} />,
      422,
    );
  });
  app.post("/login", refused, async (c) => {
    const deps = c.get("deps");
    const form = c.req.valid("form");
    const email = form.email;
    const next = safeRedirectPath(form.next);
    const address = clientAddress(c);
    // Counted before the password is checked: a burst of parallel guesses is cut off at the limit.
    const allowance = limiter.attempt({ email, address }, deps.now());
    if (!allowance.allowed) {
      deps.logger.warn({ event: "login_refused", retryAfterSeconds: allowance.retryAfterSeconds }, "login paused");
      c.header("Retry-After", String(allowance.retryAfterSeconds));
      const minutes = Math.ceil(allowance.retryAfterSeconds / 60);
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
      // The email typed goes to the audit trail (admins), not to the application log.
      await deps.repos.audit.record({
        who: email.slice(0, 200),
        what: "login failed",
        entity: "user",
        entityId: null,
        at: deps.now(),
        details: { address },
      });
      deps.logger.info({ event: "login_failed" }, "login failed");
      return c.html(
        <LoginPage ctx={pageContext(c)} email={email} next={next} error={result.message} />,
        reasonStatus(result.reason),
      );
    }
    allowance.succeeded();
    const { user, session } = result.value;
    const previous = c.get("session");
    if (previous) await logOut(accessDeps(deps), previous.id);
    setSessionCookie(c, session.id);
    await deps.repos.audit.record({
      who: user.email,
      what: "logged in",
      entity: "user",
      entityId: user.id,
      at: deps.now(),
      details: { address },
    });
    deps.logger.info({ event: "login", userId: user.id }, "staff logged in");
    // Engineers land on their day, not the office dashboard.
    return c.redirect(user.role === "engineer" && next === "/" ? "/my-day" : next, 303);
  });

  app.post("/logout", async (c) => {
    const deps = c.get("deps");
    const session = c.get("session");
    const user = c.get("user");
    if (session) await logOut(accessDeps(deps), session.id);
    if (user) {
      await deps.repos.audit.record({
        who: user.email,
        what: "logged out",
        entity: "user",
        entityId: user.id,
        at: deps.now(),
      });
    }
    clearSessionCookie(c);
    return c.redirect("/login", 303);
  });

  return app;
}
