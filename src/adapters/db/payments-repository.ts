import { and, asc, desc, eq, gt, gte, isNotNull, ne, sql } from "drizzle-orm";
import type { ChargeKind, Payment } from "../../domain/payments/charges.ts";
import type { InvoiceContent } from "../../domain/payments/invoice.ts";
import type { PaymentRef } from "../../domain/payments/settle.ts";
import type { Quote } from "../../domain/quotes.ts";
import type { Payments } from "../../ports/payments.ts";
import type { Database } from "./database-handle.ts";
import { isUuid } from "./query-helpers.ts";
import { invoiceCounters, invoices, issues, tasks, leads, payments, processedWebhookEvents, quotes } from "./schema.ts";

type PaymentRow = typeof payments.$inferSelect;
/** The job and customer a payment's invoice is made out for. */
type Place = {
  title: string;
  address: string | null;
  postcode: string | null;
  name: string | null;
  organisation: string | null;
  leadAddress: string | null;
  leadPostcode: string | null;
};
type QuoteRow = typeof quotes.$inferSelect;
/** The transaction handle drizzle passes to `db.transaction`. */
type Tx = Parameters<Parameters<Database["transaction"]>[0]>[0];

export const toPayment = (row: PaymentRow): Payment => ({
  id: row.id,
  quoteId: row.quoteId,
  kind: row.kind,
  amountPence: row.amountPence,
  currency: row.currency,
  provider: row.provider,
  status: row.status,
  checkoutSessionId: row.checkoutSessionId,
  checkoutUrl: row.checkoutUrl,
  sessionExpiresAt: row.sessionExpiresAt,
  paymentIntentId: row.paymentIntentId,
  receivedPence: row.receivedPence,
  flag: row.flag,
  createdAt: row.createdAt,
  paidAt: row.paidAt,
});

const rowsOf = <T>(result: unknown): T[] => (Array.isArray(result) ? (result as T[]) : (result as { rows: T[] }).rows);

const toQuote = (row: QuoteRow): Quote => ({
  id: row.id,
  issueId: row.issueId,
  version: row.version,
  token: row.token,
  status: row.status,
  lines: row.lines,
  discountPence: row.discountPence,
  deposit: row.deposit ?? null,
  validUntil: row.validUntil,
  terms: row.terms,
  totals: row.totals,
  createdAt: row.createdAt,
  sentAt: row.sentAt,
  updatedAt: row.updatedAt,
  documentKey: row.documentKey,
});

/**
 * The payment an event names (our id first, then the provider's ids), locked with its quote
 * for the rest of the transaction, read in one statement with what settling it needs: the
 * job and customer (for the invoice) and the kinds of the quote's other paid payments.
 */
async function lockPayment(tx: Tx, ref: PaymentRef) {
  const conditions = [
    ref.paymentId && isUuid(ref.paymentId) ? eq(payments.id, ref.paymentId) : null,
    ref.checkoutSessionId ? eq(payments.checkoutSessionId, ref.checkoutSessionId) : null,
    ref.paymentIntentId ? eq(payments.paymentIntentId, ref.paymentIntentId) : null,
  ];
  for (const condition of conditions) {
    if (!condition) continue;
    const [row] = await tx
      .select({
        payment: payments,
        quote: quotes,
        place: {
          title: issues.title,
          address: issues.address,
          postcode: issues.postcode,
          name: leads.name,
          organisation: leads.organisation,
          leadAddress: leads.address,
          leadPostcode: leads.postcode,
        },
        otherPaid: sql<
          ChargeKind[]
        >`array(select other.kind from payments other where other.quote_id = ${payments.quoteId} and other.status = 'paid' and other.id <> ${payments.id})`,
      })
      .from(payments)
      .innerJoin(quotes, eq(quotes.id, payments.quoteId))
      .innerJoin(issues, eq(issues.id, quotes.issueId))
      .innerJoin(leads, eq(leads.id, issues.leadId))
      .where(condition)
      .limit(1)
      .for("update", { of: [payments, quotes] });
    if (row) return row;
  }
  return null;
}

