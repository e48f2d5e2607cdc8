import type { Calls } from "./calls.ts";
import type { CallLeases } from "./call-leases.ts";
import type { Issues } from "./issues.ts";
import type { Tasks } from "./tasks.ts";
import type { Settings } from "./settings.ts";
import type { AuditTrail } from "./audit.ts";
import type { LeadAliases, LeadContacts, Leads } from "./leads.ts";
import type { Messages, MissedCalls, WebhookDeliveries } from "./messages.ts";
import type { Quotes } from "./quotes.ts";
import type { Payments } from "./payments.ts";
import type { Invoices } from "./invoices.ts";
import type { OutboundMessages } from "./quote-messages.ts";
import type { StaffSessions, StaffUsers } from "./staff.ts";
import type { Timeline } from "./timeline.ts";
import type { Appointments, Engineers } from "./scheduling.ts";
import type { OnCall } from "./on-call.ts";
import type { VisitRecords } from "./visit-records.ts";
import type { CallConsent } from "./call-consent.ts";
import type { Reports } from "./reports.ts";
import type { BoardLinks, BoardReads } from "./board.ts";

/** Everything the app keeps in its database, behind one handle. */
export interface Repositories {
  /** "PGlite (embedded)", "PostgreSQL", or "Neon", for logs and the integrations page. */
  readonly kind: string;
  leads: Leads;
  calls: Calls;
  /** Which instance holds each live call, so a dead instance's calls are closed by another. */
  callLeases: CallLeases;
  issues: Issues;
  quotes: Quotes;
  payments: Payments;
  invoices: Invoices;
  /** Quote links and receipts, sent or kept in the outbox. */
  outboundMessages: OutboundMessages;
  staffUsers: StaffUsers;
  staffSessions: StaffSessions;
  timeline: Timeline;
  tasks: Tasks;
  messages: Messages;
  leadAliases: LeadAliases;
  leadContacts: LeadContacts;
  webhookDeliveries: WebhookDeliveries;
  missedCalls: MissedCalls;
  settings: Settings;
  audit: AuditTrail;
  engineers: Engineers;
  appointments: Appointments;
  visitRecords: VisitRecords;
  /** Office hours and the on-call rota. */
  onCall: OnCall;
  /** The assistant's calling hours, once-a-day attempts and opt-out register. */
  callConsent: CallConsent;
  /** The report pages' figures, aggregated in the database (read only). */
  reports: Reports;
  /** Read-only links to the wall board (token hashes), and its figures (aggregated in the database). */
  boardLinks: BoardLinks;
  board: BoardReads;
  /** Round trip to the database, for /ready. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
