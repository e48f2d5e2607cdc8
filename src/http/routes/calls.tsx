import { Hono } from "hono";
import { CallPage, CallsPage } from "../../views/calls.tsx";
import type { AppEnv } from "../deps.ts";
import { notFound } from "../errors.ts";
import { pageContext } from "../page-context.ts";

const PAGE_SIZE = 50;

export function callRoutes() {
  const app = new Hono<AppEnv>();

  app.get("/calls", async (c) => {
    const page = Math.max(1, Number.parseInt(c.req.query("page") ?? "1", 10) || 1);
    const calls = await c.get("deps").repos.calls.recent({ limit: PAGE_SIZE + 1, offset: (page - 1) * PAGE_SIZE });
    return c.html(<CallsPage ctx={pageContext(c)} calls={calls.slice(0, PAGE_SIZE)} page={page} hasMore={calls.length > PAGE_SIZE} />);
  });

  app.get("/calls/:id", async (c) => {
    const { repos } = c.get("deps");
    const call = await repos.calls.byId(c.req.param("id"));
    if (!call) throw notFound("call");
    const [lead, transcript] = await Promise.all([call.leadId ? repos.leads.byId(call.leadId) : null, repos.calls.transcript(call.id)]);
    return c.html(<CallPage ctx={pageContext(c)} call={call} lead={lead} transcript={transcript} />);
  });

  return app;
}
