import { Hono } from "hono";
import { DashboardPage } from "../../views/dashboard.tsx";
import type { AppEnv } from "../deps.ts";
import { pageContext } from "../page-context.ts";
import { shippedFixtures } from "./simulate.ts";

export function dashboardRoutes() {
  const app = new Hono<AppEnv>();
  app.get("/", async (c) => {
    const { dashboard, now, twilio } = c.get("deps");
    // Kept between loads and re-read when its data changes (src/domain/dashboard/summary.ts).
    const { figures, money } = await dashboard.read(now());
    const simulator = twilio.local ? shippedFixtures() : null;
    return c.html(<DashboardPage ctx={pageContext(c)} figures={figures} simulator={simulator} money={money} />);
  });
  return app;
}
