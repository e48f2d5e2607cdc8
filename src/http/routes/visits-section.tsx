import type { Context } from "hono";
import { isOpenIssue, type Issue } from "../../domain/issues.ts";
import { findFreeSlots } from "../../domain/scheduling/find-slots.ts";
import { VisitsSection } from "../../views/visits.tsx";
import type { AppEnv } from "../deps.ts";
import { pageContext } from "../page-context.ts";

/** How many slots "Book a visit" offers. */
const OFFERED_SLOTS = 5;

/** The issue page's Visits section: its visits and, while it is open, the next free slots. */
export async function issueVisitsSection(
  c: Context<AppEnv>,
  issue: Issue,
  note: { error?: string; booked?: string; statusLine?: boolean; back?: string } = {},
) {
  const { repos, now, assistant } = c.get("deps");
  const [appointments, records, slots] = await Promise.all([
    repos.appointments.forIssue(issue.id),
    repos.visitRecords.forIssue(issue.id),
    isOpenIssue(issue.status)
      ? findFreeSlots(repos, { trade: issue.category, postcode: issue.postcode, from: now(), count: OFFERED_SLOTS })
      : null,
  ]);
  return (
    <VisitsSection
      issue={issue}
      appointments={appointments}
      records={records}
      slots={slots}
      csrfToken={pageContext(c).csrfToken}
      simulatedCustomer={assistant.simulator !== null}
      {...note}
    />
  );
}
