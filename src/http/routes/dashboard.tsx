import { Hono } from "hono";
import { DashboardPage } from "../../views/dashboard.tsx";
import type { AppEnv } from "../deps.ts";
import { pageContext } from "../page-context.ts";
import { shippedFixtures } from "./simulate.ts";
import { startOfLondonDay, startOfLondonMonth, startOfLondonWeek } from "../../domain/london-time.ts";

export function dashboardRoutes() {
  const app = new Hono<AppEnv>();
  app.get("/", async (c) => {
    const { repos, now } = c.get("deps");
    const at = now();
    const [callsToday, newLeadsThisWeek, openByUrgency, openIssues, recentCalls, callersToCheck] = await Promise.all([
      repos.calls.countSince(startOfLondonDay(at)),
      repos.leads.countCreatedSince(startOfLondonWeek(at)),
      repos.issues.openCountsByUrgency(),
      repos.issues.openByUrgency(10),
      repos.calls.recent({ limit: 8, offset: 0 }),
      repos.calls.awaitingCallerCheck(10),
    ]);
    const figures = { callsToday, newLeadsThisWeek, openByUrgency, openIssues, recentCalls, callersToCheck };
    const money = await repos.payments.moneySince(startOfLondonMonth(at));
    const simulator = c.get("deps").twilio.local ? shippedFixtures() : null;
    return c.html(<DashboardPage ctx={pageContext(c)} figures={figures} simulator={simulator} money={money} />);
  });
  return app;
}
