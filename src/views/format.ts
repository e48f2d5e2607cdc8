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
