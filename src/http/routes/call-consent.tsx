import { type Context, Hono } from "hono";
import { z } from "zod";
import { checkCallingHours, parseCallingHours, parseRemovalReason } from "../../domain/assistant/call-policy.ts";
import { AssistantCallsPage, type AssistantCallsPageData } from "../../views/call-consent.tsx";
import type { AppEnv } from "../deps.ts";
import { HTTPException } from "hono/http-exception";
import { notFound, reasonStatus } from "../errors.ts";
import { requireRole } from "../middleware/require-role.ts";
import { pageContext } from "../page-context.ts";
import { safeRedirectPath } from "../safe-redirect.ts";
import { CODE_MAX, formList, formText, LINE_MAX, validForm } from "../validation.ts";

const PAGE = "/settings/assistant-calls";
/** The register is short in practice; a page of 500 is the whole of it. */
const OPT_OUTS_SHOWN = 500;

const hoursForm = z.object({ day: formList(CODE_MAX, 7) });
const removeForm = z.object({ reason: formText(LINE_MAX), back: formText(LINE_MAX) });

async function pageData(c: Context<AppEnv>): Promise<AssistantCallsPageData> {
  const { repos, now } = c.get("deps");
  const [hours, optOuts] = await Promise.all([
    repos.callConsent.callingHours(),
    repos.callConsent.optOuts(OPT_OUTS_SHOWN),
  ]);
  const inHours = checkCallingHours(now(), hours);
  return { hours, optOuts, now: inHours.ok ? { ok: true } : { ok: false, message: inHours.message } };
}

/** The page again with the reason beside the form, what was typed kept, and nothing saved. */
async function refused(
  c: Context<AppEnv>,
  status: ReturnType<typeof reasonStatus>,
  error: string,
  typedDays?: string[],
) {
  return c.html(
    <AssistantCallsPage ctx={pageContext(c)} data={await pageData(c)} error={error} typedDays={typedDays} />,
    status,
  );
}

/**
 * Automated calls at /settings/assistant-calls: the calling hours and the opt-out register. Staff
 * read it; admins change the hours and remove opt-outs (both audited, in the repository's transaction).
 */
export function callConsentRoutes() {
  const app = new Hono<AppEnv>();

  app.get(PAGE, async (c) => c.html(<AssistantCallsPage ctx={pageContext(c)} data={await pageData(c)} />));

  const badForm = (c: Context<AppEnv>, bad: { errors: Record<string, string> }) => {
    const [field, message] = Object.entries(bad.errors)[0] ?? ["form", "The form could not be read."];
    return refused(c, 422, `${field}: ${message}`);
  };

  app.post(`${PAGE}/hours`, requireRole("admin"), validForm(hoursForm, badForm), async (c) => {
    const { repos, logger, now } = c.get("deps");
    const { day } = c.req.valid("form");
    const parsed = parseCallingHours(day);
    if (!parsed.ok) return refused(c, reasonStatus(parsed.reason), parsed.message, day);
    const user = c.get("user");
    await repos.callConsent.setCallingHours(parsed.value, { who: user?.email ?? "unknown", at: now() });
    logger.info({ event: "audit", userId: user?.id }, "assistant calling hours set");
    return c.redirect(PAGE, 303);
  });

  app.post(`${PAGE}/opt-outs/:id/remove`, requireRole("admin"), validForm(removeForm, badForm), async (c) => {
    const { repos, logger, now } = c.get("deps");
    const form = c.req.valid("form");
    const reason = parseRemovalReason(form.reason);
    if (!reason.ok) return refused(c, reasonStatus(reason.reason), reason.message);
    const user = c.get("user");
    const id = c.req.param("id");
    const removed = await repos.callConsent.removeOptOut(id, reason.value, {
      who: user?.email ?? "unknown",
      at: now(),
    });
    if (!removed.ok) return refused(c, reasonStatus(removed.reason), removed.message);
    // The id names the register's row, never the number: phone numbers stay out of logs.
    logger.info({ event: "audit", userId: user?.id, optOutId: id }, "opt-out removed");
    return c.redirect(form.back ? safeRedirectPath(form.back) : PAGE, 303);
  });

  // A customer who asks the office, not the assistant, to stop: any staff member records it from
  // the lead page, and from then on the gate refuses the number as it does for a pressed 9.
  app.post("/leads/:id/opt-out", async (c) => {
    const { repos, callConsent, logger } = c.get("deps");
    const lead = await repos.leads.byId(c.req.param("id"));
    if (!lead) throw notFound("lead");
    if (!lead.phone)
      throw new HTTPException(422, { message: "This lead has no phone number to take off automated calls." });
    const user = c.get("user");
    const recorded = await callConsent.recordOptOut({
      phone: lead.phone,
      callId: null,
      source: "told_staff",
      who: user?.email ?? "unknown",
    });
    if (!recorded.ok) throw new HTTPException(reasonStatus(recorded.reason), { message: recorded.message });
    logger.info(
      { event: "audit", userId: user?.id, optOutId: recorded.value.id, leadId: lead.id },
      "opt-out recorded by staff",
    );
    return c.redirect(`/leads/${lead.id}#opt-out`, 303);
  });

  return app;
}
