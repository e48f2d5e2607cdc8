import type { Call, CallStatus, Track, TranscriptSegment } from "../calls.ts";
import type { CallDetails } from "../extraction/call-details.ts";
import { defineChannel, type LiveChannel, type Retention } from "../../ports/live-events.ts";
import type { CallerCardData } from "./caller-card.ts";
import type { CallerCheck } from "../caller-match.ts";
import type { TranscriberShown } from "./transcriber-health.ts";
import type { CardDataNotice } from "./card-data-notice.ts";

/** What happens on one call while staff watch it: its channel's events and their data. */
export type LiveCallEvent =
  | { type: "segment"; data: TranscriptSegment }
  | { type: "interim"; data: { track: Track; text: string; startMs: number } }
  | { type: "transcriber"; data: TranscriberShown }
  | { type: "details"; data: CallDetails }
  | { type: "intake"; data: { issueId: string; title: string; created: boolean } }
  | { type: "caller"; data: CallerCardData }
  /** The caller does not look like the number's lead (pending), staff chose who it is, or neither (null). */
  | { type: "callerCheck"; data: CallerCheck | null }
  /** A card number was heard: the call is flagged, and what happened to its recording. */
  | { type: "card"; data: CardDataNotice }
  | {
      type: "status";
      data: { status: CallStatus; answeredAt: string | null; endedAt: string | null; durationSeconds: number | null };
    }
  /** The last event of a call: its audio has ended and its intake is done (or failed), so nothing more is coming. */
  | { type: "filed"; data: { ok: boolean } };

/** One call's channel; it knows its call, so a subscriber need not read it back out of the name. */
export interface CallChannel extends LiveChannel<LiveCallEvent> {
  readonly callId: string;
}

/**
 * Interim words are replaced by the next ones; the transcriber's state, the details panel, the
 * caller card and the status are whole in each event, so a reconnecting viewer needs only the last.
 */
const CALL_RETENTION = {
  interim: "transient",
  transcriber: "latest",
  details: "latest",
  caller: "latest",
  callerCheck: "latest",
  status: "latest",
  card: "latest",
} satisfies { [T in LiveCallEvent["type"]]?: Retention };

export const callChannel = (callId: string): CallChannel => ({
  ...defineChannel<LiveCallEvent>(`call:${callId}`, CALL_RETENTION),
  callId,
});

/** The status event a call's viewers get when it changes (a report from Twilio, or a lapsed lease closing it). */
export const callStatusEvent = (
  call: Pick<Call, "status" | "answeredAt" | "endedAt" | "durationSeconds">,
): Extract<LiveCallEvent, { type: "status" }> => ({
  type: "status",
  data: {
    status: call.status,
    answeredAt: call.answeredAt?.toISOString() ?? null,
    endedAt: call.endedAt?.toISOString() ?? null,
    durationSeconds: call.durationSeconds,
  },
});

/** What the calls list (and the dashboard) hears: a call started or changed status, or an emergency was heard. */
export type CallsListEvent =
  | { type: "call"; data: { callId: string; status: CallStatus } }
  | { type: "emergency"; data: { callId: string } };

export const CALLS_CHANNEL = defineChannel<CallsListEvent>("calls");
