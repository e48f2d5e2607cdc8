import { defineChannel, type LiveEvents } from "../../ports/live-events.ts";
import type { Appointment, AppointmentStatus } from "./appointments.ts";

/** A visit changed (status, slot, notes, the customer's answer): the board, My day and the job redraw it. */
export type ScheduleEvent = {
  type: "visit";
  data: {
    id: string;
    issueId: string;
    engineerId: string;
    status: AppointmentStatus;
    version: number;
    changeRequested: boolean;
  };
};

/** Every visit change, for every staff browser (across instances once live events run on PostgreSQL). */
export const SCHEDULE_CHANNEL = defineChannel<ScheduleEvent>("schedule", { visit: "latest" });

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
