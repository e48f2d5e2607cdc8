import { transition, type Transitions } from "../state-machine.ts";

export const APPOINTMENT_STATUSES = [
  "booked",
  "confirmed",
  "en_route",
  "on_site",
  "done",
  "no_access",
  "cancelled",
] as const;
export type AppointmentStatus = (typeof APPOINTMENT_STATUSES)[number];

/**
 * The one gate for appointment status changes: the repository writes a status only from the
 * states that lead to it here (compare-and-set), so a stale screen cannot jump the order.
 * An engineer may set off before the customer confirmed; once on site only the outcome remains.
 */
export const appointmentTransitions: Transitions<AppointmentStatus> = {
  booked: ["confirmed", "en_route", "cancelled"],
  confirmed: ["en_route", "cancelled"],
  en_route: ["on_site", "no_access", "cancelled"],
  on_site: ["done", "no_access"],
  done: [],
  no_access: [],
  cancelled: [],
};

export const APPOINTMENT_STATUS_LABELS: Record<AppointmentStatus, string> = {
  booked: "Booked",
  confirmed: "Confirmed",
  en_route: "En route",
  on_site: "On site",
  done: "Done",
  no_access: "No access",
  cancelled: "Cancelled",
};

/** @example changeAppointmentStatus("booked", "done") // rejected: "from booked it can go to …" */
export const changeAppointmentStatus = (from: AppointmentStatus, to: AppointmentStatus) =>
  transition(appointmentTransitions, from, to, "visit");

/** Every status but cancelled holds the engineer's time (a no-access visit was still driven to). */
export const holdsTime = (status: AppointmentStatus): boolean => status !== "cancelled";

/** Visits that count as "the job has its visit": booked, confirmed or under way. */
export const COMING_OR_UNDER_WAY = [
  "booked",
  "confirmed",
  "en_route",
  "on_site",
] as const satisfies readonly AppointmentStatus[];
export const isComingOrUnderWay = (status: AppointmentStatus): boolean =>
  (COMING_OR_UNDER_WAY as readonly AppointmentStatus[]).includes(status);

/** Only a visit nobody has set off for can be moved or reassigned; after that it is history. */
export const isMovable = (status: AppointmentStatus): boolean => status === "booked" || status === "confirmed";

/** A booked visit: an engineer at a job's site between two instants (UTC). */
export interface Appointment {
  id: string;
  issueId: string;
  engineerId: string;
  startsAt: Date;
  endsAt: Date;
  status: AppointmentStatus;
  /** Bumped by every change, so a form drawn before someone else's change is told, not obeyed. */
  version: number;
  /** When the customer asked for another time (their /a/ page): the office should rebook. */
  changeRequestedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/** What the rules need to know about a visit already on an engineer's calendar. */
export interface Visit {
  id: string;
  engineerId: string;
  startsAt: Date;
  endsAt: Date;
  status: AppointmentStatus;
  /** The job's site postcode, for travel to and from it. */
  postcode: string | null;
}

/** Shortest and longest visit a booking may ask for, minutes. */
export const MIN_VISIT_MINUTES = 15;
export const MAX_VISIT_MINUTES = 10 * 60;
/** The length offered when nobody says otherwise. */
export const DEFAULT_VISIT_MINUTES = 120;
