import { sql, type SQL } from "drizzle-orm";
import {
  boolean,
  check,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
  uniqueIndex,
  uuid,
  type AnyPgColumn,
} from "drizzle-orm/pg-core";
import {
  INBOUND_STATUSES,
  MESSAGE_CHANNELS,
  MESSAGE_KINDS,
  MESSAGE_PURPOSES,
  OUTBOUND_STATUSES,
  type Message,
  type MessageChannel,
  type MessageKind,
  type MessagePurpose,
  type MessageStatus,
} from "../../domain/messaging/message.ts";
import type { CallerCheck } from "../../domain/caller-match.ts";
import {
  CALL_STATUSES,
  type AssistantCall,
  type CallDirection,
  type CallStatus,
  type Track,
} from "../../domain/calls.ts";
import {
  ISSUE_STATUSES,
  TRADE_CATEGORIES,
  URGENCIES,
  type IssueStatus,
  type TradeCategory,
  type Urgency,
} from "../../domain/issues.ts";
import {
  LEAD_SEGMENTS,
  LEAD_SOURCES,
  LEAD_STATUSES,
  type LeadSegment,
  type LeadSource,
  type LeadStatus,
} from "../../domain/leads.ts";
import {
  QUOTE_STATUSES,
  type Deposit,
  type QuoteLine,
  type QuoteStatus,
  type QuoteTotals,
} from "../../domain/quotes.ts";
import { ROLES, type Role } from "../../domain/users.ts";
import { APPOINTMENT_STATUSES, type AppointmentStatus } from "../../domain/scheduling/appointments.ts";
import type { WorkingWeek } from "../../domain/scheduling/engineers.ts";
import type { CorrectionMarks, Corrections, Extraction } from "../../domain/extraction/extraction.ts";

/**
 * The tables. Ids are uuids made by the database, times are timestamptz (UTC), money is
 * integer pence. Closed sets of values are text with a CHECK, not Postgres enums, so a later
 * migration can add a status with one ALTER instead of an enum dance.
 *
 * Search on leads uses pg_trgm GIN indexes (PGlite ships pg_trgm; so do Neon and PostgreSQL),
 * which serve `ILIKE '%…%'` on name, organisation, phone and the postcode without its space.
 */

const id = () => uuid("id").primaryKey().defaultRandom();
const at = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });
const createdAt = () => at("created_at").notNull().defaultNow();
const updatedAt = () => at("updated_at").notNull().defaultNow();

/** CHECK (column IN (...)) for a closed set of values. */
const oneOf = (column: AnyPgColumn, values: readonly string[]): SQL =>
  sql`${column} in (${sql.raw(values.map((value) => `'${value.replaceAll("'", "''")}'`).join(", "))})`;

