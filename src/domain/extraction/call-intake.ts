import type { Call } from "../calls.ts";
import { isOpenIssue, type Issue, type IssueFields } from "../issues.ts";
import type { Lead, LeadFields } from "../leads.ts";
import type { Calls } from "../../ports/calls.ts";
import type { Issues } from "../../ports/issues.ts";
import type { Leads } from "../../ports/leads.ts";
import { emptyExtraction, type Extraction } from "./extraction.ts";
import { callChannel } from "../live-call/channels.ts";
import type { LiveCallObserver } from "../live-call/live-call.ts";
import { callerCardData } from "../live-call/caller-card.ts";
import { callDetails } from "./call-details.ts";
import { carryCorrections, filingDetails, type CorrectionFilingDeps } from "./filing-corrections.ts";
import { transcriptFromSegments } from "./transcript.ts";
import { startLiveExtraction, type LiveExtractionDeps, type LiveExtractionOptions } from "./live-extraction.ts";
import { checkCaller, holdFiling, type CallerCheckDeps } from "../live-call/caller-check.ts";
import { callerDetailsForLead } from "../caller-match.ts";

const URGENCY_RANK = { emergency: 0, urgent: 1, routine: 2 } as const;

const compact = (value: string | null) => (value ?? "").toLowerCase().replace(/[^a-z0-9]/g, "");

/** The same site: the same postcode, or the same address when neither has a postcode. */
const sameSite = (issue: Pick<Issue, "postcode" | "address">, extraction: Pick<Extraction, "postcode" | "address">) =>
  issue.postcode && extraction.postcode
    ? compact(issue.postcode) === compact(extraction.postcode)
    : Boolean(issue.address && extraction.address && compact(issue.address) === compact(extraction.address));

/** Only the lead's empty fields are filled: what staff typed is never overwritten. */
export function leadUpdatesFrom(lead: Lead, extraction: Extraction): Partial<LeadFields> {
  const updates: Partial<LeadFields> = {};
  if (!lead.name && extraction.name) updates.name = extraction.name;
  if (!lead.organisation && extraction.organisation) updates.organisation = extraction.organisation;
  if (lead.segment === "unknown" && extraction.segment !== "unknown") updates.segment = extraction.segment;
  if (!lead.address && !lead.postcode && (extraction.address || extraction.postcode)) {
    updates.address = extraction.address;
    updates.postcode = extraction.postcode;
  }
  return updates;
}

/** A job title: the extractor's short title, else the summary's first clause, at most 80 characters. */
export function issueTitle(extraction: Pick<Extraction, "summary" | "category" | "title">): string {
  if (extraction.title?.trim()) return extraction.title.trim();
  const summary = (extraction.summary ?? "").split(/[.;\n]/)[0]!.trim();
  if (summary) return summary.length > 80 ? `${summary.slice(0, 77).trimEnd()}…` : summary;
  return extraction.category && extraction.category !== "general"
    ? `${extraction.category[0]!.toUpperCase()}${extraction.category.slice(1)} job`
    : "Job from a call";
}

/**
 * When a call ends: the lead learns what the call told us (without overwriting staff's entries),
 * and the call is attached to the lead's open job at the same site, or a new job is opened with
 * its trade, urgency and summary. A call that described no job changes no jobs.
 */
export async function closeCallIntake(
  deps: { calls: Calls; leads: Leads; issues: Issues },
  call: Call,
  extraction: Extraction,
): Promise<{ issue: Issue | null; createdIssue: boolean }> {
  const lead = call.leadId ? await deps.leads.byId(call.leadId) : null;
  if (lead) {
    const updates = leadUpdatesFrom(lead, callerDetailsForLead(call.callerCheck, extraction));
    if (Object.keys(updates).length > 0) await deps.leads.update(lead.id, updates);
  }
  const callChanges: Partial<Call> = { summary: extraction.summary ?? call.summary };
  const describesJob = Boolean(extraction.summary || (extraction.category && extraction.category !== "general"));
  if (call.issueId) {
    await deps.calls.update(call.id, callChanges);
    const issue = await deps.issues.byId(call.issueId);
    // A job opened mid-call (to book a visit while the caller was on the line) learns what was said after.
    const updates = issue && issue.sourceCallId === call.id ? jobUpdatesFrom(issue, extraction) : {};
    if (issue && Object.keys(updates).length > 0)
      return { issue: await deps.issues.update(issue.id, updates), createdIssue: false };
    return { issue, createdIssue: false };
  }
  if (!lead || !describesJob) {
    await deps.calls.update(call.id, callChanges);
    return { issue: null, createdIssue: false };
  }
  return openJobForCall(deps, call, lead, extraction, callChanges);
}

/**
 * What a job opened by a call learns from the call's last extraction: the details it still
 * lacks, and a raised urgency. Nothing it holds is overwritten (staff may have edited it).
 */
export function jobUpdatesFrom(issue: Issue, extraction: Extraction): Partial<IssueFields> {
  const updates: Partial<IssueFields> = {};
  if (!issue.description && extraction.summary) updates.description = extraction.summary;
  if (!issue.accessNotes && extraction.accessNotes) updates.accessNotes = extraction.accessNotes;
  if (!issue.address && extraction.address) updates.address = extraction.address;
  if (extraction.urgency && URGENCY_RANK[extraction.urgency] < URGENCY_RANK[issue.urgency])
    updates.urgency = extraction.urgency;
  return updates;
}