/** Payments in the database; `settleEvent` is the one place money changes state. */
export function createPaymentsRepository(db: Database): Payments {
  return {
    async create(payment) {
      const [row] = await db
        .insert(payments)
        .values({ ...payment, status: "pending" })
        .returning();
      return toPayment(row!);
    },

    async attachSession(id, session) {
      await db
        .update(payments)
        .set({
          checkoutSessionId: session.id,
          checkoutUrl: session.url,
          sessionExpiresAt: session.expiresAt,
          updatedAt: new Date(),
        })
        .where(eq(payments.id, id));
    },

    async byId(id) {
      if (!isUuid(id)) return null;
      const [row] = await db.select().from(payments).where(eq(payments.id, id));
      return row ? toPayment(row) : null;
    },

    async bySessionId(sessionId) {
      const [row] = await db.select().from(payments).where(eq(payments.checkoutSessionId, sessionId));
      return row ? toPayment(row) : null;
    },

    async forQuote(quoteId) {
      if (!isUuid(quoteId)) return [];
      const rows = await db
        .select()
        .from(payments)
        .where(eq(payments.quoteId, quoteId))
        .orderBy(asc(payments.createdAt));
      return rows.map(toPayment);
    },

    async reusable(quoteId, kind, amountPence, now) {
      if (!isUuid(quoteId)) return null;
      // A minute's margin: never send someone to a page that expires while they type.
      const openUntil = new Date(now.getTime() + 60_000);
      const [row] = await db
        .select()
        .from(payments)
        .where(
          and(
            eq(payments.quoteId, quoteId),
            eq(payments.kind, kind),
            eq(payments.amountPence, amountPence),
            eq(payments.status, "pending"),
            isNotNull(payments.checkoutUrl),
            gt(payments.sessionExpiresAt, openUntil),
          ),
        )
        .orderBy(desc(payments.createdAt))
        .limit(1);
      return row ? toPayment(row) : null;
    },

    async settleEvent(event, at, rules) {
      return db.transaction(async (tx) => {
        const recorded = await tx
          .insert(processedWebhookEvents)
          .values({ provider: event.provider, eventId: event.eventId, processedAt: at })
          .onConflictDoNothing()
          .returning({ eventId: processedWebhookEvents.eventId });
        const nothing = { settlement: null, payment: null, invoice: null };
        if (recorded.length === 0) return { outcome: "duplicate" as const, ...nothing };
        if (!event.ref || !event.report) return { outcome: "ignored" as const, ...nothing };

        const locked = await lockPayment(tx, event.ref);
        if (!locked) return { outcome: "unknown_payment" as const, ...nothing };
        const { payment: row, quote: quoteRow, place } = locked;
        const settlement = rules.decide(
          toPayment(row),
          { status: quoteRow.status },
          locked.otherPaid ?? [],
          event.report,
        );

        const intent = row.paymentIntentId ?? event.report.paymentIntentId;
        const changes: Partial<typeof payments.$inferInsert> = { paymentIntentId: intent, updatedAt: at };
        if (settlement.action === "processing") changes.status = "processing";
        if (settlement.action === "failed") changes.status = "failed";
        if (settlement.action === "flag")
          Object.assign(changes, {
            status: "mismatch",
            flag: settlement.reason,
            receivedPence: event.report.amountPence,
          });
        if (settlement.action === "paid")
          Object.assign(changes, {
            status: "paid",
            paidAt: at,
            receivedPence: event.report.amountPence,
            flag: settlement.flag,
          });
        const payment = toPayment({ ...row, ...changes } as PaymentRow);
        const updatePayment = tx.update(payments).set(changes).where(eq(payments.id, row.id));
        if (settlement.action !== "paid") {
          await updatePayment;
          return { outcome: "applied" as const, settlement, payment, invoice: null };
        }

        // One statement: the payment paid, the quote moved on, and the next invoice number taken
        // (the counter row stays locked by this transaction until it commits or rolls back).
        const quoteStatus = settlement.quoteStatus;
        const updateQuote = quoteStatus
          ? tx
              .update(quotes)
              .set({ status: quoteStatus, updatedAt: at, ...(quoteStatus === "paid" ? { paidAt: at } : {}) })
              .where(eq(quotes.id, row.quoteId))
          : null;
        const takeNumber = tx
          .insert(invoiceCounters)
          .values({ name: "invoice", lastNumber: 1 })
          .onConflictDoUpdate({
            target: invoiceCounters.name,
            set: { lastNumber: sql`${invoiceCounters.lastNumber} + 1` },
          })
          .returning({ lastNumber: invoiceCounters.lastNumber });
        // Raw results carry the column's own name.
        const numbered = rowsOf<{ last_number: number }>(
          await tx.execute(
            updateQuote
              ? sql`with paid as (${updatePayment.getSQL()}), moved as (${updateQuote.getSQL()}) ${takeNumber.getSQL()}`
              : sql`with paid as (${updatePayment.getSQL()}) ${takeNumber.getSQL()}`,
          ),
        );
        const invoice = await issueInvoice(tx, {
          number: Number(numbered[0]!.last_number),
          quote: toQuote(quoteRow),
          payment,
          place,
          at,
          rules,
        });
        return { outcome: "applied" as const, settlement, payment, invoice };
      });
    },

    async flagged(limit) {
      const rows = await db
        .select({ payment: payments, issueId: issues.id, issueTitle: issues.title })
        .from(payments)
        .innerJoin(quotes, eq(quotes.id, payments.quoteId))
        .innerJoin(issues, eq(issues.id, quotes.issueId))
        .where(isNotNull(payments.flag))
        .orderBy(desc(payments.updatedAt))
        .limit(limit);
      return rows.map((r) => ({ ...toPayment(r.payment), issueId: r.issueId, issueTitle: r.issueTitle }));
    },

    async moneySince(since) {
      const total = sql<number>`coalesce(sum((${quotes.totals}->>'totalPence')::bigint), 0)::bigint`;
      const [[quoted], [accepted], [paid]] = await Promise.all([
        db
          .select({ pence: total, count: sql<number>`count(*)::int` })
          .from(quotes)
          .where(and(gte(quotes.sentAt, since), ne(quotes.status, "superseded"))),
        db
          .select({ pence: total, count: sql<number>`count(*)::int` })
          .from(quotes)
          .where(gte(quotes.acceptedAt, since)),
        db
          .select({
            pence: sql<number>`coalesce(sum(${payments.amountPence}), 0)::bigint`,
            count: sql<number>`count(*)::int`,
          })
          .from(payments)
          .where(and(eq(payments.status, "paid"), gte(payments.paidAt, since))),
      ]);
      return {
        quotedPence: Number(quoted?.pence ?? 0),
        quotedCount: Number(quoted?.count ?? 0),
        acceptedPence: Number(accepted?.pence ?? 0),
        acceptedCount: Number(accepted?.count ?? 0),
        paidPence: Number(paid?.pence ?? 0),
        paidCount: Number(paid?.count ?? 0),
      };
    },
  };
}

