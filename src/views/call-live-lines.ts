import { speakerOf, type Track, type TranscriptSegment } from "../domain/calls.ts";
import { hasMaskedCardData } from "../domain/card-masking.ts";
import { formatOffset } from "./format.ts";

/**
 * The two live fragments sent most often (every interim result, every final line), as plain
 * strings: the same HTML as `TranscriptLine` and `InterimLine` in call-live.tsx (a test holds
 * them equal), without building and walking a JSX tree per event. The page itself still draws
 * with the JSX components.
 */

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", "'": "&#39;", '"': "&quot;" };
const ANY_ESCAPE = /[&<>'"]/;
const EVERY_ESCAPE = /[&<>'"]/g;

/** Text as hono/jsx escapes it, in an element or an attribute. */
export const escapeHtml = (text: string): string =>
  ANY_ESCAPE.test(text) ? text.replace(EVERY_ESCAPE, (c) => ESCAPES[c]!) : text;

const CARD_DETAILS_REMOVED = ' <span class="badge card-removed">card details removed</span>';

/** `<TranscriptLine segment={…} />` as a string. */
export function transcriptLineHtml(
  segment: Pick<TranscriptSegment, "id" | "track" | "text" | "startMs" | "speaker">,
): string {
  const side = segment.track === "inbound" ? "caller" : "staff";
  const masked = hasMaskedCardData(segment.text) ? CARD_DETAILS_REMOVED : "";
  return `<p class="line ${side}" id="seg-${escapeHtml(segment.id)}"><span class="muted">${formatOffset(segment.startMs)}</span> <span class="speaker">${speakerOf(segment.track, null, segment)}:</span> ${escapeHtml(segment.text)}${masked}</p>`;
}

/** `<InterimLine track={…} text={…} />` as a string; empty text clears the line. */
export function interimLineHtml(track: Track, text: string): string {
  if (!text) return "";
  const masked = hasMaskedCardData(text) ? CARD_DETAILS_REMOVED : "";
  return `<span class="speaker">${speakerOf(track)}:</span> ${escapeHtml(text)}…${masked}`;
}
