import { Hono, type Context } from "hono";
import { z } from "zod";
import type { Issue } from "../../domain/issues.ts";
import { APPOINTMENT_STATUSES, type AppointmentStatus } from "../../domain/scheduling/appointments.ts";
import { bookVisit } from "../../domain/scheduling/book-visit.ts";
import { publishVisitChange } from "../../domain/scheduling/schedule-channel.ts";
import { visitWhen } from "../../views/visits.tsx";
import type { AppEnv } from "../deps.ts";
import { notFound, reasonMessage, reasonStatus } from "../errors.ts";
import { safeRedirectPath } from "../safe-redirect.ts";
import { pageOrFragment } from "../respond.ts";
import { CODE_MAX, formInt, formText, LINE_MAX, validForm } from "../validation.ts";
import { renderIssuePage } from "./issues.tsx";
import { issueVisitsSection } from "./visits-section.tsx";

/** A slot as its radio button sends it: engineer id, start and end (ISO instants). */
const bookForm = z.object({ slot: formText(LINE_MAX), back: formText(LINE_MAX).optional() });
const statusForm = z.object({ status: formText(CODE_MAX), version: formInt(0), back: formText(LINE_MAX).optional() });

/** Only a quote's page may ask to be returned to (the section sits there too); anything else goes back to the job. */
const backFrom = (back: string | undefined) =>
  back && /^\/quotes\/[0-9a-f-]{36}$/.test(back) ? safeRedirectPath(back) : undefined;

export function parseSlot(value: string) {
  const [engineerId, starts, ends, extra] = value.split("|");
  const startsAt = new Date(starts ?? "");
  const endsAt = new Date(ends ?? "");
  if (!engineerId || extra !== undefined || Number.isNaN(startsAt.getTime()) || Number.isNaN(endsAt.getTime()))
    return null;
  return { engineerId, startsAt, endsAt };
}

/** htmx gets the section (with the status given); a plain form gets the page, or is sent back to it. */
async function answer(
  c: Context<AppEnv>,
  issue: Issue,
  status: 200 | 409 | 422 | 404,
  note: { error?: string; booked?: string; statusLine?: boolean; back?: string },
) {
  return pageOrFragment(
    c,
    async () =>
      status === 200 ? c.redirect(note.back ?? `/issues/${issue.id}`, 303) : renderIssuePage(c, issue, status, note),
    async () => c.html(await issueVisitsSection(c, issue, note), status),
  );
}

export function visitRoutes() {
  const app = new Hono<AppEnv>();

  /** Books the chosen slot; the rules run again as it is written, so a slot gone meanwhile is refused with why. */
  app.post("/issues/:id/visits", validForm(bookForm), async (c) => {
    const deps = c.get("deps");
    const issue = await deps.repos.issues.byId(c.req.param("id"));
    if (!issue) throw notFound("issue");
    const form = c.req.valid("form");
    const back = backFrom(form.back);
    const slot = parseSlot(form.slot);
    if (!slot) return answer(c, issue, 422, { error: "Choose one of the offered slots.", back });
    const booked = await bookVisit(
      { ...deps.repos, now: deps.now },
      { issueId: issue.id, ...slot },
      { who: c.get("user")?.email ?? "unknown" },
    );
    if (!booked.ok) {
      deps.logger.info({ event: "visit_refused", issueId: issue.id, reason: booked.reason }, "visit refused");
      return answer(c, issue, reasonStatus(booked.reason) as 409 | 422 | 404, { error: reasonMessage(booked), back });
    }
    deps.logger.info({ event: "visit_booked", issueId: issue.id, appointmentId: booked.value.id }, "visit booked");
    await publishVisitChange(deps.liveEvents, booked.value);
    const fresh = (await deps.repos.issues.byId(issue.id)) ?? issue;
    return answer(c, fresh, 200, {
      booked: visitWhen(booked.value.startsAt, booked.value.endsAt),
      // The job's status line is on the job's page only.
      statusLine: !back,
      back,
    });
  });

  /** A visit's status from the issue page (Cancel visit), checked against the version the page was drawn from. */
  app.post("/appointments/:id/status", validForm(statusForm), async (c) => {
    const { repos, liveEvents } = c.get("deps");
    const visit = await repos.appointments.byId(c.req.param("id"));
    if (!visit) throw notFound("visit");
    const issue = (await repos.issues.byId(visit.issueId))!;
    const { status, version } = c.req.valid("form");
    const back = backFrom(c.req.valid("form").back);
    if (!(APPOINTMENT_STATUSES as readonly string[]).includes(status))
      return answer(c, issue, 422, { error: `"${status}" is not a visit status.`, back });
    const changed = await repos.appointments.setStatus(
      visit.id,
      status as AppointmentStatus,
      { who: c.get("user")?.email ?? "unknown", at: c.get("deps").now() },
      version,
    );
    if (!changed.ok)
      return answer(c, issue, reasonStatus(changed.reason) as 409 | 422 | 404, { error: changed.message, back });
    await publishVisitChange(liveEvents, changed.value);
    return answer(c, issue, 200, { back });
  });

  return app;
}
