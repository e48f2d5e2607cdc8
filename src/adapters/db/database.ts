import { sql } from "drizzle-orm";
import type { Repositories } from "../../ports/database.ts";
import type { Database } from "./database-handle.ts";
import { createCallsRepository } from "./calls-repository.ts";
import { createCallLeasesRepository } from "./call-leases-repository.ts";
import { createIssuesRepository } from "./issues-repository.ts";
import { createTasksRepository } from "./tasks-repository.ts";
import { createLeadAliasesRepository } from "./lead-aliases-repository.ts";
import { createLeadContactsRepository } from "./lead-contacts-repository.ts";
import { createMessagesRepository } from "./messages-repository.ts";
import { createMissedCallsRepository } from "./missed-calls-repository.ts";
import { createWebhookDeliveriesRepository } from "./webhook-deliveries-repository.ts";
import { createSettingsRepository } from "./settings-repository.ts";
import { createAuditRepository } from "./audit-repository.ts";
import { createLeadsRepository } from "./leads-repository.ts";
import { createQuotesRepository } from "./quotes-repository.ts";
import { createPaymentsRepository } from "./payments-repository.ts";
import { createInvoicesRepository } from "./invoices-repository.ts";
import { createOutboundMessagesRepository, type OutboundMessagesStore } from "./outbound-messages-repository.ts";
import { createStaffSessionsRepository, createStaffUsersRepository } from "./staff-repository.ts";
import { createTimelineRepository } from "./timeline-repository.ts";
import { createAppointmentsRepository } from "./appointments-repository.ts";
import { createEngineersRepository } from "./engineers-repository.ts";
import { createOnCallRepository } from "./on-call-repository.ts";
import { createVisitRecordsRepository } from "./visit-records-repository.ts";
import { createCallConsentRepository } from "./call-consent-repository.ts";
import { createReportsRepository } from "./reports-repository.ts";
import { createBoardLinksRepository } from "./board-links-repository.ts";
import { boardFigures } from "./reports/board-figures.ts";

/** The repositories plus the drizzle handle, for code that needs a query the ports don't offer yet. */
export type OpenDatabase = Repositories & { readonly db: Database; outboundMessages: OutboundMessagesStore };

/**
 * Builds every repository on one drizzle handle.
 * @example const repos = createRepositories(db, "PostgreSQL", () => client.end());
 */
export function createRepositories(db: Database, kind: string, close: () => Promise<void>): OpenDatabase {
  let closing: Promise<void> | null = null;
  return {
    kind,
    db,
    leads: createLeadsRepository(db),
    calls: createCallsRepository(db),
    callLeases: createCallLeasesRepository(db),
    issues: createIssuesRepository(db),
    quotes: createQuotesRepository(db),
    payments: createPaymentsRepository(db),
    invoices: createInvoicesRepository(db),
    outboundMessages: createOutboundMessagesRepository(db),
    staffUsers: createStaffUsersRepository(db),
    staffSessions: createStaffSessionsRepository(db),
    timeline: createTimelineRepository(db),
    tasks: createTasksRepository(db),
    messages: createMessagesRepository(db),
    leadAliases: createLeadAliasesRepository(db),
    leadContacts: createLeadContactsRepository(db),
    webhookDeliveries: createWebhookDeliveriesRepository(db),
    missedCalls: createMissedCallsRepository(db),
    settings: createSettingsRepository(db),
    audit: createAuditRepository(db),
    engineers: createEngineersRepository(db),
    appointments: createAppointmentsRepository(db),
    visitRecords: createVisitRecordsRepository(db),
    onCall: createOnCallRepository(db),
    callConsent: createCallConsentRepository(db),
    reports: createReportsRepository(db),
    boardLinks: createBoardLinksRepository(db),
    board: { figures: (now) => boardFigures(db, now) },
    async ping() {
      await db.execute(sql`select 1`);
    },
    close() {
      closing ??= close();
      return closing;
    },
  };
}
