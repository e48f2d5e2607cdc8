import { defineChannel, type LiveEvents } from "../../ports/live-events.ts";

/** Something changed on engineers' calendars: the board re-reads what it shows. */
export type ScheduleEvent = {
  type: "visit";
  data: { appointmentId: string; change: "booked" | "moved" | "status" };
};

/**
 * Every visit booked, moved, reassigned or given a status, for the dispatch board. Each event
 * only says "read again", so keeping the latest is enough for a viewer who reconnects.
 */
export const SCHEDULE_CHANNEL = defineChannel<ScheduleEvent>("schedule", { visit: "latest" });

/** Tells every open board (on every instance) that a visit changed. */
export async function publishScheduleChange(
  liveEvents: LiveEvents,
  appointmentId: string,
  change: ScheduleEvent["data"]["change"],
): Promise<void> {
  await liveEvents.publish(SCHEDULE_CHANNEL, { type: "visit", data: { appointmentId, change } });
}