/**
 * Issues the invoice for a settled payment inside the settlement's transaction. The number
 * comes from the counter row, bumped here: concurrent settlements queue on that row, and a
 * rolled-back settlement rolls the number back with it, so the sequence has no gaps.
 */
async function issueInvoice(
  tx: Tx,
  input: {
    number: number;
    quote: Quote;
    payment: Payment;
    place: Place;
    at: Date;
    rules: Parameters<Payments["settleEvent"]>[2];
  },
): Promise<{ id: string; number: string }> {
  const { number, quote, payment, place, at, rules } = input;
  // Only a balance (or a payment after one) has invoices before it on the same quote.
  const earlier =
    payment.kind === "full"
      ? []
      : await tx
          .select({ content: invoices.content })
          .from(invoices)
          .where(eq(invoices.quoteId, quote.id))
          .orderBy(asc(invoices.number));
  const content = rules.invoice({
    number,
    quote,
    payment,
    customer: rules.billTo(
      { name: place.name, organisation: place.organisation, address: place.leadAddress, postcode: place.leadPostcode },
      { address: place.address, postcode: place.postcode },
    ),
    job: { title: place.title, address: place.address, postcode: place.postcode },
    earlier: earlier.map((e) => e.content as unknown as InvoiceContent),
  });
  const id = crypto.randomUUID();
  const insertInvoice = tx.insert(invoices).values({
    id,
    number,
    quoteId: quote.id,
    paymentId: payment.id,
    kind: payment.kind,
    totalPence: content.totalPence,
    content: content as unknown as Record<string, unknown>,
    issuedAt: at,
  });
  // The invoice and its durable jobs (PDF, receipt) in one statement.
  const work = rules.tasksForInvoice({ id, quoteId: quote.id });
  if (work.length === 0) await insertInvoice;
  else {
    const insertJobs = tx
      .insert(tasks)
      .values(work.map((job) => ({ kind: job.kind, key: job.key, payload: job.payload, nextAttemptAt: at })))
      .onConflictDoNothing();
    await tx.execute(sql`with issued as (${insertInvoice.getSQL()}) ${insertJobs.getSQL()}`);
  }
  return { id, number: content.number };
}
