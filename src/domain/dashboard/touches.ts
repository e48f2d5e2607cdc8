import type { Calls } from "../../ports/calls.ts";
import type { Issues } from "../../ports/issues.ts";
import type { Leads } from "../../ports/leads.ts";
import type { Payments } from "../../ports/payments.ts";
import type { Quotes } from "../../ports/quotes.ts";
import type { Call } from "../calls.ts";
import type { DashboardPart } from "./figures.ts";

/**
 * What one repository method changes on the dashboard: fixed parts (none for a read), or parts
 * read off its arguments and its answer.
 */
export type Touch<F> = F extends (...args: infer A) => Promise<infer R>
  ? readonly DashboardPart[] | ((args: A, result: R) => readonly DashboardPart[])
  : never;

/** Every method of a repository, classified: a method added to the port must be added here (the type checker says so). */
export type TouchTable<T> = { readonly [K in keyof T]: Touch<T[K]> };

const NONE: readonly DashboardPart[] = [];

/** The call fields the dashboard shows (its lists and the "check caller" flags) or counts by. */
const CALL_FIELDS_SHOWN = [
  "from",
  "leadId",
  "status",
  "startedAt",
  "emergency",
  "callerCheck",
] as const satisfies (keyof Call)[];

/** A call's changes reach the dashboard only through the fields it shows; a transcript or extraction does not. */
const callChanges = (changes: Partial<Call>): readonly DashboardPart[] =>
  CALL_FIELDS_SHOWN.some((field) => field in changes) ? ["calls"] : NONE;

/** The dashboard's lists show leads' names beside calls and issues. */
const leadChanges = (fields: { name?: unknown }): readonly DashboardPart[] =>
  "name" in fields ? ["calls", "issues"] : NONE;

export const CALLS_TOUCH: TouchTable<Calls> = {
  record: ["calls"],
  byId: NONE,
  byProviderId: NONE,
  // The provider's id is not shown.
  placed: NONE,
  update: ([, changes]) => callChanges(changes),
  advance: ([, , changes], result) => (result ? callChanges(changes) : NONE),
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
  update: ([, fields]) => leadChanges(fields),
  updateUnlessPhoneTaken: ([, fields], result) => (result && "updated" in result ? leadChanges(fields) : NONE),
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
export type AnyTouch = readonly DashboardPart[] | ((args: never, result: never) => readonly DashboardPart[]);

/** The parts one finished call of a method changed. */
export function partsTouched(touch: AnyTouch, args: unknown[], result: unknown): readonly DashboardPart[] {
  if (typeof touch !== "function") return touch;
  return (touch as (args: unknown[], result: unknown) => readonly DashboardPart[])(args, result);
}
