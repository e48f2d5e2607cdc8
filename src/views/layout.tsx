import { raw } from "hono/html";
import { assetUrl } from "./assets.ts";
import type { Child } from "hono/jsx";
import type { StaffUser } from "../domain/users.ts";

export interface PageContext {
  user: StaffUser | null;
  csrfToken: string | null;
  companyName: string;
  /** The path being shown, to mark the current section in the navigation. */
  path: string;
}

/** Swap 422 (form with errors) and other 4xx replies too: they carry the reason to show. */
const HTMX_CONFIG = JSON.stringify({
  responseHandling: [
    { code: "204", swap: false },
    { code: "[23]..", swap: true },
    { code: "[45]..", swap: true, error: true },
  ],
});

const SECTIONS = [
  { href: "/", label: "Dashboard" },
  { href: "/inbox", label: "Inbox" },
  { href: "/calls", label: "Calls" },
  { href: "/leads", label: "Leads" },
  { href: "/issues", label: "Issues" },
  { href: "/schedule", label: "Schedule" },
  { href: "/quotes", label: "Quotes" },
  { href: "/reports", label: "Reports" },
  { href: "/board", label: "Board" },
  { href: "/settings/integrations", label: "Integrations" },
];

/** Sections only admins can open: showing them to staff would only lead to a 403. */
const ADMIN_SECTIONS = [
  { href: "/settings/users", label: "Staff" },
  { href: "/settings/audit", label: "Audit" },
  { href: "/settings/board", label: "Board links" },
];

/** Engineers see only their own day (the office pages refuse them: src/http/middleware/engineer-scope.ts). */
const ENGINEER_SECTIONS = [{ href: "/my-day", label: "My day" }];

const sectionsFor = (role: StaffUser["role"]) =>
  role === "engineer" ? ENGINEER_SECTIONS : [...SECTIONS, ...(role === "admin" ? ADMIN_SECTIONS : [])];

const isCurrent = (path: string, href: string) =>
  href === "/" ? path === "/" : path === href || path.startsWith(`${href}/`);

/**
 * The staff layout. The CSRF token rides on every htmx request through hx-headers,
 * and forms carry it as a hidden field.
 */
export function Layout(props: { ctx: PageContext; title: string; children?: Child }) {
  const { ctx } = props;
  return (
    <>
      {raw("<!doctype html>")}
      <html lang="en-GB">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title>{`${props.title} · ${ctx.companyName}`}</title>
          <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
          <link rel="stylesheet" href={assetUrl("app.css")} />
          <meta name="htmx-config" content={HTMX_CONFIG} />
          <script src={assetUrl("htmx.min.js")} defer></script>
          <script src={assetUrl("sse.js")} defer></script>
          <script src={assetUrl("live-hub.js")} defer></script>
          <script src={assetUrl("live.js")} defer></script>
          <script src={assetUrl("app.js")} defer></script>
        </head>
        <body hx-headers={ctx.csrfToken ? JSON.stringify({ "X-CSRF-Token": ctx.csrfToken }) : undefined}>
          {ctx.user ? (
            <header class="top">
              <a class="brand" href={ctx.user.role === "engineer" ? "/my-day" : "/"}>
                Switchboard
              </a>
              {/* A <details> folds the menu behind one button at phone width, with or without script. */}
              <details class="menu">
                <summary>Menu</summary>
                <div class="menu-panel">
                  <nav aria-label="Sections">
                    {sectionsFor(ctx.user.role).map((s) => (
                      <a href={s.href} aria-current={isCurrent(ctx.path, s.href) ? "page" : undefined}>
                        {s.label}
                      </a>
                    ))}
                  </nav>
                  <span class="who">{ctx.user.email}</span>
                  <form method="post" action="/logout">
                    <CsrfField token={ctx.csrfToken} />
                    <button class="link" type="submit">
                      Log out
                    </button>
                  </form>
                </div>
              </details>
            </header>
          ) : null}
          <main>
            <div id="flash" aria-live="polite"></div>
            {props.children}
          </main>
        </body>
      </html>
    </>
  );
}

export const CsrfField = (props: { token: string | null }) =>
  props.token ? <input type="hidden" name="_csrf" value={props.token} /> : null;
