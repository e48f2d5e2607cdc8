import { formatPhone } from "../domain/phone.ts";

/** "3:05" for a call's length in the calls list (the call page's m:ss), "—" when unknown. */
export function formatDuration(seconds: number | null): string {
  return seconds === null ? "—" : formatClock(seconds);
}

/** "3:05": a call's running timer and, once it ends, its length (the page's script ticks in this format too). */
export function formatClock(seconds: number): string {
  const whole = Math.max(0, Math.floor(seconds));
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, "0")}`;
}

/** mm:ss into the call, for transcript lines. */
export function formatOffset(ms: number): string {
  const total = Math.floor(ms / 1000);
  return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, "0")}`;
}

export const humanise = (value: string) => {
  const spaced = value.replaceAll("_", " ").replaceAll("-", " ");
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
};

/**
 * Every number a staff page shows, as people here write it: "07700 900123" for a UK number,
 * "+33 6 12 34 56 78" for another country; `absent` when there is none. Stored numbers are E.164.
 * @example phoneForDisplay("+442079460000") // "020 7946 0000"
 */
export const phoneForDisplay = (e164: string | null | undefined, absent = "—"): string =>
  e164 ? formatPhone(e164) : absent;

/**
 * A call's status in plain words. "Interrupted" is ours, not the phone company's: the server
 * streaming the call stopped, and another instance closed it, so it says why.
 * @example callStatusWords("no-answer") // "No answer"
 */
export const callStatusWords = (status: string): string =>
  status === "interrupted" ? "Cut off: its server stopped" : humanise(status);