export const staffUsers = pgTable(
  "staff_users",
  {
    id: id(),
    /** Lower-cased; the login name. */
    email: text("email").notNull(),
    name: text("name"),
    role: text("role").$type<Role>().notNull(),
    passwordHash: text("password_hash").notNull(),
    disabledAt: at("disabled_at"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [unique("staff_users_email_unique").on(t.email), check("staff_users_role_check", oneOf(t.role, ROLES))],
);

export const staffSessions = pgTable(
  "staff_sessions",
  {
    /** SHA-256 (hex) of the random id the cookie carries, never the id itself. */
    id: text("id").primaryKey(),
    userId: uuid("user_id")
      .notNull()
      .references(() => staffUsers.id, { onDelete: "cascade" }),
    csrfToken: text("csrf_token").notNull(),
    createdAt: at("created_at").notNull(),
    lastSeenAt: at("last_seen_at").notNull(),
    expiresAt: at("expires_at").notNull(),
  },
  (t) => [index("staff_sessions_user_idx").on(t.userId), index("staff_sessions_expires_idx").on(t.expiresAt)],
);

export const leads = pgTable(
  "leads",
  {
    id: id(),
    name: text("name"),
    organisation: text("organisation"),
    /** E.164; the de-duplication key. */
    phone: text("phone"),
    email: text("email"),
    address: text("address"),
    /** Written form, e.g. "NW1 6XE". */
    postcode: text("postcode"),
    segment: text("segment").$type<LeadSegment>().notNull().default("unknown"),
    source: text("source").$type<LeadSource>().notNull().default("manual"),
    status: text("status").$type<LeadStatus>().notNull().default("new"),
    notes: text("notes"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("leads_phone_unique").on(t.phone).where(sql`${t.phone} is not null`),
    index("leads_created_idx").on(t.createdAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
    // fastupdate off: no GIN pending list, so a burst of inserts never leaves search scanning
    // a long unsorted list (or the planner falling back to a sequential scan) until vacuum runs.
    index("leads_name_trgm_idx").using("gin", t.name.op("gin_trgm_ops")).with({ fastupdate: false }),
    index("leads_organisation_trgm_idx").using("gin", t.organisation.op("gin_trgm_ops")).with({ fastupdate: false }),
    index("leads_phone_trgm_idx").using("gin", t.phone.op("gin_trgm_ops")).with({ fastupdate: false }),
    index("leads_postcode_trgm_idx")
      .using("gin", sql`(replace(${t.postcode}, ' ', '')) gin_trgm_ops`)
      .with({ fastupdate: false }),
    index("leads_address_trgm_idx").using("gin", t.address.op("gin_trgm_ops")).with({ fastupdate: false }),
    check("leads_segment_check", oneOf(t.segment, LEAD_SEGMENTS)),
    check("leads_source_check", oneOf(t.source, LEAD_SOURCES)),
    check("leads_status_check", oneOf(t.status, LEAD_STATUSES)),
  ],
);

export const calls = pgTable(
  "calls",
  {
    id: id(),
    /** Twilio CallSid. */
    providerCallId: text("provider_call_id").notNull(),
    direction: text("direction").$type<CallDirection>().notNull(),
    from: text("from_number").notNull(),
    to: text("to_number").notNull(),
    leadId: uuid("lead_id").references(() => leads.id, { onDelete: "set null" }),
    status: text("status").$type<CallStatus>().notNull(),
    startedAt: at("started_at").notNull(),
    answeredAt: at("answered_at"),
    endedAt: at("ended_at"),
    durationSeconds: integer("duration_seconds"),
    /** Blob key under recordings/. */
    recordingKey: text("recording_key"),
    transcriber: text("transcriber"),
    summary: text("summary"),
    emergency: boolean("emergency").notNull().default(false),
    /** When a card number was first heard on the call (masked in its transcript): its recording holds card data. */
    cardDataHeardAt: at("card_data_heard_at"),
    /** What the extractor found (name, address, urgency…), as it last reported it. */
    extracted: jsonb("extracted").$type<Extraction>(),
    /** The job this call is about, once known (created from the call or matched to an open one). */
    issueId: uuid("issue_id").references((): AnyPgColumn => issues.id, { onDelete: "set null" }),
    /** Fields staff corrected in the details panel; a later extraction never overwrites them. */
    corrections: jsonb("corrections").$type<Corrections>(),
    /** Set when the caller did not look like the number's lead; pending until staff choose who it is. */
    callerCheck: jsonb("caller_check").$type<CallerCheck>(),
    /** Who made each correction and when, by field. */
    correctedBy: jsonb("corrected_by").$type<CorrectionMarks>(),
    /** The instance streaming the call (its id, fresh at each start); null once it let the call go. */
    leaseOwner: text("lease_owner"),
    /** The owner renews this every few seconds; once past, the owner died and another instance closes the call. */
    leaseExpiresAt: at("lease_expires_at"),
    /** An assistant call's script and subject (appointment or quote id); null for every other call. */
    assistant: jsonb("assistant").$type<AssistantCall>(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    unique("calls_provider_call_id_unique").on(t.providerCallId),
    index("calls_lead_idx").on(t.leadId),
    index("calls_started_idx").on(t.startedAt.desc().nullsFirst()),
    index("calls_lease_expires_idx").on(t.leaseExpiresAt).where(sql`${t.leaseExpiresAt} is not null`),
    // The dashboard's "callers to check": a handful of calls among all of them, newest first
    // (without it, the newest-first walk read every call when fewer than ten were waiting).
    index("calls_caller_check_pending_idx")
      .on(t.startedAt.desc().nullsFirst(), t.id.desc().nullsFirst())
      .where(sql`(${t.callerCheck} ->> 'state') = 'pending'`),
    // Reports (src/adapters/db/reports/): a range of inbound calls, the emergencies among them,
    // and "did we call them back" (an outbound call to the missed caller's number, soon after).
    index("calls_direction_started_idx").on(t.direction, t.startedAt),
    index("calls_emergency_started_idx").on(t.startedAt).where(sql`${t.emergency}`),
    index("calls_outbound_to_idx").on(t.to, t.startedAt).where(sql`${t.direction} = 'outbound'`),
    // The wall board's "calls live now": the handful not yet over, among all of them.
    index("calls_live_idx").on(t.startedAt).where(sql`${t.status} in ('queued', 'ringing', 'in-progress')`),
    check("calls_status_check", oneOf(t.status, CALL_STATUSES)),
    check("calls_direction_check", oneOf(t.direction, ["inbound", "outbound"])),
  ],
);

export const transcriptSegments = pgTable(
  "transcript_segments",
  {
    id: id(),
    callId: uuid("call_id")
      .notNull()
      .references(() => calls.id, { onDelete: "cascade" }),
    /** inbound = caller, outbound = staff. */
    track: text("track").$type<Track>().notNull(),
    text: text("text").notNull(),
    startMs: integer("start_ms").notNull(),
    endMs: integer("end_ms").notNull(),
    isFinal: boolean("is_final").notNull(),
    confidence: doublePrecision("confidence"),
    createdAt: createdAt(),
  },
  (t) => [
    index("transcript_segments_call_idx").on(t.callId, t.startMs),
    check("transcript_segments_track_check", oneOf(t.track, ["inbound", "outbound"])),
  ],
);

export const issues = pgTable(
  "issues",
  {
    id: id(),
    leadId: uuid("lead_id")
      .notNull()
      .references(() => leads.id, { onDelete: "restrict" }),
    sourceCallId: uuid("source_call_id").references(() => calls.id, { onDelete: "set null" }),
    title: text("title").notNull(),
    description: text("description"),
    category: text("category").$type<TradeCategory>().notNull().default("general"),
    urgency: text("urgency").$type<Urgency>().notNull().default("routine"),
    address: text("address"),
    postcode: text("postcode"),
    accessNotes: text("access_notes"),
    status: text("status").$type<IssueStatus>().notNull().default("open"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("issues_lead_idx").on(t.leadId),
    index("issues_status_idx").on(t.status, t.urgency, t.createdAt),
    // The wall board's open emergencies: a few among all the jobs.
    index("issues_open_emergency_idx")
      .on(t.createdAt)
      .where(sql`${t.urgency} = 'emergency' and ${t.status} not in ('done', 'cancelled')`),
    // The leads search finds a lead by any of its jobs' sites: street or postcode (spaces ignored).
    index("issues_address_trgm_idx").using("gin", t.address.op("gin_trgm_ops")).with({ fastupdate: false }),
    index("issues_postcode_trgm_idx")
      .using("gin", sql`(replace(${t.postcode}, ' ', '')) gin_trgm_ops`)
      .with({ fastupdate: false }),
    check("issues_category_check", oneOf(t.category, TRADE_CATEGORIES)),
    check("issues_urgency_check", oneOf(t.urgency, URGENCIES)),
    check("issues_status_check", oneOf(t.status, ISSUE_STATUSES)),
  ],
);

export const quotes = pgTable(
  "quotes",
  {
    id: id(),
    issueId: uuid("issue_id")
      .notNull()
      .references(() => issues.id, { onDelete: "restrict" }),
    version: integer("version").notNull(),
    /** Public link token: 16+ random bytes, base64url. */
    token: text("token").notNull(),
    status: text("status").$type<QuoteStatus>().notNull().default("draft"),
    lines: jsonb("lines").$type<QuoteLine[]>().notNull(),
    totals: jsonb("totals").$type<QuoteTotals>().notNull(),
    discountPence: integer("discount_pence").notNull().default(0),
    deposit: jsonb("deposit").$type<Deposit>(),
    validUntil: at("valid_until"),
    terms: text("terms"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    sentAt: at("sent_at"),
    viewedAt: at("viewed_at"),
    acceptedAt: at("accepted_at"),
    paidAt: at("paid_at"),
    /** The sent version's PDF under documents/quotes/, once stored. */
    documentKey: text("document_key"),
  },
  (t) => [
    unique("quotes_token_unique").on(t.token),
    unique("quotes_issue_version_unique").on(t.issueId, t.version),
    // Reports: money quoted and accepted over a range, and the few quotes still owed or awaited now.
    index("quotes_sent_idx").on(t.sentAt).where(sql`${t.sentAt} is not null`),
    index("quotes_accepted_idx").on(t.acceptedAt).where(sql`${t.acceptedAt} is not null`),
    index("quotes_open_status_idx")
      .on(t.status)
      .where(sql`${t.status} in ('sent', 'viewed', 'accepted', 'deposit_paid')`),
    check("quotes_status_check", oneOf(t.status, QUOTE_STATUSES)),
    check("quotes_discount_check", sql`${t.discountPence} >= 0`),
  ],
);

export { MESSAGE_CHANNELS, type MessageChannel };

/**
 * WhatsApp and SMS messages both ways. Outbound ones are the outbox: stored as queued with
 * their send job, sent in the background, then updated by the provider's status reports.
 */
export const messages = pgTable(
  "messages",
  {
    id: id(),
    leadId: uuid("lead_id").references(() => leads.id, { onDelete: "set null" }),
    channel: text("channel").$type<MessageChannel>().notNull(),
    direction: text("direction").$type<"inbound" | "outbound">().notNull(),
    body: text("body"),
    /** See INBOUND_STATUSES and OUTBOUND_STATUSES in domain/messaging/message.ts. */
    status: text("status").$type<MessageStatus>().notNull(),
    /** Twilio MessageSid or WhatsApp message id. */
    providerId: text("provider_id"),
    kind: text("kind").$type<MessageKind>().notNull().default("text"),
    purpose: text("purpose").$type<MessagePurpose>().notNull().default("conversation"),
    /** The job a photo, video or video request belongs to. */
    issueId: uuid("issue_id").references((): AnyPgColumn => issues.id, { onDelete: "set null" }),
    /** The customer's end: E.164 number or WhatsApp business-scoped user id. */
    address: text("address"),
    senderName: text("sender_name"),
    username: text("username"),
    /** The provider's media reference (WhatsApp media id, Twilio media URL). */
    mediaId: text("media_id"),
    mediaType: text("media_type"),
    mediaSize: integer("media_size"),
    /** Blob keys under tenant-media/. */
    mediaKey: text("media_key"),
    thumbnailKey: text("thumbnail_key"),
    mediaError: text("media_error"),
    /** When the media download was given up (its job's last attempt failed); staff may retry it. */
    mediaGaveUpAt: at("media_gave_up_at"),
    transcript: text("transcript"),
    transcriber: text("transcriber"),
    extracted: jsonb("extracted").$type<Message["extracted"]>(),
    template: jsonb("template").$type<Message["template"]>(),
    error: text("error"),
    sentBy: uuid("sent_by").references(() => staffUsers.id, { onDelete: "set null" }),
    /** Set by system sends that must land once ("visit:<id>:booked"): a retried job finds the message already queued. */
    idempotencyKey: text("idempotency_key").unique("messages_idempotency_key_unique"),
    /** The provider's timestamp for inbound messages; when queued for outbound ones. */
    occurredAt: at("occurred_at").notNull().defaultNow(),
    /** When staff first saw an inbound message; null = unread. */
    seenAt: at("seen_at"),
    statusAt: at("status_at"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    unique("messages_channel_provider_id_unique").on(t.channel, t.providerId),
    index("messages_lead_idx").on(t.leadId, t.createdAt),
    index("messages_lead_occurred_idx").on(t.leadId, t.occurredAt.desc()),
    index("messages_issue_idx").on(t.issueId).where(sql`${t.issueId} is not null`),
    index("messages_unread_idx").on(t.leadId).where(sql`${t.direction} = 'inbound' and ${t.seenAt} is null`),
    check("messages_channel_check", oneOf(t.channel, MESSAGE_CHANNELS)),
    check("messages_direction_check", oneOf(t.direction, ["inbound", "outbound"])),
    check("messages_kind_check", oneOf(t.kind, MESSAGE_KINDS)),
    check("messages_purpose_check", oneOf(t.purpose, MESSAGE_PURPOSES)),
    check("messages_status_check", oneOf(t.status, [...INBOUND_STATUSES, ...OUTBOUND_STATUSES])),
  ],
);

/** People a lead's number speaks for: a letting agent's or office's several named callers. */
export const leadContacts = pgTable(
  "lead_contacts",
  {
    id: id(),
    leadId: uuid("lead_id")
      .notNull()
      .references(() => leads.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    /** How they stand to the lead: "tenant", "property manager", "landlord". */
    role: text("role"),
    /** E.164, when theirs differs from the lead's. */
    phone: text("phone"),
    createdAt: createdAt(),
  },
  (t) => [index("lead_contacts_lead_idx").on(t.leadId)],
);

/** Other names a lead goes by: a WhatsApp business-scoped user id (BSUID) when there is no number. */
export const leadAliases = pgTable(
  "lead_aliases",
  {
    id: id(),
    leadId: uuid("lead_id")
      .notNull()
      .references(() => leads.id, { onDelete: "cascade" }),
    /** "whatsapp_user_id". */
    kind: text("kind").notNull(),
    value: text("value").notNull(),
    createdAt: createdAt(),
  },
  (t) => [unique("lead_aliases_kind_value_unique").on(t.kind, t.value), index("lead_aliases_lead_idx").on(t.leadId)],
);

/**
 * Signed webhook deliveries as they arrived (Meta's): acknowledged once stored here, processed
 * from here by a job. Deliveries that do not match the documented shapes stay as "unrecognised".
 */
export const webhookDeliveries = pgTable(
  "webhook_deliveries",
  {
    id: id(),
    provider: text("provider").notNull(),
    body: text("body").notNull(),
    /** pending, processed, unrecognised, failed. */
    state: text("state").notNull().default("pending"),
    detail: text("detail"),
    receivedAt: at("received_at").notNull().defaultNow(),
    processedAt: at("processed_at"),
  },
  (t) => [
    index("webhook_deliveries_state_idx").on(t.state, t.receivedAt),
    check("webhook_deliveries_state_check", oneOf(t.state, ["pending", "processed", "unrecognised", "failed"])),
  ],
);

/** Calls that ended unanswered: a follow-up on the dashboard until staff resolve it. */
export const missedCalls = pgTable(
  "missed_calls",
  {
    id: id(),
    callId: uuid("call_id")
      .notNull()
      .references(() => calls.id, { onDelete: "cascade" }),
    leadId: uuid("lead_id").references(() => leads.id, { onDelete: "set null" }),
    phone: text("phone"),
    /** London date, YYYY-MM-DD. */
    day: text("day").notNull(),
    replyMessageId: uuid("reply_message_id").references(() => messages.id, { onDelete: "set null" }),
    note: text("note"),
    createdAt: createdAt(),
    resolvedAt: at("resolved_at"),
    resolvedBy: uuid("resolved_by").references(() => staffUsers.id, { onDelete: "set null" }),
  },
  (t) => [
    unique("missed_calls_call_unique").on(t.callId),
    index("missed_calls_open_idx").on(t.createdAt).where(sql`${t.resolvedAt} is null`),
  ],
);

/** The one automatic reply per caller per London day: the primary key is the guarantee. */
export const missedCallReplies = pgTable(
  "missed_call_replies",
  {
    phone: text("phone").notNull(),
    day: text("day").notNull(),
    missedCallId: uuid("missed_call_id")
      .notNull()
      .references(() => missedCalls.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ name: "missed_call_replies_pk", columns: [t.phone, t.day] })],
);

/** Webhook event ids already handled; a replay finds its row and does nothing. */
export const processedWebhookEvents = pgTable(
  "processed_webhook_events",
  {
    provider: text("provider").notNull(),
    eventId: text("event_id").notNull(),
    processedAt: at("processed_at").notNull().defaultNow(),
  },
  (t) => [primaryKey({ name: "processed_webhook_events_pk", columns: [t.provider, t.eventId] })],
);

/** Who changed what. `who` is a staff user id, or a system actor such as "twilio". */
export const auditLog = pgTable(
  "audit_log",
  {
    id: id(),
    who: text("who").notNull(),
    what: text("what").notNull(),
    entity: text("entity").notNull(),
    entityId: text("entity_id"),
    at: at("at").notNull().defaultNow(),
    details: jsonb("details").$type<Record<string, unknown>>(),
  },
  (t) => [
    index("audit_log_entity_idx").on(t.entity, t.entityId, t.at),
    index("audit_log_at_idx").on(t.at),
    // The audit page searches who and what by any part (ILIKE '%…%'), like the leads search.
    index("audit_log_who_trgm_idx").using("gin", t.who.op("gin_trgm_ops")).with({ fastupdate: false }),
    index("audit_log_what_trgm_idx").using("gin", t.what.op("gin_trgm_ops")).with({ fastupdate: false }),
  ],
);

/**
 * Durable work (fetch a recording, send a message): retried from here, not from memory, until
 * done or given up. (kind, key) is unique so a replayed webhook cannot enqueue twice.
 * The SQL table keeps its first name, "jobs": renaming it would need a migration drizzle-kit did not generate.
 */
export const tasks = pgTable(
  "jobs",
  {
    id: id(),
    kind: text("kind").notNull(),
    key: text("key").notNull(),
    payload: jsonb("payload").$type<unknown>().notNull(),
    attempts: integer("attempts").notNull().default(0),
    lastError: text("last_error"),
    nextAttemptAt: at("next_attempt_at").notNull().defaultNow(),
    /** A worker holds the job until then; past it, another may take it. */
    lockedUntil: at("locked_until"),
    /** The instance holding it (its id, fresh at each start): only it renews the hold while the job runs. */
    lockedBy: text("locked_by"),
    doneAt: at("done_at"),
    failedAt: at("failed_at"),
    createdAt: createdAt(),
  },
  (t) => [
    unique("jobs_kind_key_unique").on(t.kind, t.key),
    index("jobs_due_idx").on(t.nextAttemptAt).where(sql`${t.doneAt} is null and ${t.failedAt} is null`),
  ],
);

/** Company settings staff can edit (the safety advice list…), one JSON value a key. */
export const settings = pgTable("settings", {
  key: text("key").primaryKey(),
  value: jsonb("value").$type<unknown>().notNull(),
  updatedAt: updatedAt(),
  updatedBy: text("updated_by"),
});

// ---- Quotes to cash: payments, invoices, the quote-link outbox (issue 5) ----

export const CHARGE_KINDS = ["deposit", "full", "balance"] as const;
export const PAYMENT_STATUSES = ["pending", "processing", "paid", "failed", "mismatch"] as const;

/**
 * One attempt to take money for a quote: a Checkout session (Stripe's, or the embedded test
 * checkout's) for the deposit, the full amount or the remaining balance. Made before the
 * session, so its id rides in the session's metadata and every webhook can find it.
 */
export const payments = pgTable(
  "payments",
  {
    id: id(),
    quoteId: uuid("quote_id")
      .notNull()
      .references(() => quotes.id, { onDelete: "restrict" }),
    kind: text("kind").$type<(typeof CHARGE_KINDS)[number]>().notNull(),
    /** What the customer is asked to pay, in pence. */
    amountPence: integer("amount_pence").notNull(),
    currency: text("currency").notNull().default("gbp"),
    /** "stripe" or "test" (the embedded test checkout). */
    provider: text("provider").notNull(),
    status: text("status").$type<(typeof PAYMENT_STATUSES)[number]>().notNull().default("pending"),
    checkoutSessionId: text("checkout_session_id"),
    checkoutUrl: text("checkout_url"),
    sessionExpiresAt: at("session_expires_at"),
    paymentIntentId: text("payment_intent_id"),
    /** What the provider reported as paid, when it reported it. */
    receivedPence: integer("received_pence"),
    /** Why staff must look at this payment (an amount that does not match, a second payment…). */
    flag: text("flag"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    paidAt: at("paid_at"),
  },
  (t) => [
    unique("payments_checkout_session_unique").on(t.checkoutSessionId),
    index("payments_quote_idx").on(t.quoteId, t.createdAt),
    index("payments_payment_intent_idx").on(t.paymentIntentId),
    // One paid payment of each kind per quote: a second would be money taken twice.
    // Reports: money paid over a range.
    index("payments_paid_at_idx").on(t.paidAt).where(sql`${t.status} = 'paid'`),
    uniqueIndex("payments_one_paid_per_kind").on(t.quoteId, t.kind).where(sql`${t.status} = 'paid'`),
    check("payments_kind_check", oneOf(t.kind, CHARGE_KINDS)),
    check("payments_status_check", oneOf(t.status, PAYMENT_STATUSES)),
    check("payments_amount_check", sql`${t.amountPence} > 0`),
  ],
);

/**
 * Invoices, numbered 1, 2, 3… with no gaps: the number comes from `invoice_counters` in the
 * same transaction as the insert, so a rolled-back insert gives its number back.
 */
export const invoices = pgTable(
  "invoices",
  {
    id: id(),
    number: integer("number").notNull(),
    quoteId: uuid("quote_id")
      .notNull()
      .references(() => quotes.id, { onDelete: "restrict" }),
    paymentId: uuid("payment_id")
      .notNull()
      .references(() => payments.id, { onDelete: "restrict" }),
    kind: text("kind").$type<(typeof CHARGE_KINDS)[number]>().notNull(),
    totalPence: integer("total_pence").notNull(),
    /** Everything printed on it (company, customer, lines, VAT by rate, payments), as issued. */
    content: jsonb("content").$type<Record<string, unknown>>().notNull(),
    issuedAt: at("issued_at").notNull(),
    /** Blob key under documents/, once the PDF is stored. */
    pdfKey: text("pdf_key"),
    createdAt: createdAt(),
  },
  (t) => [
    unique("invoices_number_unique").on(t.number),
    unique("invoices_payment_unique").on(t.paymentId),
    index("invoices_quote_idx").on(t.quoteId),
    index("invoices_issued_idx").on(t.issuedAt),
    check("invoices_kind_check", oneOf(t.kind, CHARGE_KINDS)),
  ],
);

/** The last number handed out, per sequence ("invoice"). */
export const invoiceCounters = pgTable("invoice_counters", {
  name: text("name").primaryKey(),
  lastNumber: integer("last_number").notNull(),
});

/**
 * Messages to customers about their quotes (the link, a receipt). On the embedded default they
 * stay here as "outbox" (shown in the app, nothing sent); a messaging adapter sends them.
 */
export const outboundMessages = pgTable(
  "outbound_messages",
  {
    id: id(),
    leadId: uuid("lead_id").references(() => leads.id, { onDelete: "set null" }),
    quoteId: uuid("quote_id").references(() => quotes.id, { onDelete: "set null" }),
    /** "quote_link", "receipt", "balance_request". */
    purpose: text("purpose").notNull(),
    channel: text("channel").$type<MessageChannel>().notNull(),
    toNumber: text("to_number"),
    body: text("body").notNull(),
    /** outbox (embedded default: not sent), queued, sent, failed. */
    status: text("status").notNull(),
    provider: text("provider"),
    providerId: text("provider_id"),
    error: text("error"),
    /** Makes a retried send land once (e.g. "receipt:<invoice id>"). */
    dedupeKey: text("dedupe_key"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    unique("outbound_messages_dedupe_unique").on(t.dedupeKey),
    index("outbound_messages_lead_idx").on(t.leadId, t.createdAt),
    index("outbound_messages_quote_idx").on(t.quoteId, t.createdAt),
  ],
);

/**
 * The embedded test checkout's sessions (no Stripe keys): shaped like Stripe's Checkout
 * Sessions so the same webhook handler settles them. No card is ever charged.
 */
export const testCheckoutSessions = pgTable(
  "test_checkout_sessions",
  {
    id: text("id").primaryKey(),
    idempotencyKey: text("idempotency_key").notNull(),
    /** The create request as given: line items, amount, metadata, return URLs. */
    request: jsonb("request").$type<Record<string, unknown>>().notNull(),
    amountTotalPence: integer("amount_total_pence").notNull(),
    currency: text("currency").notNull(),
    status: text("status").notNull().default("open"),
    paymentStatus: text("payment_status").notNull().default("unpaid"),
    paymentIntentId: text("payment_intent_id"),
    expiresAt: at("expires_at").notNull(),
    createdAt: createdAt(),
  },
  (t) => [unique("test_checkout_sessions_idempotency_unique").on(t.idempotencyKey)],
);

/**
 * Each live channel's last event id (src/ports/live-events.ts), shared by every instance so a
 * viewer reconnecting to another instance with Last-Event-ID resumes where it was. Used only on
 * PostgreSQL (the PGlite default keeps live events in process).
 */
export const liveChannels = pgTable("live_channels", {
  name: text("name").primaryKey(),
  lastId: integer("last_id").notNull(),
  touchedAt: at("touched_at").notNull().defaultNow(),
});

/**
 * Live events kept for replay, and those too large for a NOTIFY payload, read back by id.
 * `replay` false: a transient event stored only because it was too large to send inline.
 */
export const liveEvents = pgTable(
  "live_events",
  {
    channel: text("channel").notNull(),
    id: integer("id").notNull(),
    type: text("type").notNull(),
    data: jsonb("data").notNull(),
    replay: boolean("replay").notNull().default(true),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.channel, t.id] }), index("live_events_created_idx").on(t.createdAt)],
);

/**
 * An engineer's profile beside their staff account (role `engineer`): trades, where they start
 * from, and their week in London clock minutes (src/domain/scheduling/engineers.ts).
 */
export const engineers = pgTable("engineers", {
  userId: uuid("user_id")
    .primaryKey()
    .references(() => staffUsers.id, { onDelete: "cascade" }),
  trades: text("trades").array().$type<TradeCategory[]>().notNull(),
  homePostcode: text("home_postcode"),
  hours: jsonb("hours").$type<WorkingWeek>().notNull(),
  /** E.164; rung when they are on call and texted about emergencies. Never logged. */
  phone: text("phone"),
  /** The secret in their calendar feed's URL (128 bits, base64url); a new one stops the old. Null: no feed yet. */
  calendarToken: text("calendar_token").unique("engineers_calendar_token_unique"),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

/**
 * Visits booked on an engineer's calendar. Bookings lock the engineer's row and re-check the
 * calendar inside the transaction (no two visits overlap); `version` rises with every change so
 * a screen drawn before another change is told, not obeyed.
 */
export const appointments = pgTable(
  "appointments",
  {
    id: id(),
    issueId: uuid("issue_id")
      .notNull()
      .references(() => issues.id, { onDelete: "restrict" }),
    engineerId: uuid("engineer_id")
      .notNull()
      .references(() => engineers.userId, { onDelete: "restrict" }),
    startsAt: at("starts_at").notNull(),
    endsAt: at("ends_at").notNull(),
    status: text("status").$type<AppointmentStatus>().notNull().default("booked"),
    version: integer("version").notNull().default(1),
    /** SHA-256 (hex) of the customer's /a/<token> link; the token itself is only in the message sent. */
    confirmTokenHash: text("confirm_token_hash").unique("appointments_confirm_token_unique"),
    /** When the customer asked for another time from that page: a flag for the office until rebooked. */
    changeRequestedAt: at("change_requested_at"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("appointments_engineer_idx").on(t.engineerId, t.startsAt),
    index("appointments_issue_idx").on(t.issueId),
    index("appointments_starts_idx").on(t.startsAt),
    check("appointments_status_check", oneOf(t.status, APPOINTMENT_STATUSES)),
    check("appointments_order_check", sql`${t.endsAt} > ${t.startsAt}`),
  ],
);

/**
 * What an engineer records on a visit: notes and photos taken on site (blob keys under photos/,
 * with a thumbnail). Kept apart from the visit row so adding one never races a status change.
 */
export const visitRecords = pgTable(
  "visit_records",
  {
    id: id(),
    appointmentId: uuid("appointment_id")
      .notNull()
      .references(() => appointments.id, { onDelete: "cascade" }),
    issueId: uuid("issue_id")
      .notNull()
      .references(() => issues.id, { onDelete: "cascade" }),
    kind: text("kind").$type<"note" | "photo">().notNull(),
    note: text("note"),
    photoKey: text("photo_key"),
    thumbnailKey: text("thumbnail_key"),
    contentType: text("content_type"),
    size: integer("size"),
    byUserId: uuid("by_user_id").references(() => staffUsers.id, { onDelete: "set null" }),
    createdAt: createdAt(),
  },
  (t) => [
    index("visit_records_issue_idx").on(t.issueId, t.createdAt),
    index("visit_records_appointment_idx").on(t.appointmentId, t.createdAt),
    check("visit_records_kind_check", oneOf(t.kind, ["note", "photo"])),
    check(
      "visit_records_shape_check",
      sql`(${t.kind} = 'note' and ${t.note} is not null) or (${t.kind} = 'photo' and ${t.photoKey} is not null)`,
    ),
  ],
);

// ---- Out of hours: office hours and the on-call rota (issue 15, item 7) ----

/**
 * The office's hours, one row a weekday it opens (0 = Monday … 6 = Sunday), in London clock
 * minutes since midnight; a weekday without a row is closed. No rows at all: the default week.
 */
export const officeHours = pgTable(
  "office_hours",
  {
    weekday: integer("weekday").primaryKey(),
    opens: integer("opens").notNull(),
    closes: integer("closes").notNull(),
    updatedAt: updatedAt(),
  },
  (t) => [
    check("office_hours_weekday_check", sql`${t.weekday} between 0 and 6`),
    check("office_hours_order_check", sql`${t.opens} >= 0 and ${t.closes} <= 1440 and ${t.closes} > ${t.opens}`),
  ],
);

/**
 * The on-call rota: the engineer who answers out of hours from `starts_at` until `ends_at`
 * (UTC instants). Periods do not overlap: the repository checks under a lock before adding one.
 */
export const onCallPeriods = pgTable(
  "on_call_periods",
  {
    id: id(),
    engineerId: uuid("engineer_id")
      .notNull()
      .references(() => engineers.userId, { onDelete: "cascade" }),
    startsAt: at("starts_at").notNull(),
    endsAt: at("ends_at").notNull(),
    createdBy: text("created_by"),
    createdAt: createdAt(),
  },
  (t) => [
    index("on_call_periods_ends_idx").on(t.endsAt, t.startsAt),
    check("on_call_periods_order_check", sql`${t.endsAt} > ${t.startsAt}`),
  ],
);

// Safety and consent for the assistant's calls: in their own file (drizzle-kit reads this one).
export * from "./schema-call-consent.ts";
// The wall board's read-only links.
export * from "./schema-board.ts";
