import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import type { Issue } from "../../domain/issues.ts";
import {
  calendarEntries,
  FEED_DAYS_AHEAD,
  FEED_DAYS_BACK,
  isCalendarToken,
} from "../../domain/scheduling/calendar-feed.ts";
import type { AppEnv } from "../deps.ts";

const DAY_MS = 86_400_000;
const nothingHere = () => new HTTPException(404, { message: "There is no calendar at this address." });

/**
 * An engineer's calendar feed, `/calendar/<secret>.ics`: public (phones subscribe without a
 * login), so the 128-bit secret is the credential. An unknown or replaced secret is a plain 404,
 * the same as a malformed one; the secret never reaches the logs (the request log writes the
 * route's pattern for this path).
 */
export function calendarFeedRoutes() {
  const app = new Hono<AppEnv>();

  app.get("/calendar/:file", async (c) => {
    const deps = c.get("deps");
    const file = c.req.param("file");
    const token = file.endsWith(".ics") ? file.slice(0, -4) : "";
    if (!isCalendarToken(token)) throw nothingHere();
    const engineer = await deps.repos.engineers.byCalendarToken(token);
    if (!engineer) throw nothingHere();
    const now = deps.now();
    const visits = await deps.repos.appointments.forEngineer(engineer.userId, {
      from: new Date(now.getTime() - FEED_DAYS_BACK * DAY_MS),
      to: new Date(now.getTime() + FEED_DAYS_AHEAD * DAY_MS),
    });
    const issues = new Map<string, Issue>();
    for (const id of new Set(visits.map((v) => v.issueId))) {
      const issue = await deps.repos.issues.byId(id);
      if (issue) issues.set(id, issue);
    }
    const entries = calendarEntries(
      visits
        .filter((v) => issues.has(v.issueId))
        .map((appointment) => ({ appointment, issue: issues.get(appointment.issueId)! })),
      deps.settings.publicBaseUrl,
    );
    const text = deps.fieldWork.calendarFeed({ name: engineer.name ?? engineer.email, entries, now });
    return c.body(text, 200, {
      "Content-Type": "text/calendar; charset=utf-8",
      "Cache-Control": "private, no-store",
      // The URL is the secret: never hand it on in a Referer.
      "Referrer-Policy": "no-referrer",
    });
  });

  return app;
}
