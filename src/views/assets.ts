import { readFileSync } from "node:fs";

/** The scripts and stylesheet the pages load, served by the app itself (no CDN): the console works offline. */
export const ASSET_FILES: Record<string, { path: string; type: string }> = {
  "htmx.min.js": {
    path: Bun.resolveSync("htmx.org/dist/htmx.min.js", import.meta.dir),
    type: "text/javascript; charset=utf-8",
  },
  "sse.js": {
    path: Bun.resolveSync("htmx-ext-sse/dist/sse.min.js", import.meta.dir),
    type: "text/javascript; charset=utf-8",
  },
  // Live updates shared between tabs: the page's side, the hub, and the shared worker that runs it.
  "live.js": { path: `${import.meta.dir}/live.js`, type: "text/javascript; charset=utf-8" },
  "live-hub.js": { path: `${import.meta.dir}/live-hub.js`, type: "text/javascript; charset=utf-8" },
  "live-worker.js": { path: `${import.meta.dir}/live-worker.js`, type: "text/javascript; charset=utf-8" },
  "schedule.js": { path: `${import.meta.dir}/schedule.js`, type: "text/javascript; charset=utf-8" },
  "app.js": { path: `${import.meta.dir}/app.js`, type: "text/javascript; charset=utf-8" },
  // The wall board: its own small script and stylesheet (no htmx, no shared live worker: a screen without a login).
  "board.js": { path: `${import.meta.dir}/board.js`, type: "text/javascript; charset=utf-8" },
  "board.css": { path: `${import.meta.dir}/board.css`, type: "text/css; charset=utf-8" },
  "app.css": { path: `${import.meta.dir}/styles.css`, type: "text/css; charset=utf-8" },
};

/**
 * One version for this release's assets: a hash of all their contents. Pages ask for
 * `/assets/<name>?v=<version>`, so a browser may keep them for a year and still never runs last
 * release's script against this release's pages (nor keeps last release's shared worker: its
 * name carries the version too).
 */
export const ASSET_VERSION = Bun.hash(
  Object.values(ASSET_FILES)
    .map((asset) => readFileSync(asset.path, "utf8"))
    .join("\0"),
)
  .toString(36)
  .slice(0, 10);

/** The address a page uses for one of the assets above. */
export const assetUrl = (name: keyof typeof ASSET_FILES & string) => `/assets/${name}?v=${ASSET_VERSION}`;
