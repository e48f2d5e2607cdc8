import type { AuditTrail } from "../../ports/audit.ts";
import type { Issues } from "../../ports/issues.ts";
import type { LiveEvents } from "../../ports/live-events.ts";
import type { Actor, Appointments } from "../../ports/scheduling.ts";
import { ok } from "../result.ts";
import type { EngineerMove } from "./my-day.ts";
import { SCHEDULE_CHANNEL, visitChanged } from "./schedule-channel.ts";

export interface SetVisitStatusDeps {
  appointments: Appointments;
  issues: Issues;
  audit: AuditTrail;
  liveEvents: LiveEvents;
  now: () => Date;
}

/**
 * An engineer's move on a visit (on my way, on site, done, no access): along the visit table,
 * against the version their screen showed. Arriving starts the work, so a scheduled job moves to
 * in progress (audited). Every change is published on the schedule channel.
 * @example await setVisitStatus(deps, { id, status: "on_site", version: 2 }, { who: "alice@…" })
 */
export async function setVisitStatus(
  deps: SetVisitStatusDeps,
  move: { id: string; status: EngineerMove; version: number },
  actor: Actor,
) {
  const changed = await deps.appointments.setStatus(move.id, move.status, actor, move.version);
  if (!changed.ok) return changed;
  const visit = changed.value;
  if (visit.status === "on_site") {
    const issue = await deps.issues.byId(visit.issueId);
    if (issue?.status === "scheduled" && (await deps.issues.setStatus(issue.id, "in_progress")).ok)
      await deps.audit.record({
        who: actor.who,
        what: "status scheduled → in_progress",
        entity: "issue",
        entityId: issue.id,
        at: deps.now(),
        details: { appointmentId: visit.id },
      });
  }
  await deps.liveEvents.publish(SCHEDULE_CHANNEL, visitChanged(visit));
  return ok(visit);
}
