import { Hono } from "hono";
import { z } from "zod";
import { endOfLondonDay, startOfLondonDay } from "../../domain/london-time.ts";
import { AUDIT_ENTITIES, type AuditEntity, type AuditSearch } from "../../ports/audit.ts";
import { AuditResults, AuditTrailPage, type AuditListing } from "../../views/audit-trail.tsx";
import type { AppEnv } from "../deps.ts";
import { requireRole } from "../middleware/require-role.ts";
import { isHtmx, pageContext } from "../page-context.ts";
import { pageNumber, searchText, validQuery } from "../validation.ts";

const PAGE_SIZE = 50;
/** Offsets stay cheap enough this deep; older entries are found by narrowing the dates. */
const LAST_PAGE = 200;

const isoDay = /^\d{4}-\d{2}-\d{2}$/;
/** A date box's value, or "" when it is not a real date (lenient, as search filters are). */
const dayText = () => searchText().transform((day) => (isoDay.test(day) && !Number.isNaN(Date.parse(day)) ? day : ""));

const auditQuery = z.object({
  who: searchText(),
  q: searchText(),
  entity: searchText().transform((e) => ((AUDIT_ENTITIES as readonly string[]).includes(e) ? e : "")),
  from: dayText(),
  to: dayText(),
  page: pageNumber(LAST_PAGE),
});

const noonUtc = (day: string) => new Date(`${day}T12:00:00Z`);

/** Admins only: the audit trail at /settings/audit, searched and paged in the database. */
export function auditTrailRoutes() {
  const app = new Hono<AppEnv>();
  app.get("/settings/audit", requireRole("admin"), validQuery(auditQuery), async (c) => {
    const query = c.req.valid("query");
    const search: AuditSearch = {
      who: query.who || undefined,
      text: query.q || undefined,
      entity: (query.entity || undefined) as AuditEntity | undefined,
      // Dates are London days: "to" includes the whole of its day.
      from: query.from ? startOfLondonDay(noonUtc(query.from)) : undefined,
      before: query.to ? new Date(endOfLondonDay(query.to).getTime() + 1) : undefined,
    };
    const found = await c
      .get("deps")
      .repos.audit.search(search, { limit: PAGE_SIZE, offset: (query.page - 1) * PAGE_SIZE });
    const listing: AuditListing = { query, ...found };
    c.header("Vary", "HX-Request");
    if (isHtmx(c)) return c.html(<AuditResults listing={listing} />);
    return c.html(<AuditTrailPage ctx={pageContext(c)} listing={listing} />);
  });
  return app;
}
