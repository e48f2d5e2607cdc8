import { Hono, type Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { openBoardLink } from "../../domain/board/links.ts";
import { BoardFiguresPart, BoardPage, type BoardAddresses, type BoardTheme } from "../../views/board.tsx";
import { boardLinkWatch, boardStream } from "../board-stream.ts";
import type { AppEnv } from "../deps.ts";
import { onNotFound } from "../errors.ts";
import { isHtmx } from "../page-context.ts";

function themeOf(c: Context<AppEnv>): BoardTheme {
  const theme = c.req.query("theme");
  if (theme === undefined || theme === "dark") return "dark";
  if (theme === "light") return "light";
  throw new HTTPException(400, { message: 'theme: write "dark" or "light".' });
}

/** The board page, or with HX-Request the figures alone (what board.js re-reads). Never cached. */
async function boardResponse(c: Context<AppEnv>, addresses: BoardAddresses) {
  const { repos, now, settings } = c.get("deps");
  const theme = themeOf(c);
  const at = now();
  const figures = await repos.board.figures(at);
  c.header("Vary", "HX-Request");
  c.header("Cache-Control", "no-store");
  if (isHtmx(c)) return c.html(<BoardFiguresPart figures={figures} at={at} />);
  return c.html(
    <BoardPage companyName={settings.companyName} figures={figures} at={at} theme={theme} addresses={addresses} />,
  );
}

/** Staff at `/board` (logged in; engineers are refused as from every office page) and its stream. */
export function staffBoardRoutes() {
  const app = new Hono<AppEnv>();
  app.get("/board", (c) => boardResponse(c, { figures: "/board", stream: "/board/live" }));
  app.get("/board/live", (c) => boardStream(c));
  return app;
}

/**
 * A screen with no login at `/board/<token>` and `/board/<token>/live`: the board and its stream,
 * nothing else. An unknown, malformed or revoked token is the app's ordinary 404, the same in
 * every case, so nothing tells whether a token ever existed. The address holds the secret: no
 * referrer is sent from it, and the request log writes it as <secret>.
 */
export function publicBoardRoutes() {
  const app = new Hono<AppEnv>();
  app.get("/board/:token", async (c, next) => {
    const token = c.req.param("token");
    // The staff board's stream, served behind the login below.
    if (token === "live") return next();
    c.header("Referrer-Policy", "no-referrer");
    const link = await openBoardLink(c.get("deps").repos, token);
    if (!link) return onNotFound(c);
    return boardResponse(c, { figures: `/board/${token}`, stream: `/board/${token}/live` });
  });
  app.get("/board/:token/live", async (c) => {
    const deps = c.get("deps");
    const link = await openBoardLink(deps.repos, c.req.param("token"));
    // The board's stream takes no topics: a link opens no other live feed.
    if (!link || c.req.queries("topic")) return onNotFound(c);
    return boardStream(c, boardLinkWatch(deps, link.id));
  });
  return app;
}
