import { Hono, type Context } from "hono";
import { z } from "zod";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { addLead, editLead, type PhoneTaken } from "../../domain/lead-identity.ts";
import { validateLead, type Lead, type LeadInput } from "../../domain/leads.ts";
import { emptyForm } from "../../views/components.tsx";
import { isOpenIssue } from "../../domain/issues.ts";
import { LeadFormPage, LeadForm, LeadPage, LeadResults, LeadsPage } from "../../views/leads.tsx";
import { phoneForDisplay } from "../../views/format.ts";
import type { AppEnv } from "../deps.ts";
import { audit, changedFields } from "../audit.ts";
import { notFound, reasonStatus } from "../errors.ts";
import { pageContext } from "../page-context.ts";
import { pageOrFragment, redirectAfterPost } from "../respond.ts";
import {
  CODE_MAX,
  formText,
  LINE_MAX,
  pageNumber,
  searchText,
  TEXT_MAX,
  validForm,
  validQuery,
} from "../validation.ts";

export const LEADS_PAGE_SIZE = 25;

/** The lead form's shape at the edge; validateLead decides what is a lead. */
const leadForm = z.object({
  name: formText(LINE_MAX),
  organisation: formText(LINE_MAX),
  phone: formText(CODE_MAX),
  email: formText(LINE_MAX),
  address: formText(LINE_MAX),
  postcode: formText(CODE_MAX),
  segment: formText(CODE_MAX),
  notes: formText(TEXT_MAX),
});
type LeadForm = z.infer<typeof leadForm>;

/** The search box and the page: a long query is cut rather than refused, a bad page is page 1. */
const searchQuery = z.object({ q: searchText(), page: pageNumber(10_000) });

/** A new lead may start from a number (a caller's); one that cannot be a number starts blank. */
const newLeadQuery = z.object({ phone: formText(CODE_MAX).catch("") });

const toInput = (form: LeadForm): LeadInput => ({
  name: form.name,
  organisation: form.organisation,
  phone: form.phone,
  email: form.email,
  address: form.address,
  postcode: form.postcode,
  segment: form.segment,
  notes: form.notes,
});

export function leadRoutes() {
  const app = new Hono<AppEnv>();

  app.get("/leads", validQuery(searchQuery), async (c) => {
    const { repos } = c.get("deps");
    const { q: query, page } = c.req.valid("query");
    const { leads, total } = await repos.leads.search({
      query,
      limit: LEADS_PAGE_SIZE,
      offset: (page - 1) * LEADS_PAGE_SIZE,
    });
    const listing = { leads, total, query, page, pageSize: LEADS_PAGE_SIZE };
    return pageOrFragment(
      c,
      () => c.html(<LeadsPage ctx={pageContext(c)} listing={listing} />),
      () => c.html(<LeadResults listing={listing} />),
    );
  });

  app.get("/leads/new", validQuery(newLeadQuery), (c) =>
    c.html(
      <LeadFormPage
        ctx={pageContext(c)}
        form={emptyForm({ phone: c.req.valid("query").phone, segment: "unknown" })}
        action="/leads"
        title="New lead"
      />,
    ),
  );

  app.post(
    "/leads",
    validForm(leadForm, (c, bad) => renderInvalid(c, bad.values, bad.errors, "/leads", "New lead")),
    async (c) => {
      const { repos } = c.get("deps");
      const form = c.req.valid("form");
      const result = validateLead({ ...toInput(form), source: "manual" });
      if (!result.ok) return renderInvalid(c, form, result.errors, "/leads", "New lead");
      const added = await addLead(repos.leads, result.value);
      if (!added.ok) return renderPhoneTaken(c, form, added, "/leads", "New lead");
      const lead = added.value;
      await audit(c, "lead", lead.id, "created");
      return redirectAfterPost(c, `/leads/${lead.id}`);
    },
  );

  app.get("/leads/:id", async (c) => {
    const { repos } = c.get("deps");
    const lead = await repos.leads.byId(c.req.param("id"));
    if (!lead) throw notFound("lead");
    const [timeline, issues, history, contacts, optOut] = await Promise.all([
      repos.timeline.forLead(lead.id),
      repos.issues.forLead(lead.id),
      repos.audit.forEntity("lead", lead.id),
      repos.leadContacts.forLead(lead.id),
      lead.phone ? repos.callConsent.optOutFor(lead.phone) : null,
    ]);
    const openIssues = issues.filter((i) => isOpenIssue(i.status));
    return c.html(
      <LeadPage
        ctx={pageContext(c)}
        lead={lead}
        timeline={timeline}
        openIssues={openIssues}
        history={history}
        contacts={contacts}
        optOut={optOut}
        simulatedCustomer={c.get("deps").assistant.simulator !== null}
      />,
    );
  });

  app.get("/leads/:id/edit", async (c) => {
    const lead = await c.get("deps").repos.leads.byId(c.req.param("id"));
    if (!lead) throw notFound("lead");
    const { name, organisation, phone, email, address, postcode, segment, notes } = lead;
    // The number as staff would type it ("07700 900123"); it reads back to the same E.164.
    const values = {
      name,
      organisation,
      phone: phone && phoneForDisplay(phone),
      email,
      address,
      postcode,
      segment,
      notes,
    };
    return c.html(
      <LeadFormPage ctx={pageContext(c)} form={emptyForm(values)} action={`/leads/${lead.id}`} title="Edit lead" />,
    );
  });

  const editInvalid = validForm(leadForm, (c, bad) =>
    renderInvalid(c, bad.values, bad.errors, `/leads/${c.req.param("id")}`, "Edit lead"),
  );
  app.post("/leads/:id", editInvalid, async (c) => {
    const { repos } = c.get("deps");
    const lead = await repos.leads.byId(c.req.param("id"));
    if (!lead) throw notFound("lead");
    const form = c.req.valid("form");
    const action = `/leads/${lead.id}`;
    const result = validateLead({ ...toInput(form), source: lead.source });
    if (!result.ok) return renderInvalid(c, form, result.errors, action, "Edit lead");
    const edited = await editLead(repos.leads, lead.id, result.value);
    if (!edited) throw notFound("lead");
    if (!edited.ok) return renderPhoneTaken(c, form, edited, action, "Edit lead");
    await audit(c, "lead", lead.id, "edited", { fields: changedFields(lead, result.value) });
    return redirectAfterPost(c, action);
  });

  return app;
}

/**
 * The number is another lead's: the form again, the reason beside the phone field and a link to
 * that lead, answered with phone_taken's status from the reason table.
 */
function renderPhoneTaken(
  c: Context<AppEnv>,
  values: Record<string, string>,
  taken: PhoneTaken,
  action: string,
  title: string,
) {
  return renderInvalid(c, values, { phone: taken.message }, action, title, reasonStatus("phone_taken"), taken.existing);
}

function renderInvalid(
  c: Context<AppEnv>,
  values: Record<string, string>,
  errors: Record<string, string>,
  action: string,
  title: string,
  status: ContentfulStatusCode = 422,
  numberOwner?: Lead,
) {
  const form = { values, errors };
  return pageOrFragment(
    c,
    () =>
      c.html(
        <LeadFormPage ctx={pageContext(c)} form={form} action={action} title={title} numberOwner={numberOwner} />,
        status,
      ),
    () => c.html(<LeadForm ctx={pageContext(c)} form={form} action={action} numberOwner={numberOwner} />, status),
  );
}
