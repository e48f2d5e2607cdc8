import { Hono, type Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { z } from "zod";
import { SCHEDULE_CHANNEL, visitChanged } from "../../domain/scheduling/schedule-channel.ts";
import { customerMayAskAgain, customerMayConfirm, visitLinkState } from "../../domain/scheduling/visit-link.ts";
import { firstName, visitSlotWords } from "../../domain/scheduling/visit-notices.ts";
import type { Appointment } from "../../domain/scheduling/appointments.ts";
import type { AppointmentView } from "../../ports/scheduling.ts";
import { VisitPublicPage } from "../../views/visit-public.tsx";
import type { AppEnv } from "../deps.ts";
import { reasonStatus } from "../errors.ts";
import { crossSiteProtection } from "../middleware/cross-site.ts";
import { formText, validForm } from "../validation.ts";
import { refusal } from "./quote-public.tsx";

const anotherTimeForm = z.object({ note: formText(300).optional() });

/** Who the audit trail names for a change made from the customer's link (their name stays out of it). */
const CUSTOMER = "customer (visit link)";

/** The page for a visit, with a refusal above it when a button was pressed too late. */
async function visitPage(c: Context<AppEnv>, visit: AppointmentView, status: ContentfulStatusCode, error?: string) {
  const deps = c.get("deps");
  const issue = await deps.repos.issues.byId(visit.issueId);
  const lead = issue ? await deps.repos.leads.byId(issue.leadId) : null;
  c.header("Cache-Control", "private, no-store");
  c.header("Referrer-Policy", "no-referrer");
  c.header("X-Robots-Tag", "noindex");
  return c.html(
    <VisitPublicPage
      company={deps.quotesToCash.company}
      token={c.req.param("token")!}
      firstName={firstName(lead?.name ?? null)}
      slot={visitSlotWords(visit.startsAt, visit.endsAt)}
      state={visitLinkState(visit, deps.now())}
      error={error}
    />,
    status,
  );
}

const notFound = (c: Context<AppEnv>) =>
  refusal(
    c,
    404,
    "Visit not found",
    "There is no visit at this link. Check the link in your message, or contact us.",
    null,
  );

/** Tells every staff page showing the visit (the board, the job) that it changed. */
const published = (c: Context<AppEnv>, visit: Appointment) =>
  c.get("deps").liveEvents.publish(SCHEDULE_CHANNEL, visitChanged(visit));

/**
 * The customer's visit link, /a/:token (128 random bits; only its hash is stored): the slot,
 * Confirm, and Ask for another time. A cancelled or past visit shows what happened and takes no
 * action; a token that opens nothing is 404.
 */
export function visitPublicRoutes() {
  const app = new Hono<AppEnv>();
  app.use("/a/*", crossSiteProtection());

  app.get("/a/:token", async (c) => {
    const visit = await c.get("deps").repos.appointments.byToken(c.req.param("token"));
    return visit ? visitPage(c, visit, 200) : notFound(c);
  });

  app.post("/a/:token/confirm", async (c) => {
    const deps = c.get("deps");
    const visit = await deps.repos.appointments.byToken(c.req.param("token"));
    if (!visit) return notFound(c);
    const allowed = customerMayConfirm(visit, deps.now());
    if (!allowed.ok) return visitPage(c, visit, reasonStatus(allowed.reason), allowed.message);
    if (allowed.value === "confirm") {
      const confirmed = await deps.repos.appointments.setStatus(
        visit.id,
        "confirmed",
        { who: CUSTOMER, at: deps.now() },
        visit.version,
      );
      if (!confirmed.ok) {
        const now = (await deps.repos.appointments.byId(visit.id)) ?? visit;
        return visitPage(
          c,
          now,
          reasonStatus(confirmed.reason),
          "This visit changed meanwhile: here it is as it stands.",
        );
      }
      await published(c, confirmed.value);
      deps.logger.info({ event: "visit_confirmed", appointmentId: visit.id }, "customer confirmed a visit");
    }
    return c.redirect(`/a/${c.req.param("token")}`, 303);
  });

  app.post("/a/:token/another-time", validForm(anotherTimeForm), async (c) => {
    const deps = c.get("deps");
    const visit = await deps.repos.appointments.byToken(c.req.param("token"));
    if (!visit) return notFound(c);
    const allowed = customerMayAskAgain(visit, deps.now());
    if (!allowed.ok) return visitPage(c, visit, reasonStatus(allowed.reason), allowed.message);
    const asked = await deps.repos.appointments.requestAnotherTime(
      visit.id,
      { who: CUSTOMER, at: deps.now() },
      c.req.valid("form").note || null,
    );
    if (!asked.ok) return visitPage(c, visit, reasonStatus(asked.reason), asked.message);
    await published(c, asked.value);
    deps.logger.info({ event: "visit_change_requested", appointmentId: visit.id }, "customer asked for another time");
    return c.redirect(`/a/${c.req.param("token")}`, 303);
  });

  return app;
}