/**
 * Files the call under the lead's open job at the same site, or opens a new job with the call's
 * trade, urgency and summary, and notes the job on the call. Runs when the call ends, or earlier
 * when staff book a visit while the caller is still on the line.
 */
export async function openJobForCall(
  deps: { calls: Calls; issues: Issues },
  call: Pick<Call, "id">,
  lead: Lead,
  extraction: Extraction,
  callChanges: Partial<Call> = {},
): Promise<{ issue: Issue; createdIssue: boolean }> {
  const open = (await deps.issues.forLead(lead.id)).filter((issue) => isOpenIssue(issue.status));
  const existing = open.find((issue) => sameSite(issue, extraction));
  if (existing && extraction.urgency && URGENCY_RANK[extraction.urgency] < URGENCY_RANK[existing.urgency]) {
    await deps.issues.update(existing.id, { urgency: extraction.urgency });
  }
  const opened = existing
    ? { issue: existing, created: false }
    : await deps.issues.openForCall({
        leadId: lead.id,
        sourceCallId: call.id,
        title: issueTitle(extraction),
        description: extraction.summary,
        category: extraction.category ?? "general",
        urgency: extraction.urgency ?? "routine",
        address: extraction.address ?? lead.address,
        postcode: extraction.postcode ?? lead.postcode,
        accessNotes: extraction.accessNotes,
      });
  await deps.calls.update(call.id, { ...callChanges, issueId: opened.issue.id });
  return { issue: opened.issue, createdIssue: opened.created };
}

/**
 * Files an ended call: what was heard with staff's corrections over it goes to the lead and the
 * job. Read from the stored call, so a correction typed while the last extraction ran is filed
 * too.
 */
export async function fileCall(
  deps: { calls: Calls; leads: Leads; issues: Issues; extractor: { name: string } } & CorrectionFilingDeps,
  call: Call,
): Promise<{ issue: Issue | null; createdIssue: boolean }> {
  const extraction = filingDetails(call.extracted, call.corrections, deps.extractor.name);
  const filed = await closeCallIntake(deps, call, extraction);
  const { name: _name, organisation: _organisation, ...notTheirName } = call.corrections;
  // Once staff have answered "check caller", the lead's name is settled by that answer (a new lead
  // is named when it is made); a name typed during the call must not rename the number's lead.
  const corrections = call.callerCheck === null ? call.corrections : notTheirName;
  await carryCorrections(deps, call, corrections, filed);
  return filed;
}

/**
 * The intake side of a live call: extraction as the transcript grows, then at the end the lead
 * updated and the job opened or matched. Plugged into the live call as its observer.
 */
export function callIntakeObserver(
  deps: LiveExtractionDeps & CallerCheckDeps & CorrectionFilingDeps,
  call: Pick<Call, "id">,
  options: LiveExtractionOptions,
): LiveCallObserver {
  const detailsChanged = (details: { extraction: Extraction }, read: Call) =>
    checkCaller(deps, call.id, details.extraction, read);
  const live = startLiveExtraction({ ...deps, detailsChanged }, call.id, options);
  return {
    segmentStored: (segment) => live.segmentStored(segment),
    async callEnded() {
      const details = await live.finish();
      let fresh = await deps.calls.byId(call.id);
      if (!fresh || (!details && !fresh.extracted && Object.keys(fresh.corrections).length === 0)) return;
      while (fresh?.callerCheck?.state === "pending") {
        if (await holdFiling(deps.calls, fresh, details?.extraction.summary ?? fresh.summary)) {
          deps.log.info({ callId: call.id }, "filing waits for staff to say who the caller is");
          return;
        }
        fresh = await deps.calls.byId(call.id);
      }
      if (!fresh) return;
      const { issue, createdIssue } = await fileCall(deps, fresh);
      // The lead may have just been named: the caller card on the live page shows it now, not on reload.
      const [filed, lead] = await Promise.all([
        deps.calls.byId(call.id),
        fresh.leadId ? deps.leads.byId(fresh.leadId) : null,
      ]);
      if (filed) {
        await deps.liveEvents.publish(callChannel(call.id), { type: "caller", data: callerCardData(filed, lead) });
        await publishFinalDetails(deps, filed);
      }
      if (issue) {
        deps.log.info(
          { callId: call.id, issueId: issue.id, createdIssue },
          createdIssue ? "job opened from the call" : "call attached to an open job",
        );
        await deps.liveEvents.publish(callChannel(call.id), {
          type: "intake",
          // A job opened mid-call to book a visit was still opened by this call.
          data: { issueId: issue.id, title: issue.title, created: createdIssue || issue.sourceCallId === call.id },
        });
      }
    },
  };
}

/**
 * The panel as the call was filed: the final extraction with every correction over it. A live
 * update computed just before a correction landed could otherwise be the last thing viewers saw.
 */
async function publishFinalDetails(deps: LiveExtractionDeps, call: Call) {
  if (!call.extracted && Object.keys(call.corrections).length === 0) return;
  const transcript = transcriptFromSegments(await deps.calls.transcript(call.id));
  const details = callDetails(
    call.extracted ?? emptyExtraction(deps.extractor.name),
    call,
    transcript,
    await deps.safetyRules(),
  );
  await deps.liveEvents.publish(callChannel(call.id), { type: "details", data: details });
}
