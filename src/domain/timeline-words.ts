import type { CallDirection, CallStatus } from "./calls.ts";
import type { IssueStatus } from "./issues.ts";
import type { LeadStatus } from "./leads.ts";
import { formatPence, type Pence } from "./money.ts";
import type { ChargeKind, PaymentStatus } from "./payments/charges.ts";
import type { QuoteStatus } from "./quotes.ts";

/**
 * How a lead's history reads on its timeline: plain words for every state, never a stored code
 * ("Job in progress", not "in_progress"), and money as it moved ("Deposit paid £71.25").
 */

const CALL_ENDINGS: Record<CallStatus, string> = {
  queued: "waiting to connect",
  ringing: "ringing",
  "in-progress": "in progress",
  completed: "answered",
  busy: "missed, line busy",
  "no-answer": "missed, no answer",
  failed: "could not connect",
  canceled: "missed, caller hung up",
  interrupted: "cut off when the server handling it stopped",
};

/** @example callWords("inbound", "no-answer") // "Incoming call, missed, no answer" */
export const callWords = (direction: CallDirection, status: CallStatus): string =>
  `${direction === "inbound" ? "Incoming" : "Outgoing"} call, ${CALL_ENDINGS[status] ?? status.replaceAll("-", " ")}`;

const JOB_WORDS: Record<IssueStatus, string> = {
  open: "Job open",
  quoted: "Job quoted",
  scheduled: "Job scheduled",
  in_progress: "Job in progress",
  done: "Job done",
  cancelled: "Job cancelled",
};

/** @example jobWords("in_progress") // "Job in progress" */
export const jobWords = (status: IssueStatus): string => JOB_WORDS[status] ?? `Job ${status.replaceAll("_", " ")}`;

const QUOTE_WORDS: Record<QuoteStatus, string> = {
  draft: "Quote drafted, not sent",
  sent: "Quote sent",
  viewed: "Quote seen by the customer",
  accepted: "Quote accepted",
  deposit_paid: "Deposit paid, balance to come",
  paid: "Paid in full",
  declined: "Quote declined",
  expired: "Quote expired",
  superseded: "Replaced by a newer version",
};

/** @example quoteWords("sent") // "Quote sent" */
export const quoteWords = (status: QuoteStatus): string =>
  QUOTE_WORDS[status] ?? `Quote ${status.replaceAll("_", " ")}`;

const PAID_WORDS: Record<ChargeKind, string> = {
  deposit: "Deposit paid",
  balance: "Balance paid",
  full: "Paid in full",
};
const CHARGE_NAMES: Record<ChargeKind, string> = { deposit: "deposit", balance: "balance", full: "full payment" };

/**
 * A payment as money that moved, or did not: only paid, failed and held payments are events (a
 * checkout opened and left is not).
 * @example paymentWords("deposit", "paid", 7125) // "Deposit paid £71.25"
 */
export function paymentWords(kind: ChargeKind, status: PaymentStatus, amountPence: Pence): string | null {
  const amount = formatPence(amountPence);
  if (status === "paid") return `${PAID_WORDS[kind]} ${amount}`;
  if (status === "failed") return `Payment failed: ${CHARGE_NAMES[kind]} of ${amount}`;
  if (status === "mismatch") return `Payment held for staff: ${CHARGE_NAMES[kind]} of ${amount}`;
  return null;
}

const LEAD_WORDS: Record<LeadStatus, string> = {
  new: "New lead",
  qualified: "Lead qualified",
  quoted: "Lead quoted",
  won: "Customer won",
  lost: "Lead lost",
};

/** @example leadWords("won") // "Customer won" */
export const leadWords = (status: LeadStatus): string => LEAD_WORDS[status] ?? `Lead ${status.replaceAll("_", " ")}`;

const STATUS_CHANGE = /^status (\S+) → (\S+)$/;
const WORDS_FOR: Partial<Record<string, (status: string) => string>> = {
  issue: (s) => jobWords(s as IssueStatus),
  lead: (s) => leadWords(s as LeadStatus),
  quote: (s) => quoteWords(s as QuoteStatus),
};

/**
 * What an audit entry says, for a record's history: a status change as words ("Job scheduled,
 * was open"), everything else as written.
 * @example auditWords("issue", "status open → scheduled") // "Job scheduled, was open"
 */
export function auditWords(entity: string, what: string): string {
  const change = STATUS_CHANGE.exec(what);
  const words = WORDS_FOR[entity];
  if (!change || !words) return what;
  return `${words(change[2]!)}, was ${change[1]!.replaceAll("_", " ")}`;
}
