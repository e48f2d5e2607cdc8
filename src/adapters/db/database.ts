import { sql } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import type { Repositories } from "../../ports/database.ts";
import { createCallsRepository } from "./calls-repository.ts";
import { createIssuesRepository } from "./issues-repository.ts";
import { createJobsRepository } from "./jobs-repository.ts";
import { createLeadAliasesRepository } from "./lead-aliases-repository.ts";
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
import * as schema from "./schema.ts";
import { createStaffSessionsRepository, createStaffUsersRepository } from "./staff-repository.ts";
import { createTimelineRepository } from "./timeline-repository.ts";

export type Schema = typeof schema;

/** A drizzle handle on any of the three drivers (PGlite, postgres.js, Neon). */
export type Database = PgDatabase<PgQueryResultHKT, Schema>;

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
    issues: createIssuesRepository(db),
    quotes: createQuotesRepository(db),
    payments: createPaymentsRepository(db),
    invoices: createInvoicesRepository(db),
    outboundMessages: createOutboundMessagesRepository(db),
    staffUsers: createStaffUsersRepository(db),
    staffSessions: createStaffSessionsRepository(db),
    timeline: createTimelineRepository(db),
    jobs: createJobsRepository(db),
    messages: createMessagesRepository(db),
    leadAliases: createLeadAliasesRepository(db),
    webhookDeliveries: createWebhookDeliveriesRepository(db),
    missedCalls: createMissedCallsRepository(db),
    settings: createSettingsRepository(db),
    audit: createAuditRepository(db),
    async ping() {
      await db.execute(sql`select 1`);
    },
    close() {
      closing ??= close();
      return closing;
    },
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids come from URLs; a malformed one finds nothing rather than making Postgres throw. */
export const isUuid = (value: string): boolean => UUID.test(value);

/**
 * The SQLSTATE and constraint of a database error, through drizzle's DrizzleQueryError wrapper,
 * for whichever driver raised it.
 */
export function pgErrorOf(error: unknown): { code?: string; constraint?: string } {
  for (let e = error as { code?: unknown; constraint?: unknown; constraint_name?: unknown; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (typeof e.code === "string" && /^[0-9A-Z]{5}$/.test(e.code)) {
      const constraint = typeof e.constraint === "string" ? e.constraint : typeof e.constraint_name === "string" ? e.constraint_name : undefined;
      return { code: e.code, constraint };
    }
    if (typeof e !== "object") break;
  }
  return {};
}

export const isUniqueViolation = (error: unknown, constraint?: string): boolean => {
  const found = pgErrorOf(error);
  return found.code === "23505" && (constraint === undefined || found.constraint === constraint);
};

/** Escapes %, _ and \ so user text matches literally inside LIKE. */
export const escapeLike = (text: string): string => text.replace(/[\\%_]/g, (c) => `\\${c}`);
