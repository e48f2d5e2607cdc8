import { Hono } from "hono";
import { IntegrationsPage } from "../../views/integrations.tsx";
import type { AppEnv } from "../deps.ts";
import { pageContext } from "../page-context.ts";

export function settingsRoutes() {
  const app = new Hono<AppEnv>();
  app.get("/settings/integrations", async (c) => {
    const integrations = await c.get("deps").integrations();
    return c.html(<IntegrationsPage ctx={pageContext(c)} integrations={integrations} />);
  });
  return app;
}
