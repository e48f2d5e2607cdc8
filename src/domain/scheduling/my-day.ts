import type { TranscriptSegment } from "../calls.ts";
import { type AppointmentStatus, appointmentTransitions } from "./appointments.ts";

/**
 * What the engineer's phone view needs beyond the visit itself: which buttons a visit shows,
 * the caller's own words, a map link. Pure.
 */

/** The moves an engineer makes on a visit, in the order they happen; confirming and cancelling are the office's. */
export const ENGINEER_MOVES = [
  "en_route",
  "on_site",
  "done",
  "no_access",
] as const satisfies readonly AppointmentStatus[];
export type EngineerMove = (typeof ENGINEER_MOVES)[number];

export const isEngineerMove = (status: string): status is EngineerMove =>
  (ENGINEER_MOVES as readonly string[]).includes(status);

/** The buttons a visit in `status` shows: the engineer's moves the transition table allows from there. */
export const engineerMovesFrom = (status: AppointmentStatus): EngineerMove[] =>
  ENGINEER_MOVES.filter((move) => appointmentTransitions[status].includes(move));

/** Enough of the caller to recognise the job without reading a whole call on a phone. */
export const CALLER_WORDS_MAX = 600;

/**
 * The caller's own words from the call that opened the job: their final lines (the inbound
 * track), in order, cut at a word near CALLER_WORDS_MAX. Null when they said nothing we kept.
 * @example callerWords([{ track: "inbound", isFinal: true, text: "The boiler's leaking", … }]) // "The boiler's leaking"
 */
export function callerWords(segments: readonly Pick<TranscriptSegment, "track" | "isFinal" | "text" | "startMs">[]) {
  const text = segments
    .filter((s) => s.track === "inbound" && s.isFinal && s.text.trim() !== "")
    .toSorted((a, b) => a.startMs - b.startMs)
    .map((s) => s.text.trim())
    .join(" ");
  if (text === "") return null;
  if (text.length <= CALLER_WORDS_MAX) return text;
  const cut = text.slice(0, CALLER_WORDS_MAX);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(" "), CALLER_WORDS_MAX - 40))}…`;
}

/** A maps search for the site (any phone opens it in its maps app); null without an address. */
export function mapLink(address: string | null, postcode: string | null): string | null {
  const query = [address, postcode].filter((part) => part && part.trim() !== "").join(", ");
  return query === "" ? null : `https://www.google.com/maps/search/?api=1&query=${encodeURIComponent(query)}`;
}
