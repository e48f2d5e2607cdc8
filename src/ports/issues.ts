import type { Issue, IssueFields, IssueStatus, Urgency } from "../domain/issues.ts";

export interface IssueListItem extends Issue {
  leadName: string | null;
}

/** Jobs at properties. */
export interface Issues {
  create(fields: IssueFields & { sourceCallId?: string | null }): Promise<Issue>;
  update(id: string, fields: Partial<IssueFields>): Promise<Issue | null>;
  setStatus(id: string, status: IssueStatus): Promise<void>;
  byId(id: string): Promise<Issue | null>;
  forLead(leadId: string): Promise<Issue[]>;
  /** All issues not done or cancelled, plus those closed recently, for the board. */
  board(): Promise<IssueListItem[]>;
  openCountsByUrgency(): Promise<Record<Urgency, number>>;
  /** Open issues, emergencies first. */
  openByUrgency(limit: number): Promise<IssueListItem[]>;
}
