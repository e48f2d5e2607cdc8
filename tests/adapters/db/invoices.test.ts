/**
 * The settlement transaction on real PostgreSQL (concurrent connections, row locks) and on
 * PGlite: invoice numbers stay gapless and unique under concurrent payments, a failed
 * settlement gives its number back, and concurrent replays of one event settle it once.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase, type OpenDatabase } from "../../../src/adapters/db/open.ts";
import { settlementRules } from "../../../src/domain/payments/settlement-flow.ts";
import type { PaymentEvent } from "../../../src/domain/payments/settle.ts";
import { quoteTotals, type QuoteLine } from "../../../src/domain/quotes.ts";
import { freshPglite, startPostgres, type TestPostgres } from "../../support/test-db.ts";
import { aLead } from "../../support/jobs.ts";

const LINES: QuoteLine[] = [
  { kind: "labour", description: "Work", quantity: 1, unitPricePence: 10_000, vatRatePercent: 20 },
];
const COMPANY = { name: "Handy Services", address: null, phone: null, email: null, vatNumber: "GB123456789" };
const now = () => new Date("2026-11-27T12:00:00Z");

async function pendingPayments(repos: OpenDatabase, n: number) {
  const lead = await repos.leads.create(aLead({ name: "Test", source: "manual" }));
  const made = [];
  for (let i = 0; i < n; i++) {
    const issue = await repos.issues.create({
      leadId: lead.id,
      title: `Job ${i}`,
      description: null,
      category: "general",
      urgency: "routine",
      address: null,
      postcode: null,
      accessNotes: null,
    });
    const quote = await repos.quotes.createDraft({
      issueId: issue.id,
      lines: LINES,
      totals: quoteTotals(LINES),
      discountPence: 0,
      deposit: null,
      validUntil: null,
      terms: null,
    });
    await repos.quotes.markSent(quote.id, now());
    await repos.quotes.advance(quote.id, ["sent"], "accepted", now());
    made.push(
      await repos.payments.create({
        quoteId: quote.id,
        kind: "full",
        amountPence: 12_000,
        currency: "gbp",
        provider: "stripe",
      }),
    );
  }
  return made;
}

const paidEvent = (paymentId: string, eventId = `evt_${crypto.randomUUID()}`): PaymentEvent => ({
  provider: "stripe",
  eventId,
  type: "checkout.session.completed",
  ref: { paymentId, checkoutSessionId: null, paymentIntentId: null },
  report: { outcome: "paid", amountPence: 12_000, currency: "gbp", paymentIntentId: null },
});

function settlementSuite(name: string, open: () => Promise<OpenDatabase>) {
  describe(name, () => {
    let repos: OpenDatabase;
    beforeAll(async () => {
      repos = await open();
    }, 60_000);
    afterAll(async () => repos?.close());

    test("20 concurrent payments get invoice numbers 1 to 20, each once", async () => {
      const payments = await pendingPayments(repos, 20);
      const outcomes = await Promise.all(
        payments.map((p) => repos.payments.settleEvent(paidEvent(p.id), now(), settlementRules(COMPANY, now))),
      );
      expect(outcomes.every((o) => o.outcome === "applied" && o.invoice)).toBe(true);
      const numbers = (await repos.invoices.recent(100)).map((i) => i.number).sort((a, b) => a - b);
      expect(numbers).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    }, 60_000);

    test("a settlement that fails gives its number back: the next invoice has no gap", async () => {
      const [failing, next] = await pendingPayments(repos, 2);
      const broken = {
        ...settlementRules(COMPANY, now),
        invoice: () => {
          throw new Error("renderer exploded");
        },
      };
      const event = paidEvent(failing!.id);
      await expect(repos.payments.settleEvent(event, now(), broken)).rejects.toThrow("renderer exploded");
      expect((await repos.payments.byId(failing!.id))!.status).toBe("pending");
      const settled = await repos.payments.settleEvent(paidEvent(next!.id), now(), settlementRules(COMPANY, now));
      expect(settled.invoice!.number).toBe("INV-000021");
      // The failed event was not recorded, so Stripe's retry settles it.
      const retried = await repos.payments.settleEvent(event, now(), settlementRules(COMPANY, now));
      expect(retried.invoice!.number).toBe("INV-000022");
    }, 60_000);

    test("one event delivered five times at once settles once", async () => {
      const [payment] = await pendingPayments(repos, 1);
      const event = paidEvent(payment!.id);
      const outcomes = await Promise.all(
        Array.from({ length: 5 }, () => repos.payments.settleEvent(event, now(), settlementRules(COMPANY, now))),
      );
      expect(outcomes.filter((o) => o.outcome === "applied")).toHaveLength(1);
      expect(outcomes.filter((o) => o.outcome === "duplicate")).toHaveLength(4);
      expect(await repos.invoices.forQuote(payment!.quoteId)).toHaveLength(1);
    }, 60_000);

    test("two different events for one payment at once: one invoice", async () => {
      const [payment] = await pendingPayments(repos, 1);
      const outcomes = await Promise.all([
        repos.payments.settleEvent(paidEvent(payment!.id), now(), settlementRules(COMPANY, now)),
        repos.payments.settleEvent(
          { ...paidEvent(payment!.id), type: "payment_intent.succeeded" },
          now(),
          settlementRules(COMPANY, now),
        ),
      ]);
      expect(outcomes.filter((o) => o.invoice)).toHaveLength(1);
      expect(await repos.invoices.forQuote(payment!.quoteId)).toHaveLength(1);
    }, 60_000);
  });
}

let server: TestPostgres | undefined;
const dataDir = mkdtempSync(join(tmpdir(), "switchboard-unused-"));
afterAll(async () => {
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
}, 30_000);

settlementSuite("settling payments on PGlite", () => freshPglite());
settlementSuite("settling payments on PostgreSQL (concurrent connections)", async () => {
  server = await startPostgres();
  return openDatabase({ databaseUrl: await server.createDatabase("invoices_settlement"), dataDir });
});
