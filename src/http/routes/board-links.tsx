import { Hono, type Context } from "hono";
import { z } from "zod";
import { createBoardLink, revokeBoardLink } from "../../domain/board/links.ts";
import { BoardLinksPage } from "../../views/board-links.tsx";
import type { AppEnv } from "../deps.ts";
import { rejectionError } from "../errors.ts";
import { requireRole } from "../middleware/require-role.ts";
import { pageContext } from "../page-context.ts";
import { formText, LINE_MAX, validForm } from "../validation.ts";

const PAGE = "/settings/board";
/** Offices have a screen or two; a page of 200 is all of them, revoked ones included. */
const LINKS_SHOWN = 200;

const createForm = z.object({ label: formText(LINE_MAX) });

const linkDeps = (c: Context<AppEnv>) => {
  const { repos, liveEvents, now } = c.get("deps");
  return { boardLinks: repos.boardLinks, liveEvents, now };
};

/** Settings → Wall board links (admins only): make a read-only link for a screen, or revoke one. Both audited. */
export function boardLinkRoutes() {
  const app = new Hono<AppEnv>();
  app.use(`${PAGE}`, requireRole("admin"));
  app.use(`${PAGE}/*`, requireRole("admin"));

  const page = async (c: Context<AppEnv>, extra: Omit<Parameters<typeof BoardLinksPage>[0], "ctx" | "links"> = {}) =>
    c.html(
      <BoardLinksPage ctx={pageContext(c)} links={await c.get("deps").repos.boardLinks.list(LINKS_SHOWN)} {...extra} />,
      extra.error ? 422 : extra.created ? 201 : 200,
    );

  app.get(PAGE, (c) => page(c));

  app.post(
    `${PAGE}/links`,
    validForm(createForm, (c, bad) =>
      page(c, { error: Object.values(bad.errors)[0] ?? "The form could not be read." }),
    ),
    async (c) => {
      const { label } = c.req.valid("form");
      const user = c.get("user");
      const made = await createBoardLink(linkDeps(c), label, user?.email ?? "unknown");
      if (!made.ok) return page(c, { error: made.message, typedLabel: label });
      c.get("deps").logger.info(
        { event: "audit", userId: user?.id, boardLinkId: made.value.link.id },
        "board link created",
      );
      const url = `${c.get("deps").settings.publicBaseUrl}/board/${made.value.token}`;
      // The address holds the token: this page must not be cached anywhere.
      c.header("Cache-Control", "no-store");
      return page(c, { created: { label: made.value.link.label, url } });
    },
  );

  app.post(`${PAGE}/links/:id/revoke`, async (c) => {
    const user = c.get("user");
    const revoked = await revokeBoardLink(linkDeps(c), c.req.param("id"), user?.email ?? "unknown");
    if (!revoked.ok) throw rejectionError(revoked);
    c.get("deps").logger.info(
      { event: "audit", userId: user?.id, boardLinkId: revoked.value.id },
      "board link revoked",
    );
    return c.redirect(PAGE, 303);
  });
  return app;
}
