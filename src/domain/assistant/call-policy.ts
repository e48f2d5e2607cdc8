import { formatDate, formatTime } from "../london-time.ts";
import { ok, reject, type Rejection, type Result } from "../result.ts";
import { parseWorkingDay, type WorkingDay, type WorkingWeek } from "../scheduling/engineers.ts";
import { formatClock, londonWallTime } from "../scheduling/london-clock.ts";

/**
 * The rules that decide whether the assistant may ring a customer: when (calling hours on the
 * London clock), how often (once a London day) and whether at all (an opt-out is for good).
 * Pure: the register that remembers attempts and opt-outs is a port (src/ports/call-consent.ts).
 */

/** When automated calls may go out: Monday first, seven entries of London clock minutes, null = none that day. */
export type CallingHours = WorkingWeek;

/** 09:00–19:00 Monday to Saturday; never on a Sunday. */
export const DEFAULT_CALLING_HOURS: CallingHours = [0, 1, 2, 3, 4, 5, 6].map((day) =>
  day < 6 ? { start: 9 * 60, end: 19 * 60 } : null,
);

/**
 * However an admin sets them, the assistant never rings before 08:00 or after 21:00: a typo
 * ("00:00-24:00") must not become a call at midnight.
 */
export const EARLIEST_CALL = 8 * 60;
export const LATEST_CALL = 21 * 60;

/** Why the assistant may not call now. */
export type CallRefusal = "invalid_phone" | "opted_out" | "outside_calling_hours" | "already_called_today";

const DAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

/**
 * The calling hours in words, equal neighbouring days run together.
 * @example describeCallingHours(DEFAULT_CALLING_HOURS) // "09:00–19:00, Monday to Saturday"
 */
export function describeCallingHours(hours: CallingHours): string {
  const label = (day: WorkingDay | null) => (day ? `${formatClock(day.start)}–${formatClock(day.end)}` : null);
  const runs: { from: number; to: number; label: string }[] = [];
  hours.forEach((day, index) => {
    const text = label(day);
    const last = runs.at(-1);
    if (text === null) return;
    if (last && last.label === text && last.to === index - 1) last.to = index;
    else runs.push({ from: index, to: index, label: text });
  });
  if (runs.length === 0) return "never (automated calls are switched off)";
  const days = (run: { from: number; to: number }) =>
    run.from === run.to
      ? DAY_NAMES[run.from]!
      : `${DAY_NAMES[run.from]} ${run.to === run.from + 1 ? "and" : "to"} ${DAY_NAMES[run.to]}`;
  return runs.map((run) => `${run.label}, ${days(run)}`).join("; ");
}

/**
 * Whether the London clock at `at` is inside the calling hours (start inclusive, end exclusive).
 * @example checkCallingHours(new Date("2026-12-06T12:00:00Z"), DEFAULT_CALLING_HOURS)
 *   // { ok: false, reason: "outside_calling_hours", message: "outside calling hours: calls go out 09:00–19:00, Monday to Saturday" }
 */
export function checkCallingHours(at: Date, hours: CallingHours): Result<Date, "outside_calling_hours"> {
  const wall = londonWallTime(at);
  const day = hours[wall.weekday];
  if (day && wall.minutes >= day.start && wall.minutes < day.end) return ok(at);
  return reject("outside_calling_hours", `outside calling hours: calls go out ${describeCallingHours(hours)}`);
}

/**
 * Calling hours as the settings form sends them: seven entries, Monday first, each "09:00-19:00"
 * or blank / "none". Every day may be empty: that switches automated calls off.
 */
export function parseCallingHours(days: readonly string[]): Result<CallingHours, "invalid_calling_hours"> {
  if (days.length !== 7)
    return reject("invalid_calling_hours", "Give the calling hours for each of the seven weekdays.");
  const week: (WorkingDay | null)[] = [];
  for (const [index, text] of days.entries()) {
    const typed = text.trim().toLowerCase();
    if (typed === "" || typed === "none" || typed === "closed") {
      week.push(null);
      continue;
    }
    const day = parseWorkingDay(text);
    if (!day.ok)
      return reject("invalid_calling_hours", `${DAY_NAMES[index]}: ${day.message.replace("working day", "time span")}`);
    if (day.value.start < EARLIEST_CALL || day.value.end > LATEST_CALL)
      return reject(
        "invalid_calling_hours",
        `${DAY_NAMES[index]}: the assistant never calls before ${formatClock(EARLIEST_CALL)} or after ${formatClock(LATEST_CALL)}.`,
      );
    week.push(day.value);
  }
  return ok(week);
}

/** The refusal when this number already had its automated call on this London day. */
export const alreadyCalledToday = (firstAt: Date): Rejection<"already_called_today"> =>
  reject(
    "already_called_today",
    `already called today: the assistant called this number at ${formatTime(firstAt)} (London time); at most one automated call a day`,
  );

/** How a customer said "no more": the key they pressed, the words, or to a person in the office. */
export const OPT_OUT_SOURCES = ["pressed_9", "said_stop", "told_staff"] as const;
export type OptOutSource = (typeof OPT_OUT_SOURCES)[number];

const SOURCE_WORDS: Record<OptOutSource, string> = {
  pressed_9: "pressed 9 during an assistant call",
  said_stop: 'said "stop calling me" during an assistant call',
  told_staff: "asked the office, recorded by staff",
};

/** How it was said, in words. @example optOutSourceWords("pressed_9") // "pressed 9 during an assistant call" */
export const optOutSourceWords = (source: OptOutSource): string => SOURCE_WORDS[source];

/** A number that asked not to be called by the assistant again, and when, how and on which call. */
export interface OptOut {
  id: string;
  phone: string;
  source: OptOutSource;
  /** The assistant call it happened on (Switchboard's call id), when known. */
  callId: string | null;
  at: Date;
}

/**
 * The sentence staff read on the lead page, dated on the London calendar.
 * @example describeOptOut({ at: new Date("2026-12-03T10:00:00Z"), source: "pressed_9" })
 *   // "Opted out of automated calls on 3 Dec 2026 (pressed 9 during an assistant call)"
 */
export const describeOptOut = (optOut: Pick<OptOut, "at" | "source">): string =>
  `Opted out of automated calls on ${formatDate(optOut.at)} (${SOURCE_WORDS[optOut.source]})`;

/** The refusal for a number on the opt-out register. */
export const optedOut = (optOut: Pick<OptOut, "at" | "source">): Rejection<"opted_out"> =>
  reject("opted_out", `opted out: ${describeOptOut(optOut).replace("Opted", "opted")}; the assistant never calls it`);

/** Why an admin takes a number off the register: required, so the audit trail says why. */
export function parseRemovalReason(text: string): Result<string, "invalid_reason"> {
  const reason = text.trim();
  if (reason.length < 5)
    return reject("invalid_reason", "Say why the number may be called again (for example how the customer asked).");
  return ok(reason);
}
