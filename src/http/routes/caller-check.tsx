import { Hono } from "hono";
import { z } from "zod";
import { CALLER_CHOICES } from "../../domain/caller-match.ts";
import { chooseCaller, type CallerAnswer } from "../../domain/caller-choice.ts";
import { callerCardData } from "../../domain/live-call/caller-card.ts";
import { publishCallerCheck } from "../../domain/live-call/caller-check.ts";
import { callChannel } from "../../domain/live-call/channels.ts";
import { leadDisplayName } from "../../domain/leads.ts";
import { CallerCheckNotice } from "../../views/caller-check.tsx";
import { CallerCard, IntakeNote } from "../../views/call-live.tsx";
import { audit } from "../audit.ts";
import type { AppEnv } from "../deps.ts";
import { notFound, rejectionError } from "../errors.ts";
import { isHtmx } from "../page-context.ts";
import { redirectAfterPost } from "../respond.ts";
import { formText, validForm } from "../validation.ts";

const NAME_MAX = 200;

/** Staff's answer to "check caller"; the domain decides whether a name is needed (`chooseCaller`). */
const answerForm = z.object({
  choice: z.enum(CALLER_CHOICES, { error: `Choose one of: ${CALLER_CHOICES.join(", ")}.` }),
  name: formText(NAME_MAX).optional(),
  role: formText(NAME_MAX).optional(),
  organisation: formText(NAME_MAX).optional(),
});

const WHAT: Record<CallerAnswer["choice"], string> = {
  same: "confirmed the caller is the customer on file",
  contact: "filed the caller as another contact at this number",
  different: "moved the call to a new lead: a different customer",
};

/** The three answers to a call flagged "check caller" (src/domain/caller-choice.ts). */
export function callerCheckRoutes() {
  const app = new Hono<AppEnv>();

  app.post("/calls/:id/caller", validForm(answerForm), async (c) => {
    const deps = c.get("deps");
    const { repos, liveEvents } = deps;
    const call = await repos.calls.byId(c.req.param("id"));
    if (!call) throw notFound("call");
    const form = c.req.valid("form");
    const answer: CallerAnswer =
      form.choice === "same"
        ? { choice: "same" }
        : form.choice === "contact"
          ? { choice: "contact", name: form.name ?? "", role: form.role || null }
          : { choice: "different", name: form.name ?? "", organisation: form.organisation || null };
    const chosen = await chooseCaller(
      {
        calls: repos.calls,
        leads: repos.leads,
        leadContacts: repos.leadContacts,
        issues: repos.issues,
        auditTrail: repos.audit,
        now: c.get("deps").now,
        extractor: c.get("deps").extraction.extractor,
      },
      call,
      answer,
    );
    if (!chosen.ok) throw rejectionError(chosen);
    const { lead, onFile, contact, filed } = chosen.value;
    const updated = chosen.value.call;
    await audit(c, "call", call.id, WHAT[answer.choice], {
      fromLeadId: onFile.id,
      leadId: lead.id,
      ...(contact ? { contactId: contact.id } : {}),
      ...(filed ? { issueId: filed.issue.id } : {}),
    });
    if (contact)
      await audit(c, "lead", onFile.id, "added a contact from a call", { contactId: contact.id, callId: call.id });
    if (answer.choice === "different") await audit(c, "lead", lead.id, "created from a call", { callId: call.id });

    await publishCallerCheck({ liveEvents }, updated);
    await liveEvents.publish(callChannel(call.id), { type: "caller", data: callerCardData(updated, lead) });
    if (filed) {
      await liveEvents.publish(callChannel(call.id), {
        type: "intake",
        data: { issueId: filed.issue.id, title: filed.issue.title, created: filed.created },
      });
    }
    if (!isHtmx(c)) return redirectAfterPost(c, `/calls/${call.id}`);
    // The page may have stopped listening (the call ended): the card, heading and job come along.
    return c.html(
      <>
        <CallerCheckNotice callId={call.id} check={updated.callerCheck} csrfToken={null} />
        <section class="card" id="caller-details" sse-swap="caller" hx-swap-oob="true">
          <CallerCard call={updated} lead={lead} />
        </section>
        <span id="caller-name" sse-swap="caller-name" hx-swap-oob="true">
          {leadDisplayName(lead)}
        </span>
        {filed ? (
          <div id="intake-note" sse-swap="intake" hx-swap-oob="true">
            <IntakeNote issue={filed.issue} created={filed.created} />
          </div>
        ) : null}
      </>,
    );
  });

  return app;
}
