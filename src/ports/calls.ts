import type { CallerCheck } from "../domain/caller-match.ts";
import type { Call, CallStatus, TranscriptSegment } from "../domain/calls.ts";
import type { CorrectableField } from "../domain/extraction/extraction.ts";

export type NewCall = Pick<Call, "providerCallId" | "direction" | "from" | "to" | "leadId" | "status" | "startedAt"> &
  /** An id chosen before the call is stored (an assistant call's stream carries it); an assistant call's subject. */
  Partial<Pick<Call, "id" | "assistant">>;
/** A line to store; it may bring its own id (then storing it twice stores it once). */
export type NewSegment = Omit<TranscriptSegment, "id" | "createdAt"> &
  Partial<Pick<TranscriptSegment, "id" | "createdAt">>;

export interface CallListItem extends Call {
  leadName: string | null;
}

/** Phone calls and their transcripts. */
export interface Calls {
  /** Stores the call; when one with the same provider id exists, returns that one unchanged. */
  record(call: NewCall): Promise<Call>;
  byId(id: string): Promise<Call | null>;
  byProviderId(providerCallId: string): Promise<Call | null>;
  /**
   * Gives a call stored before the provider knew it (an assistant call, stored first so its
   * stream can find it) the provider's id once the call is placed. Null when there is no call `id`.
   */
  placed(id: string, providerCallId: string): Promise<Call | null>;
  update(id: string, changes: Partial<Omit<Call, "id" | "providerCallId">>): Promise<Call | null>;
  /**
   * Applies `changes` only while the call's status is one of `from`, in one statement, so two
   * reports racing each other cannot both win. Null when the call was not in one of those, or
   * when the transition table does not allow `changes.status` from where it stands.
   */
  advance(
    id: string,
    from: readonly CallStatus[],
    changes: Partial<Omit<Call, "id" | "providerCallId">>,
  ): Promise<Call | null>;
  /**
   * Replaces the call's caller check only while it is still `from` (compare-and-set, in one
   * statement), applying `changes` with it, so two staff choosing at once, or a choice racing
   * the call's filing, cannot both win. Null when it had changed.
   */
  swapCallerCheck(
    id: string,
    from: CallerCheck | null,
    to: CallerCheck | null,
    changes?: Partial<Pick<Call, "leadId" | "issueId" | "summary">>,
  ): Promise<Call | null>;
  /**
   * Keeps one correction staff typed (its value, who, when) beside the others in one statement,
   * so two people correcting different fields at once both keep theirs. Null when there is no call `id`.
   */
  correct(
    id: string,
    correction: { field: CorrectableField; value: string | null; by: string; at: Date },
  ): Promise<Call | null>;
  forLead(leadId: string): Promise<Call[]>;
  /** The calls about one job: those filed under it, and the call that opened it. Newest first. */
  forIssue(issueId: string): Promise<Call[]>;
  /** Calls whose caller staff still have to confirm ("check caller"), newest first. */
  awaitingCallerCheck(limit: number): Promise<CallListItem[]>;
  recent(options: { limit: number; offset: number }): Promise<CallListItem[]>;
  countSince(since: Date): Promise<number>;
  addSegment(segment: NewSegment): Promise<TranscriptSegment>;
  transcript(callId: string): Promise<TranscriptSegment[]>;
}

export type { CallStatus };
