import { defineChannel, type LiveEvents } from "../../ports/live-events.ts";
import type { Appointment, AppointmentStatus } from "./appointments.ts";
import type { Engineer } from "./engineers.ts";

/**
 * `visit`: a visit changed (status, slot, notes, the customer's answer): the board, My day and the
 * job redraw it. `engineer`: an engineer was added (on any instance, or by the command line): the
 * board gains a row, and every instance's slot finder reads the trade's calendars again.
 */
export type ScheduleEvent =
  | {
      type: "visit";
      data: {
        id: string;
        issueId: string;
        engineerId: string;
        status: AppointmentStatus;
        version: number;
        changeRequested: boolean;
      };
    }
  | { type: "engineer"; data: { engineerId: string } };

/** Every visit change and new engineer, for every staff browser (across instances once live events run on PostgreSQL). */
export const SCHEDULE_CHANNEL = defineChannel<ScheduleEvent>("schedule", { visit: "latest", engineer: "latest" });

/** The event that says an engineer was added. */
export const engineerAdded = (engineer: Pick<Engineer, "userId">): ScheduleEvent => ({
  type: "engineer",
  data: { engineerId: engineer.userId },
});

/** The event that says `visit` is now as given. */
export const visitChanged = (visit: Appointment): ScheduleEvent => ({
  type: "visit",
  data: {
    id: visit.id,
    issueId: visit.issueId,
    engineerId: visit.engineerId,
    status: visit.status,
    version: visit.version,
    changeRequested: visit.changeRequestedAt !== null,
  },
});

/** Tells every open board, My day and job page (on every instance) that `visit` changed. */
export async function publishVisitChange(liveEvents: LiveEvents, visit: Appointment): Promise<void> {
  await liveEvents.publish(SCHEDULE_CHANNEL, visitChanged(visit));
}
