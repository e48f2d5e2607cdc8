import type { Issue, IssueFields, IssueStatus, Urgency } from "../domain/issues.ts";
import type { Result } from "../domain/result.ts";

export interface IssueListItem extends Issue {
  leadName: string | null;
}

/** Jobs at properties. */
export interface Issues {
  create(fields: IssueFields & { sourceCallId?: string | null }): Promise<Issue>;
  /**
   * The job `sourceCallId`'s call opens: created now, or the one it already opened (`created`
   * false). One at a time per call, across instances: a visit booked while the caller is on the
   * line and the call's filing at its end, racing, open one job between them, not two.
   */
  openForCall(fields: IssueFields & { sourceCallId: string }): Promise<{ issue: Issue; created: boolean }>;
  update(id: string, fields: Partial<IssueFields>): Promise<Issue | null>;
  /**
   * Moves the job to `status` if the transition table allows it from where it stands now
   * (checked in the same statement); otherwise writes nothing and says why.
   */
  setStatus(id: string, status: IssueStatus): Promise<Result<IssueStatus, "illegal_transition" | "not_found">>;
  byId(id: string): Promise<Issue | null>;
  forLead(leadId: string): Promise<Issue[]>;
  /** All issues not done or cancelled, plus those closed recently, for the board. */
  board(): Promise<IssueListItem[]>;
  openCountsByUrgency(): Promise<Record<Urgency, number>>;
  /** Open issues, emergencies first. */
  openByUrgency(limit: number): Promise<IssueListItem[]>;
}
