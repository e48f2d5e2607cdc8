import type { CallingHours, OptOut, OptOutSource } from "../domain/assistant/call-policy.ts";
import type { E164 } from "../domain/phone.ts";
import type { Result } from "../domain/result.ts";
import type { Actor } from "./scheduling.ts";

/** A number's one automated call of a London day, held before the call is placed. */
export interface CallReservation {
  id: string;
  phone: E164;
  /** London date, YYYY-MM-DD. */
  day: string;
  reservedAt: Date;
}

/** An opt-out as the register lists it: with the lead that has the number, and whether an admin removed it. */
export interface OptOutEntry extends OptOut {
  leadId: string | null;
  leadName: string | null;
}

/**
 * What the assistant's calls must remember across instances: the calling hours, one attempt per
 * number per London day (a unique key, so two instances racing get one reservation), and the
 * numbers that opted out. Phone numbers are E.164. Every change staff or a customer make is audited.
 */
export interface CallConsent {
  /** The calling hours; the default (09:00–19:00, Monday to Saturday) until an admin sets them. */
  callingHours(): Promise<CallingHours>;
  /** Replaces the calling hours, with an audit entry of the old and new. */
  setCallingHours(hours: CallingHours, actor: Actor): Promise<void>;
  /**
   * Takes the number's attempt for `day` (London date), atomically. `already_called_today`
   * carries the first attempt's time in `firstAt`.
   */
  reserve(
    phone: E164,
    day: string,
    at: Date,
  ): Promise<{ ok: true; value: CallReservation } | { ok: false; reason: "already_called_today"; firstAt: Date }>;
  /** Notes which call used the reservation (Switchboard's call id). */
  attachCall(reservationId: string, callId: string): Promise<void>;
  /** Gives the day's attempt back: only when the call could not be placed at all. */
  release(reservationId: string): Promise<void>;
  /** The number's standing opt-out, or null. */
  optOutFor(phone: E164): Promise<OptOut | null>;
  /**
   * Puts the number on the register (audited, by `who`: "assistant" unless staff recorded it). A
   * number already on it keeps its first opt-out: `created` is false and nothing changes.
   */
  recordOptOut(entry: { phone: E164; source: OptOutSource; callId: string | null; at: Date; who?: string }): Promise<{
    optOut: OptOut;
    created: boolean;
  }>;
  /** Standing opt-outs, newest first, with the lead each number belongs to. */
  optOuts(limit: number): Promise<OptOutEntry[]>;
  /**
   * Takes an opt-out off the register (kept, marked removed, audited with the reason), so the
   * number may be called again. `not_found`: no standing opt-out with that id.
   */
  removeOptOut(id: string, reason: string, actor: Actor): Promise<Result<OptOut, "not_found">>;
}
