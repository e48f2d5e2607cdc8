import { Hono, type Context } from "hono";
import { z } from "zod";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import {
  becameEmergency,
  ISSUE_STATUSES,
  validateIssue,
  type Issue,
  type IssueInput,
  type IssueStatus,
} from "../../domain/issues.ts";
import { leadDisplayName, type Lead } from "../../domain/leads.ts";
import { emptyForm } from "../../views/components.tsx";
import { IssueCard, IssueForm, IssueFormPage, IssuePage, IssuesBoardPage } from "../../views/issues.tsx";
import type { AppEnv } from "../deps.ts";
import { audit, changedFields } from "../audit.ts";
import { emergencySetByHand } from "../emergency-alert-deps.ts";
import { issueQuoteSection } from "./quotes.tsx";
import { issueVisitsSection } from "./visits-section.tsx";
import { notFound, reasonStatus } from "../errors.ts";
import { pageContext } from "../page-context.ts";
import { pageOrFragment, redirectAfterPost } from "../respond.ts";
import { CODE_MAX, formText, LINE_MAX, TEXT_MAX, validForm, validQuery } from "../validation.ts";

/** The issue form's shape at the edge; validateIssue decides what is a job. */
const issueForm = z.object({
  leadId: formText(CODE_MAX),
  title: formText(LINE_MAX),
  description: formText(TEXT_MAX),
  category: formText(CODE_MAX),
  urgency: formText(CODE_MAX),
  address: formText(LINE_MAX),
  postcode: formText(CODE_MAX),
  accessNotes: formText(TEXT_MAX),
});

/** The board's status change: which statuses exist is the domain's (ISSUE_STATUSES). */
const statusForm = z.object({ status: formText(CODE_MAX) });

/** The new-issue form may start from a lead; an id that cannot be one starts from the list. */
const newIssueQuery = z.object({ leadId: formText(CODE_MAX).catch("") });

const toInput = (form: z.infer<typeof issueForm>): IssueInput => ({
  leadId: form.leadId,
  title: form.title,
  description: form.description,
  category: form.category,
  urgency: form.urgency,
  address: form.address,
  postcode: form.postcode,
  accessNotes: form.accessNotes,
});

/** The leads offered in the issue form: the one asked for, or the most recent. */
async function leadChoices(c: Context<AppEnv>, leadId: string | undefined): Promise<Lead[]> {
  const { repos } = c.get("deps");
  if (leadId) {
    const lead = await repos.leads.byId(leadId);
    if (lead) return [lead];
  }
  return (await repos.leads.search({ limit: 50, offset: 0 })).leads;
}

