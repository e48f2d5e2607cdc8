import type { Result } from "../domain/result.ts";
import type { OfficeHours, RotaPeriod } from "../domain/scheduling/on-call.ts";
import type { Actor } from "./scheduling.ts";

/** A rota period with the engineer's name, for the settings page. */
export interface RotaEntry extends RotaPeriod {
  engineerName: string;
}

/** Office hours and the on-call rota: who answers the phone when. */
export interface OnCall {
  /** The office's week; the default (Mon–Fri 08:00–17:00) until someone sets it. */
  officeHours(): Promise<OfficeHours>;
  /** Replaces the office's week, with an audit entry of the old and new hours. */
  setOfficeHours(week: OfficeHours, actor: Actor): Promise<void>;
  /** Periods that overlap the window, earliest first. */
  rota(window: { from: Date; to: Date }): Promise<RotaEntry[]>;
  /**
   * Adds a period. Under a lock, it reads the periods it could overlap and asks `decide` (the rota
   * rule) before writing, so two admins adding clashing nights get one and a refusal. Audited.
   * `not_found`: no such engineer.
   */
  addPeriod<R extends string>(
    period: Omit<RotaPeriod, "id">,
    decide: (overlapping: RotaPeriod[]) => Result<unknown, R>,
    actor: Actor,
  ): Promise<Result<RotaPeriod, R | "not_found">>;
  /** Removes a period, with an audit entry; false when there was none. */
  removePeriod(id: string, actor: Actor): Promise<boolean>;
}
