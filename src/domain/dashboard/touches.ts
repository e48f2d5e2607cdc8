import type { Calls } from "../../ports/calls.ts";
import type { Issues } from "../../ports/issues.ts";
import type { Leads } from "../../ports/leads.ts";
import type { Payments } from "../../ports/payments.ts";
import type { Quotes } from "../../ports/quotes.ts";
import type { Call } from "../calls.ts";
import type { DashboardPart } from "./figures.ts";

/**
 * A change the dashboard shows only where the call or the lead appears on it (a call's status
 * beside it in the latest calls, a lead's name beside its calls and jobs): its lists are re-read
 * only if they show it. It cannot add or remove a row, nor change a count.
 */
export type ShownOnly = { readonly call: string } | { readonly lead: string };

/** What a write changed: whole parts (counted, listed or ordered by it), or rows only where shown. */
export type Touched = DashboardPart | ShownOnly;

/**
 * What one repository method changes on the dashboard: fixed parts (none for a read), or what
 * is read off its arguments and its answer.
 */
export type Touch<F> = F extends (...args: infer A) => Promise<infer R>
  ? readonly DashboardPart[] | ((args: A, result: R) => readonly Touched[])
  : never;

/** Every method of a repository, classified: a method added to the port must be added here (the type checker says so). */
export type TouchTable<T> = { readonly [K in keyof T]: Touch<T[K]> };

const NONE: readonly DashboardPart[] = [];

/**
 * The call fields the dashboard counts, orders or picks its lists by (calls today and the latest
 * by start, callers to check by their check's state): a change to one re-reads the calls part.
 */
const CALL_FIELDS_COUNTED = ["startedAt", "callerCheck"] as const satisfies (keyof Call)[];
/** The call fields it only shows, beside a call it lists: re-read only if the call is listed. */
const CALL_FIELDS_SHOWN = ["from", "leadId", "status", "emergency"] as const satisfies (keyof Call)[];

/**
 * A call's changes reach the dashboard only through the fields it counts or shows; a transcript
 * line or an extraction does not, and a status change only if the call is on it.
 */
export const callChanges = (id: string, changes: Partial<Call>): readonly Touched[] => {
  if (CALL_FIELDS_COUNTED.some((field) => field in changes)) return ["calls"];
  return CALL_FIELDS_SHOWN.some((field) => field in changes) ? [{ call: id }] : NONE;
};

/** The dashboard's lists show leads' names beside calls and issues: only a lead on them matters. */
const leadChanges = (id: string, fields: { name?: unknown }): readonly Touched[] =>
  "name" in fields ? [{ lead: id }] : NONE;

export const CALLS_TOUCH: TouchTable<Calls> = {
  record: ["calls"],
  byId: NONE,
  byProviderId: NONE,
  // The provider's id is not shown.
  placed: NONE,
  update: ([id, changes]) => callChanges(id, changes),
  advance: ([id, , changes], result) => (result ? callChanges(id, changes) : NONE),
  swapCallerCheck: (_, result) => (result ? ["calls"] : NONE),
  correct: NONE,
  forLead: NONE,
  forIssue: NONE,
  awaitingCallerCheck: NONE,
  recent: NONE,
  countSince: NONE,
  addSegment: NONE,
  transcript: NONE,
};

export const LEADS_TOUCH: TouchTable<Leads> = {
  // A new lead counts this week; it has no calls or issues yet to show its name beside.
  create: ["leads"],
  update: ([id, fields]) => leadChanges(id, fields),
  updateUnlessPhoneTaken: ([id, fields], result) => (result && "updated" in result ? leadChanges(id, fields) : NONE),
  setStatus: NONE,
  byId: NONE,
  byPhone: NONE,
  findOrCreateByPhone: (_, result) => (result.created ? ["leads"] : NONE),
  givePhone: NONE,
  // Calls and issues move to the survivor, under its name, and the absorbed lead is no longer counted.
  merge: ["leads", "calls", "issues"],
  search: NONE,
  countCreatedSince: NONE,
};

export const ISSUES_TOUCH: TouchTable<Issues> = {
  create: ["issues"],
  openForCall: (_, result) => (result.created ? ["issues"] : NONE),
  update: (_, result) => (result ? ["issues"] : NONE),
  setStatus: (_, result) => (result.ok ? ["issues"] : NONE),
  byId: NONE,
  forLead: NONE,
  board: NONE,
  openCountsByUrgency: NONE,
  openByUrgency: NONE,
};

/** Quoted and accepted money counts by the quotes' times and statuses. */
export const QUOTES_TOUCH: TouchTable<Quotes> = {
  createDraft: NONE,
  byId: NONE,
  byToken: NONE,
  forIssue: NONE,
  forLead: NONE,
  setStatus: (_, result) => (result.ok ? ["money"] : NONE),
  updateDraft: NONE,
  markSent: (_, sent) => (sent ? ["money"] : NONE),
  advance: (_, moved) => (moved ? ["money"] : NONE),
  setDocumentKey: NONE,
  latestSent: NONE,
  list: NONE,
};

/** Paid money counts settled payments (the settlement may accept the quote too). */
export const PAYMENTS_TOUCH: TouchTable<Payments> = {
  create: NONE,
  attachSession: NONE,
  byId: NONE,
  bySessionId: NONE,
  forQuote: NONE,
  reusable: NONE,
  settleEvent: ["money"],
  flagged: NONE,
  moneySince: NONE,
};

/** Any entry of a table, whatever its method. */
export type AnyTouch = readonly DashboardPart[] | ((args: never, result: never) => readonly Touched[]);

/** What one finished call of a method changed. */
export function partsTouched(touch: AnyTouch, args: unknown[], result: unknown): readonly Touched[] {
  if (typeof touch !== "function") return touch;
  return (touch as (args: unknown[], result: unknown) => readonly Touched[])(args, result);
}
