import { Hono } from "hono";
import type { AppEnv } from "../deps.ts";

/** htmx and the stylesheet, served by the app itself (no CDN): the console works offline. */
const ASSETS: Record<string, { path: string; type: string }> = {
  "htmx.min.js": {
    path: Bun.resolveSync("htmx.org/dist/htmx.min.js", import.meta.dir),
    type: "text/javascript; charset=utf-8",
  },
  "sse.js": {
    path: Bun.resolveSync("htmx-ext-sse/dist/sse.min.js", import.meta.dir),
    type: "text/javascript; charset=utf-8",
  },
  // Live updates shared between tabs: the page's side, the hub, and the shared worker that runs it.
  "live.js": { path: `${import.meta.dir}/../../views/live.js`, type: "text/javascript; charset=utf-8" },
  "live-hub.js": { path: `${import.meta.dir}/../../views/live-hub.js`, type: "text/javascript; charset=utf-8" },
  "live-worker.js": { path: `${import.meta.dir}/../../views/live-worker.js`, type: "text/javascript; charset=utf-8" },
  "schedule.js": { path: `${import.meta.dir}/../../views/schedule.js`, type: "text/javascript; charset=utf-8" },
  "app.js": { path: `${import.meta.dir}/../../views/app.js`, type: "text/javascript; charset=utf-8" },
  "app.css": { path: `${import.meta.dir}/../../views/styles.css`, type: "text/css; charset=utf-8" },
};

const FAVICON = `${import.meta.dir}/../../views/favicon.svg`;

export function assetRoutes() {
  const app = new Hono<AppEnv>();
  app.get("/assets/:name", async (c) => {
    const asset = ASSETS[c.req.param("name")];
    if (!asset) return c.text("No such asset.", 404);
    c.header("Content-Type", asset.type);
    c.header("Cache-Control", "public, max-age=3600");
    return c.body(await Bun.file(asset.path).arrayBuffer());
  });
  // The browser asks for the icon on every page; it never changes within a release, so it is
  // cached for a year: a changed icon needs a new name in the layouts' links.
  app.get("/favicon.svg", async (c) => {
    c.header("Content-Type", "image/svg+xml");
    c.header("Cache-Control", "public, max-age=31536000, immutable");
    return c.body(await Bun.file(FAVICON).arrayBuffer());
  });
  // Browsers that ignore the layout's link (and pages that are not ours, like a PDF) ask here.
  app.get("/favicon.ico", (c) => c.redirect("/favicon.svg", 301));
  return app;
}
