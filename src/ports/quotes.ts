import type { Quote, QuoteStatus } from "../domain/quotes.ts";

export type NewQuote = Omit<Quote, "id" | "createdAt" | "sentAt" | "version" | "token" | "status">;

/** Quotes for jobs, with their public tokens. */
export interface Quotes {
  /** A new draft, the next version for its issue, with a fresh unguessable token. */
  createDraft(quote: NewQuote): Promise<Quote>;
  byId(id: string): Promise<Quote | null>;
  byToken(token: string): Promise<Quote | null>;
  forIssue(issueId: string): Promise<Quote[]>;
  forLead(leadId: string): Promise<Quote[]>;
  setStatus(id: string, status: QuoteStatus, at?: Date): Promise<void>;
}
