import type { Issue, TradeCategory } from "../domain/issues.ts";
import type { Result } from "../domain/result.ts";
import type { Appointment, AppointmentStatus, Visit } from "../domain/scheduling/appointments.ts";
import type { Engineer, WorkingWeek } from "../domain/scheduling/engineers.ts";
import type { E164 } from "../domain/phone.ts";
import type { StatusWriteRefusal } from "../domain/state-machine.ts";

export interface NewEngineer {
  email: string;
  name: string | null;
  passwordHash: string;
  trades: TradeCategory[];
  homePostcode: string | null;
  hours: WorkingWeek;
  phone?: E164 | null;
}

/** Engineers: staff accounts with the role `engineer` and their profile. */
export interface Engineers {
  /**
   * Creates the staff account (role engineer) and the profile together, or neither.
   * Throws DuplicateEmailError when the email is taken.
   */
  create(engineer: NewEngineer): Promise<Engineer>;
  byId(userId: string): Promise<Engineer | null>;
  /** Engineers whose accounts are not disabled, by name. */
  active(): Promise<Engineer[]>;
  /** The secret in the engineer's calendar feed URL; null when none was made yet. */
  calendarToken(userId: string): Promise<string | null>;
  /** Replaces the feed secret (the old URL stops at once), with an audit entry. False: no such engineer. */
  setCalendarToken(userId: string, token: string, actor: Actor): Promise<boolean>;
  /**
   * Sets (or, with null, removes) the number rung when on call and texted about emergencies,
   * with an audit entry that says which but never the number. False: no such engineer.
   */
  setPhone(userId: string, phone: E164 | null, actor: Actor): Promise<boolean>;
  /** The active engineer whose feed has this secret, or null. */
  byCalendarToken(token: string): Promise<Engineer | null>;
}

/** An appointment with what a page shows beside it. */
export interface AppointmentView extends Appointment {
  engineerName: string;
}

export interface NewAppointment {
  issueId: string;
  engineerId: string;
  startsAt: Date;
  endsAt: Date;
}

/** A visit as the dispatch board shows it: when, who, and the job's title, site and urgency (no more: a week holds 1,200). */
export interface BoardVisit
  extends Pick<Appointment, "id" | "engineerId" | "startsAt" | "endsAt" | "status" | "version"> {
  issueTitle: string;
  postcode: string | null;
  urgency: Issue["urgency"];
}

/** Where a visit should be instead: another engineer (reassign), another time (move), or both. */
export interface VisitPlacement {
  engineerId: string;
  startsAt: Date;
  endsAt: Date;
}

/** Who made a change, for the audit entry written in the same transaction. */
export interface Actor {
  who: string;
  /** When, by the caller's clock (the customer's messages are timed from it); default: now. */
  at?: Date;
}

/** Visits on engineers' calendars. */
export interface Appointments {
  /**
   * Books a visit. Inside one transaction it locks the engineer, reads their calendar as it
   * stands now and asks `decide` (the booking rules) before writing, so two people booking the
   * same slot at once get one visit and one refusal. Writes an audit entry with it.
   */
  book<R extends string>(
    visit: NewAppointment,
    decide: (calendar: Visit[]) => Result<unknown, R>,
    actor: Actor,
  ): Promise<Result<Appointment, R | "not_found">>;
  /**
   * Moves the visit's status as the transition table allows from where it stands (and, given
   * `version`, only if nobody changed it since), with an audit entry.
   */
  setStatus(
    id: string,
    status: AppointmentStatus,
    actor: Actor,
    version?: number,
  ): Promise<Result<Appointment, StatusWriteRefusal | "stale">>;
  /**
   * Moves or reassigns a visit. Inside one transaction it locks the visit and the engineer it goes
   * to, refuses when the visit changed since `version` (someone else moved it meanwhile) or no
   * longer holds time, reads that engineer's calendar and asks `decide` (the booking rules, the
   * visit itself left out) before writing, with an audit entry of where it was and where it went.
   */
  reschedule<R extends string>(
    id: string,
    placement: VisitPlacement,
    version: number,
    decide: (calendar: Visit[], current: Appointment) => Result<unknown, R>,
    actor: Actor,
  ): Promise<Result<Appointment, R | "not_found" | "stale" | "not_movable">>;
  byId(id: string): Promise<AppointmentView | null>;
  /** The visit a customer's /a/<token> link opens (looked up by the token's hash), or null. */
  byToken(token: string): Promise<AppointmentView | null>;
  /**
   * The customer asks for another time: flags the visit for the office and notes it in the job's
   * history (audit entries, one transaction). Only a booked or confirmed visit; asking twice changes nothing.
   */
  requestAnotherTime(
    id: string,
    actor: Actor,
    note: string | null,
  ): Promise<Result<Appointment, "not_found" | "visit_closed">>;
  /** Visits that hold time between two instants, with their jobs, for the dispatch board. */
  onBoard(window: { from: Date; to: Date }): Promise<BoardVisit[]>;
  /**
   * Open jobs waiting for a visit (none booked, confirmed or under way): emergencies first, then
   * urgent, oldest first within each.
   */
  unscheduled(limit: number): Promise<Issue[]>;
  /** A job's visits, soonest first. */
  forIssue(issueId: string): Promise<AppointmentView[]>;
  /** One engineer's visits that hold time and start between two instants, soonest first (cancelled left out). */
  forEngineer(engineerId: string, window: { from: Date; to: Date }): Promise<AppointmentView[]>;
  /** Visits that hold time between two instants (all engineers, or those given), with their sites. */
  visits(window: { from: Date; to: Date; engineerIds?: readonly string[] }): Promise<Visit[]>;
  /**
   * What the slot finder reads, in one statement: the active engineers with the trade (by name)
   * and their visits that hold time between two instants, with their sites.
   */
  tradeCalendars(trade: TradeCategory, window: { from: Date; to: Date }): Promise<TradeCalendars>;
}

/** The engineers with one trade and the visits on their calendars in a window. */
export interface TradeCalendars {
  engineers: Engineer[];
  visits: Visit[];
}
