import { Hono } from "hono";
import { validateLead, type LeadInput } from "../../domain/leads.ts";
import { emptyForm } from "../../views/components.tsx";
import { isOpenIssue } from "../../domain/issues.ts";
import { LeadFormPage, LeadForm, LeadPage, LeadResults, LeadsPage } from "../../views/leads.tsx";
import type { AppEnv } from "../deps.ts";
import { audit, changedFields } from "../audit.ts";
import { notFound } from "../errors.ts";
import { formValues, pageContext } from "../page-context.ts";
import { pageOrFragment, redirectAfterPost } from "../respond.ts";

export const LEADS_PAGE_SIZE = 25;

const toInput = (form: Record<string, string>): LeadInput => ({
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

  app.get("/leads", async (c) => {
    const { repos } = c.get("deps");
    const query = (c.req.query("q") ?? "").trim().slice(0, 100);
    const page = Math.max(1, Math.min(10_000, Number.parseInt(c.req.query("page") ?? "1", 10) || 1));
    const { leads, total } = await repos.leads.search({ query, limit: LEADS_PAGE_SIZE, offset: (page - 1) * LEADS_PAGE_SIZE });
    const listing = { leads, total, query, page, pageSize: LEADS_PAGE_SIZE };
    return pageOrFragment(
      c,
      () => c.html(<LeadsPage ctx={pageContext(c)} listing={listing} />),
      () => c.html(<LeadResults listing={listing} />),
    );
  });

  app.get("/leads/new", (c) =>
    c.html(<LeadFormPage ctx={pageContext(c)} form={emptyForm({ phone: c.req.query("phone"), segment: "unknown" })} action="/leads" title="New lead" />),
  );

  app.post("/leads", async (c) => {
    const { repos } = c.get("deps");
    const form = await formValues(c);
    const result = validateLead({ ...toInput(form), source: "manual" });
    if (!result.ok) return renderInvalid(c, form, result.errors, "/leads", "New lead");
    if (result.value.phone) {
      const existing = await repos.leads.byPhone(result.value.phone);
      if (existing) {
        const errors = { phone: `This number belongs to a lead already: ${existing.name ?? existing.phone}.` };
        return renderInvalid(c, form, errors, "/leads", "New lead");
      }
    }
    const lead = await repos.leads.create(result.value);
    await audit(c, "lead", lead.id, "created");
    return redirectAfterPost(c, `/leads/${lead.id}`);
  });

  app.get("/leads/:id", async (c) => {
    const { repos } = c.get("deps");
    const lead = await repos.leads.byId(c.req.param("id"));
    if (!lead) throw notFound("lead");
    const [timeline, issues, history] = await Promise.all([repos.timeline.forLead(lead.id), repos.issues.forLead(lead.id), repos.audit.forEntity("lead", lead.id)]);
    const openIssues = issues.filter((i) => isOpenIssue(i.status));
    return c.html(<LeadPage ctx={pageContext(c)} lead={lead} timeline={timeline} openIssues={openIssues} history={history} />);
  });

  app.get("/leads/:id/edit", async (c) => {
    const lead = await c.get("deps").repos.leads.byId(c.req.param("id"));
    if (!lead) throw notFound("lead");
    const { name, organisation, phone, email, address, postcode, segment, notes } = lead;
    const values = { name, organisation, phone, email, address, postcode, segment, notes };
    return c.html(<LeadFormPage ctx={pageContext(c)} form={emptyForm(values)} action={`/leads/${lead.id}`} title="Edit lead" />);
  });

  app.post("/leads/:id", async (c) => {
    const { repos } = c.get("deps");
    const lead = await repos.leads.byId(c.req.param("id"));
    if (!lead) throw notFound("lead");
    const form = await formValues(c);
    const action = `/leads/${lead.id}`;
    const result = validateLead({ ...toInput(form), source: lead.source });
    if (!result.ok) return renderInvalid(c, form, result.errors, action, "Edit lead");
    if (result.value.phone && result.value.phone !== lead.phone) {
      const owner = await repos.leads.byPhone(result.value.phone);
      if (owner) return renderInvalid(c, form, { phone: "Another lead has this number." }, action, "Edit lead");
    }
    await repos.leads.update(lead.id, result.value);
    await audit(c, "lead", lead.id, "edited", { fields: changedFields(lead, result.value) });
    return redirectAfterPost(c, action);
  });

  return app;
}

function renderInvalid(
  c: import("hono").Context<AppEnv>,
  values: Record<string, string>,
  errors: Record<string, string>,
  action: string,
  title: string,
) {
  const form = { values, errors };
  return pageOrFragment(
    c,
    () => c.html(<LeadFormPage ctx={pageContext(c)} form={form} action={action} title={title} />, 422),
    () => c.html(<LeadForm ctx={pageContext(c)} form={form} action={action} />, 422),
  );
}