export function issueRoutes() {
  const app = new Hono<AppEnv>();

  app.get("/issues", async (c) => {
    const issues = await c.get("deps").repos.issues.board();
    return c.html(<IssuesBoardPage ctx={pageContext(c)} issues={issues} />);
  });

  app.get("/issues/new", validQuery(newIssueQuery), async (c) => {
    const { leadId } = c.req.valid("query");
    const leads = await leadChoices(c, leadId);
    const lead = leads.length === 1 && leadId ? leads[0] : undefined;
    const form = emptyForm({
      leadId: lead?.id,
      address: lead?.address,
      postcode: lead?.postcode,
      urgency: "routine",
      category: "general",
    });
    return c.html(<IssueFormPage ctx={pageContext(c)} form={form} action="/issues" title="New issue" leads={leads} />);
  });

  app.post(
    "/issues",
    validForm(issueForm, (c, bad) => renderInvalid(c, bad.values, bad.errors, "/issues", "New issue")),
    async (c) => {
      const { repos } = c.get("deps");
      const form = c.req.valid("form");
      const result = validateIssue(toInput(form));
      const lead = result.ok ? await repos.leads.byId(result.value.leadId) : null;
      if (!result.ok || !lead) {
        const errors = result.ok ? { leadId: "That lead does not exist." } : result.errors;
        return renderInvalid(c, form, errors, "/issues", "New issue");
      }
      const issue = await repos.issues.create(result.value);
      await audit(c, "issue", issue.id, "created");
      if (issue.urgency === "emergency") await emergencySetByHand(c, issue, lead);
      return redirectAfterPost(c, `/issues/${issue.id}`);
    },
  );

  app.get("/issues/:id", async (c) => {
    const issue = await c.get("deps").repos.issues.byId(c.req.param("id"));
    if (!issue) throw notFound("issue");
    return renderIssuePage(c, issue);
  });

  app.get("/issues/:id/edit", async (c) => {
    const issue = await c.get("deps").repos.issues.byId(c.req.param("id"));
    if (!issue) throw notFound("issue");
    const leads = await leadChoices(c, issue.leadId);
    const { leadId, title, description, category, urgency, address, postcode, accessNotes } = issue;
    const form = emptyForm({ leadId, title, description, category, urgency, address, postcode, accessNotes });
    return c.html(
      <IssueFormPage
        ctx={pageContext(c)}
        form={form}
        action={`/issues/${issue.id}`}
        title="Edit issue"
        leads={leads}
      />,
    );
  });

  const editInvalid = validForm(issueForm, (c, bad) =>
    renderInvalid(c, bad.values, bad.errors, `/issues/${c.req.param("id")}`, "Edit issue"),
  );
  app.post("/issues/:id", editInvalid, async (c) => {
    const { repos } = c.get("deps");
    const issue = await repos.issues.byId(c.req.param("id"));
    if (!issue) throw notFound("issue");
    const form = c.req.valid("form");
    const action = `/issues/${issue.id}`;
    const result = validateIssue(toInput(form));
    const lead = result.ok ? await repos.leads.byId(result.value.leadId) : null;
    if (!result.ok || !lead) {
      const errors = result.ok ? { leadId: "That lead does not exist." } : result.errors;
      return renderInvalid(c, form, errors, action, "Edit issue");
    }
    await repos.issues.update(issue.id, result.value);
    await audit(c, "issue", issue.id, "edited", { fields: changedFields(issue, result.value) });
    if (becameEmergency(issue, result.value)) await emergencySetByHand(c, { ...issue, ...result.value }, lead);
    return redirectAfterPost(c, action);
  });

  /** Status change from the board: answers the card, with the reason when refused. */
  app.post("/issues/:id/status", validForm(statusForm), async (c) => {
    const { repos } = c.get("deps");
    const issue = await repos.issues.byId(c.req.param("id"));
    if (!issue) throw notFound("issue");
    const lead = await repos.leads.byId(issue.leadId);
    const requested = c.req.valid("form").status;
    const card = (status: IssueStatus, error?: string) => (
      <IssueCard issue={{ ...issue, status, leadName: lead ? leadDisplayName(lead) : null }} error={error} />
    );
    if (!(ISSUE_STATUSES as readonly string[]).includes(requested)) {
      return c.html(card(issue.status, `"${requested}" is not a status.`), 422);
    }
    // The repository checks the move against the transition table as it writes.
    const changed = await repos.issues.setStatus(issue.id, requested as IssueStatus);
    if (!changed.ok) return c.html(card(issue.status, changed.message), reasonStatus(changed.reason));
    await audit(c, "issue", issue.id, `status ${issue.status} → ${changed.value}`);
    return pageOrFragment(
      c,
      () => c.redirect("/issues", 303),
      () => c.html(card(changed.value)),
    );
  });

  return app;
}

/** The issue page, with a note beside "Book a visit" when a booking was refused. */
export async function renderIssuePage(
  c: Context<AppEnv>,
  issue: Issue,
  status: ContentfulStatusCode = 200,
  visitsNote: { error?: string } = {},
) {
  const { repos } = c.get("deps");
  const [lead, quotes, calls, history, visitsSection] = await Promise.all([
    repos.leads.byId(issue.leadId),
    repos.quotes.forIssue(issue.id),
    repos.calls.forIssue(issue.id),
    repos.audit.forEntity("issue", issue.id),
    issueVisitsSection(c, issue, visitsNote),
  ]);
  return c.html(
    <IssuePage
      ctx={pageContext(c)}
      issue={issue}
      lead={lead}
      quotes={quotes}
      calls={calls}
      quoteSection={await issueQuoteSection(c, issue, quotes)}
      visitsSection={visitsSection}
      history={history}
    />,
    status,
  );
}

async function renderInvalid(
  c: Context<AppEnv>,
  values: Record<string, string>,
  errors: Record<string, string>,
  action: string,
  title: string,
) {
  const leads = await leadChoices(c, values.leadId);
  const form = { values, errors };
  return pageOrFragment(
    c,
    () => c.html(<IssueFormPage ctx={pageContext(c)} form={form} action={action} title={title} leads={leads} />, 422),
    () => c.html(<IssueForm ctx={pageContext(c)} form={form} action={action} leads={leads} />, 422),
  );
}
