import { defineChannel } from "../../ports/live-events.ts";
import type { AppointmentStatus } from "./appointments.ts";

/** A visit changed: staff pages showing it (the board, the job) redraw it. */
export type ScheduleEvent = {
  type: "visit";
  data: { appointmentId: string; issueId: string; status: AppointmentStatus; changeRequested: boolean };
};

/** Every visit change, for every staff browser (across instances once live events run on PostgreSQL). */
export const SCHEDULE_CHANNEL = defineChannel<ScheduleEvent>("schedule");
