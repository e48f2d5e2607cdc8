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
  "app.js": { path: `${import.meta.dir}/../../views/app.js`, type: "text/javascript; charset=utf-8" },
  "app.css": { path: `${import.meta.dir}/../../views/styles.css`, type: "text/css; charset=utf-8" },
};

export function assetRoutes() {
  const app = new Hono<AppEnv>();
  app.get("/assets/:name", async (c) => {
    const asset = ASSETS[c.req.param("name")];
    if (!asset) return c.text("No such asset.", 404);
    c.header("Content-Type", asset.type);
    c.header("Cache-Control", "public, max-age=3600");
    return c.body(await Bun.file(asset.path).arrayBuffer());
  });
  return app;
}
