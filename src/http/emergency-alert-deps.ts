import type { Context } from "hono";
import type { Issue } from "../domain/issues.ts";
import type { Lead } from "../domain/leads.ts";
import { alertJobEmergency, type EmergencyAlertDeps } from "../domain/scheduling/on-call-routing.ts";
import type { Log } from "../ports/log.ts";
import { audit } from "./audit.ts";
import type { AppDeps, AppEnv } from "./deps.ts";

/** What the emergency texts need, from the app's deps (the media stream's live extraction, and staff's edits). */
export const emergencyAlertDeps = (deps: AppDeps, log: Log = deps.logger): EmergencyAlertDeps => ({
  onCall: deps.repos.onCall,
  engineers: deps.repos.engineers,
  messages: deps.repos.messages,
  liveEvents: deps.liveEvents,
  now: deps.now,
  poke: () => deps.backgroundTasks.poke(),
  log,
  staffNumbers: deps.twilio.staffNumbers,
  publicBaseUrl: deps.settings.publicBaseUrl,
});

/**
 * Staff made a job an emergency (the issue form, or a correction on its call): the on-call
 * engineer and the office are texted as for an emergency heard on a call, once per job, and the
 * job's history says so.
 */
export async function emergencySetByHand(c: Context<AppEnv>, job: Issue, customer: Lead | null): Promise<void> {
  const deps = c.get("deps");
  const queued = await alertJobEmergency(emergencyAlertDeps(deps), job, customer);
  if (queued > 0)
    await audit(c, "issue", job.id, "made an emergency by hand: on-call engineer and office texted", { texts: queued });
}
