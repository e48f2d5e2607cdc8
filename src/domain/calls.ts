import type { CallerCheck } from "./caller-match.ts";
import type { CorrectionMarks, Corrections, Extraction } from "./extraction/extraction.ts";
import { isFinal, transition, type Transitions } from "./state-machine.ts";
import type { ScriptName } from "./assistant/scripts.ts";

export const CALL_STATUSES = [
  "queued",
  "ringing",
  "in-progress",
  "completed",
  "busy",
  "no-answer",
  "failed",
  "canceled",
  /** Ours, not Twilio's: the instance streaming the call died, and another closed it when its lease lapsed. */
  "interrupted",
] as const;
export type CallStatus = (typeof CALL_STATUSES)[number];
export type CallDirection = "inbound" | "outbound";

/**
 * Calls only move forward; the endings are final, so a late "ringing" changes nothing. A call
 * whose instance died is "interrupted" from wherever it stood.
 */
export const callTransitions: Transitions<CallStatus> = {
  queued: ["ringing", "in-progress", "completed", "busy", "no-answer", "failed", "canceled", "interrupted"],
  ringing: ["in-progress", "completed", "busy", "no-answer", "failed", "canceled", "interrupted"],
  "in-progress": ["completed", "failed", "interrupted"],
  completed: [],
  busy: [],
  "no-answer": [],
  failed: [],
  canceled: [],
  interrupted: [],
};

/** Which side of the call a piece of audio or text came from. inbound = caller, outbound = staff. */
export type Track = "inbound" | "outbound";

export interface Call {
  id: string;
  /** The telephony provider's id for the call (Twilio CallSid); unique. */
  providerCallId: string;
  direction: CallDirection;
  from: string;
  to: string;
  leadId: string | null;
  status: CallStatus;
  startedAt: Date;
  answeredAt: Date | null;
  endedAt: Date | null;
  durationSeconds: number | null;
  /** Blob key of the recording, under recordings/. */
  recordingKey: string | null;
  /** Which transcriber(s) served the call, e.g. "wisprflow" or "wisprflow→deepgram". */
  transcriber: string | null;
  summary: string | null;
  emergency: boolean;
  /**
   * When a card number was first heard (its text is masked, but the audio is not): staff must treat
   * the recording as card data. Null when none was.
   */
  cardDataHeardAt: Date | null;
  /** The job this call is about, once known. */
  issueId: string | null;
  /** What the extractor last understood, with staff's corrections laid over it. */
  extracted: Extraction | null;
  /** The fields staff corrected by hand; later extractions never overwrite them. */
  corrections: Corrections;
  /** Set when the caller did not look like the number's lead: pending until staff choose who it is. */
  callerCheck: CallerCheck | null;
  /** Who corrected each field, and when (ISO instant). */
  correctedBy: CorrectionMarks;
  /**
   * Set on a call the assistant places: its script and what it is about (the visit or the quote).
   * On such a call the outbound track is the assistant's voice, never staff's.
   */
  assistant: AssistantCall | null;
}

/** What an assistant call is about: the script it runs and the appointment's or quote's id. */
export interface AssistantCall {
  script: ScriptName;
  subjectId: string;
}

export interface TranscriptSegment {
  id: string;
  callId: string;
  track: Track;
  text: string;
  startMs: number;
  endMs: number;
  isFinal: boolean;
  confidence: number | null;
  createdAt: Date;
  /** Set on a line the assistant said (from its script, not transcribed); on stored lines, the call says so. */
  speaker?: "assistant";
}

export const changeCallStatus = (call: Pick<Call, "status">, to: CallStatus) =>
  transition(callTransitions, call.status, to, "call");

export const isCallOver = (status: CallStatus): boolean => isFinal(callTransitions, status);

/** Who spoke a line: on an assistant call the outbound track is the assistant, else staff. */
export const speakerOf = (
  track: Track,
  call?: Pick<Call, "assistant"> | null,
  line?: Pick<TranscriptSegment, "speaker">,
): "Caller" | "Staff" | "Assistant" =>
  track === "inbound" ? "Caller" : call?.assistant || line?.speaker === "assistant" ? "Assistant" : "Staff";

/** Segments in the order they were spoken, both tracks interleaved. */
export const inSpokenOrder = <S extends Pick<TranscriptSegment, "startMs" | "track">>(segments: readonly S[]): S[] =>
  [...segments].sort((a, b) => a.startMs - b.startMs || a.track.localeCompare(b.track));
