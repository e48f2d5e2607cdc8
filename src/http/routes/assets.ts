import { Hono } from "hono";
import { ASSET_FILES, ASSET_VERSION } from "../../views/assets.ts";
import type { AppEnv } from "../deps.ts";

const FAVICON = `${import.meta.dir}/../../views/favicon.svg`;

export function assetRoutes() {
  const app = new Hono<AppEnv>();
  app.get("/assets/:name", async (c) => {
    const asset = ASSET_FILES[c.req.param("name")];
    if (!asset) return c.text("No such asset.", 404);
    c.header("Content-Type", asset.type);
    // This release's address never changes content; any other (an old page, no version) may.
    c.header("Cache-Control", c.req.query("v") === ASSET_VERSION ? "public, max-age=31536000, immutable" : "no-cache");
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
