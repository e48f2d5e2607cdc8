import type { QuoteDocumentContent } from "../domain/payments/quote-document.ts";
import type { Quote, QuoteStatus } from "../domain/quotes.ts";
import type { Result } from "../domain/result.ts";

export type NewQuote = Omit<
  Quote,
  "id" | "createdAt" | "sentAt" | "updatedAt" | "version" | "token" | "status" | "documentKey"
>;

/** A quote in the staff list, with its job, its customer and what has been paid. */
export interface QuoteListItem {
  quote: Quote;
  issueTitle: string;
  leadId: string;
  leadName: string | null;
  paidPence: number;
}

/** Quotes for jobs, with their public tokens. */
export interface Quotes {
  /** A new draft, the next version for its issue, with a fresh unguessable token. */
  createDraft(quote: NewQuote): Promise<Quote>;
  byId(id: string): Promise<Quote | null>;
  byToken(token: string): Promise<Quote | null>;
  forIssue(issueId: string): Promise<Quote[]>;
  forLead(leadId: string): Promise<Quote[]>;
  /**
   * Moves the quote to `status` if the transition table allows it from where it stands now
   * (checked in the same statement); otherwise writes nothing and says why.
   */
  setStatus(
    id: string,
    status: QuoteStatus,
    at?: Date,
  ): Promise<Result<QuoteStatus, "illegal_transition" | "not_found">>;
  /** Replaces a draft's content; false when the quote is not (or no longer) a draft. */
  updateDraft(id: string, fields: NewQuote): Promise<boolean>;
  /**
   * Sends a draft: it becomes `sent`, and the issue's earlier sent, viewed or expired versions
   * become `superseded`, in one transaction. False when it was not a draft.
   */
  markSent(id: string, at: Date): Promise<boolean>;
  /**
   * Compare-and-set: moves the quote from one of `from` to `to`, stamping the time; false when
   * it was in none of them. A `from` the transition table does not let go to `to` never matches.
   */
  advance(id: string, from: readonly QuoteStatus[], to: QuoteStatus, at: Date): Promise<boolean>;
  /** Records where the version's PDF is stored; the first key recorded stays. */
  setDocumentKey(id: string, key: string): Promise<void>;
  /** The newest version of the issue that was sent (whatever happened to it since), or null. */
  latestSent(issueId: string): Promise<Quote | null>;
  /** Latest versions first, with optional status filter, for the staff list. */
  list(filter: { status?: QuoteStatus; limit: number }): Promise<QuoteListItem[]>;
}

/** Renders a sent quote version as a document (a PDF). */
export interface QuoteDocuments {
  readonly contentType: string;
  render(content: QuoteDocumentContent): Promise<Uint8Array>;
}
