import type { Context } from "hono";
import { isCallOver, type Call } from "../../domain/calls.ts";
import type { CorrectableField } from "../../domain/extraction/extraction.ts";
import { carryCorrections } from "../../domain/extraction/filing-corrections.ts";
import { becameEmergency } from "../../domain/issues.ts";
import type { AppEnv } from "../deps.ts";
import { emergencySetByHand } from "../emergency-alert-deps.ts";

/**
 * Whether the call's filing is behind it: the call is over and no media stream here is still
 * storing its last lines and filing it (that filing reads the corrections itself).
 */
export const filedAlready = (call: Call, activeCalls: ReadonlyMap<string, unknown>) =>
  isCallOver(call.status) && !activeCalls.has(call.providerCallId);

/**
 * A correction typed after the call was filed goes straight to its lead and job, as it would
 * have at filing, so reading the panel after the call is never a dead end.
 */
export async function carryLateCorrection(c: Context<AppEnv>, call: Call, field: CorrectableField) {
  const { repos, now } = c.get("deps");
  const issue = call.issueId ? await repos.issues.byId(call.issueId) : null;
  await carryCorrections(
    { leads: repos.leads, issues: repos.issues, auditTrail: repos.audit, now },
    call,
    { [field]: call.corrections[field] },
    { issue, createdIssue: false },
  );
  const after = issue ? await repos.issues.byId(issue.id) : null;
  if (issue && after && becameEmergency(issue, after))
    await emergencySetByHand(c, after, await repos.leads.byId(after.leadId));
}
