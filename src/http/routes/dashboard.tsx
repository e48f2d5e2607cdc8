import { Hono } from "hono";
import { raw } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";
import type { DashboardSnapshot } from "../../domain/dashboard/figures.ts";
import { DashboardLive, DashboardPage } from "../../views/dashboard.tsx";
import type { AppEnv } from "../deps.ts";
import { pageContext } from "../page-context.ts";
import { shippedFixtures } from "./simulate.ts";

export function dashboardRoutes() {
  const app = new Hono<AppEnv>();
  // The figures' HTML, by the snapshot it shows: the kept summary hands every load the same
  // snapshot until its data changes, so between changes a load renders only the page around it
  // (rendering the figures was most of a kept load's CPU). A snapshot read per load is rendered each time.
  const rendered = new WeakMap<DashboardSnapshot, HtmlEscapedString>();
  const figuresHtml = (snapshot: DashboardSnapshot) => {
    let html = rendered.get(snapshot);
    if (!html) {
      const out = (<DashboardLive figures={snapshot.figures} money={snapshot.money} />).toString();
      if (typeof out !== "string") throw new Error("the dashboard's figures must render synchronously");
      html = raw(out);
      rendered.set(snapshot, html);
    }
    return html;
  };
  // The scripted calls shipped with the app do not change while it runs: listed once, not per load.
  let fixtures: string[] | null = null;

  app.get("/", async (c) => {
    const { dashboard, now, twilio } = c.get("deps");
    // Kept between loads and re-read when its data changes (src/domain/dashboard/summary.ts).
    const snapshot = await dashboard.read(now());
    const simulator = twilio.local ? (fixtures ??= shippedFixtures()) : null;
    return c.html(<DashboardPage ctx={pageContext(c)} live={figuresHtml(snapshot)} simulator={simulator} />);
  });
  return app;
}
