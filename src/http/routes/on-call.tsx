import { type Context, Hono } from "hono";
import { z } from "zod";
import { checkRotaPeriod, parseLondonDateTime, parseOfficeHours, whoAnswers } from "../../domain/scheduling/on-call.ts";
import { changeEngineerPhone } from "../../domain/scheduling/engineer-phone.ts";
import type { AppEnv } from "../deps.ts";
import { reasonStatus } from "../errors.ts";
import { requireRole } from "../middleware/require-role.ts";
import { pageContext } from "../page-context.ts";
import { CODE_MAX, formList, formText, validForm } from "../validation.ts";
import { OnCallPage, type OnCallPageData } from "../../views/on-call.tsx";

const hoursForm = z.object({ day: formList(CODE_MAX, 7) });
const phoneForm = z.object({ phone: formText(CODE_MAX) });
const periodForm = z.object({ engineerId: formText(CODE_MAX), from: formText(CODE_MAX), to: formText(CODE_MAX) });

/** The rota the page lists: from a day ago (tonight's period began yesterday) to four weeks on. */
const DAY_MS = 24 * 3600_000;

async function pageData(c: Context<AppEnv>): Promise<OnCallPageData> {
  const { repos, now, twilio } = c.get("deps");
  const at = now();
  const [officeHours, rota, engineers] = await Promise.all([
    repos.onCall.officeHours(),
    repos.onCall.rota({ from: new Date(at.getTime() - DAY_MS), to: new Date(at.getTime() + 28 * DAY_MS) }),
    repos.engineers.active(),
  ]);
  return {
    officeHours,
    rota,
    engineers,
    now: whoAnswers(at, officeHours, rota),
    hasStaffNumbers: twilio.staffNumbers.length > 0,
  };
}

/** The page again with the reason beside the form, and what was typed kept. */
async function refused(
  c: Context<AppEnv>,
  status: ReturnType<typeof reasonStatus>,
  error: string,
  typed?: Parameters<typeof OnCallPage>[0]["typed"],
) {
  return c.html(<OnCallPage ctx={pageContext(c)} data={await pageData(c)} error={error} typed={typed} />, status);
}

/** Office hours and the on-call rota at /settings/on-call: staff read it, admins change it (audited). */
export function onCallRoutes() {
  const app = new Hono<AppEnv>();

  app.get("/settings/on-call", async (c) => c.html(<OnCallPage ctx={pageContext(c)} data={await pageData(c)} />));

  const badForm = (c: Context<AppEnv>, bad: { errors: Record<string, string> }) => {
    const [field, message] = Object.entries(bad.errors)[0] ?? ["form", "The form could not be read."];
    return refused(c, 422, `${field}: ${message}`);
  };

  app.post("/settings/on-call/hours", requireRole("admin"), validForm(hoursForm, badForm), async (c) => {
    const { repos, logger, now } = c.get("deps");
    const { day } = c.req.valid("form");
    const parsed = parseOfficeHours(day);
    if (!parsed.ok) return refused(c, reasonStatus(parsed.reason), parsed.message, { days: day });
    const user = c.get("user");
    await repos.onCall.setOfficeHours(parsed.value, { who: user?.email ?? "unknown", at: now() });
    logger.info({ event: "audit", userId: user?.id }, "office hours set");
    return c.redirect("/settings/on-call", 303);
  });

  app.post("/settings/on-call/periods", requireRole("admin"), validForm(periodForm, badForm), async (c) => {
    const { repos, logger, now } = c.get("deps");
    const typed = c.req.valid("form");
    const startsAt = parseLondonDateTime(typed.from);
    const endsAt = parseLondonDateTime(typed.to);
    if (!startsAt || !endsAt)
      return refused(c, 422, "Give when the period starts and ends, as a date and a time.", typed);
    const user = c.get("user");
    const added = await repos.onCall.addPeriod(
      { engineerId: typed.engineerId, startsAt, endsAt },
      (overlapping) => checkRotaPeriod({ engineerId: typed.engineerId, startsAt, endsAt }, overlapping),
      { who: user?.email ?? "unknown", at: now() },
    );
    if (!added.ok) return refused(c, reasonStatus(added.reason), added.message, typed);
    logger.info({ event: "audit", userId: user?.id, periodId: added.value.id }, "on-call period added");
    return c.redirect("/settings/on-call", 303);
  });

  /** An engineer's on-call number, set or removed by an admin (audited); a bad one is refused with the reason. */
  app.post("/settings/on-call/engineers/:id/phone", requireRole("admin"), validForm(phoneForm, badForm), async (c) => {
    const { repos, logger } = c.get("deps");
    const user = c.get("user");
    const changed = await changeEngineerPhone(repos, c.req.param("id"), c.req.valid("form").phone, {
      who: user?.email ?? "unknown",
    });
    if (!changed.ok) return refused(c, reasonStatus(changed.reason), changed.message);
    logger.info({ event: "audit", userId: user?.id, engineerId: changed.value.userId }, "engineer's phone set");
    return c.redirect("/settings/on-call", 303);
  });

  app.post("/settings/on-call/periods/:id/remove", requireRole("admin"), async (c) => {
    const { repos, logger, now } = c.get("deps");
    const user = c.get("user");
    const id = c.req.param("id");
    if (!(await repos.onCall.removePeriod(id, { who: user?.email ?? "unknown", at: now() })))
      return refused(c, 404, "That period is no longer on the rota.");
    logger.info({ event: "audit", userId: user?.id, periodId: id }, "on-call period removed");
    return c.redirect("/settings/on-call", 303);
  });

  return app;
}
