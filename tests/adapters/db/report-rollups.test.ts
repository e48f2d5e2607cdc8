import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq, inArray, sql } from "drizzle-orm";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { OpenDatabase } from "../../../src/adapters/db/database.ts";
import { openDatabase } from "../../../src/adapters/db/open.ts";
import {
  appointments,
  calls,
  engineers,
  invoices,
  issues,
  leads,
  messages,
  payments,
  quotes,
  staffUsers,
} from "../../../src/adapters/db/schema.ts";
import { DEFAULT_WORKING_WEEK } from "../../../src/domain/scheduling/engineers.ts";
import type { CallStatus } from "../../../src/domain/calls.ts";
import { resolveRange } from "../../../src/domain/reports/date-range.ts";
import { freshPglite, startPostgres, type TestPostgres } from "../../support/test-db.ts";
import { rollupVersusRows } from "../../support/rollup-check.ts";
import { rowsOf } from "../../../src/adapters/db/reports/sql-helpers.ts";

/**
 * The report roll-ups, kept by triggers, against a fresh aggregate of the rows after every kind
 * of write (new rows, status changes, payments, moved times, deletions), on a randomised small
 * data set on both engines. The seed is printed so a failure can be replayed (ROLLUP_SEED=…).
 */
const SEED = Number(process.env.ROLLUP_SEED ?? Math.floor(Math.random() * 2 ** 31));
console.log(`report roll-ups: ROLLUP_SEED=${SEED}`);

/** mulberry32: a small seeded generator, so a failing run can be repeated exactly. */
function generator(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  return { next, int, pick };
}

// Ten days either side of the end of British Summer Time (25 October 2026, 02:00 BST → 01:00 GMT),
// so London days, weekdays and hours are tested across a change of offset.
const FIRST = Date.parse("2026-10-20T00:00:00Z");
const SPAN_MS = 10 * 86_400_000;
const STATUSES: CallStatus[] = ["completed", "no-answer", "busy", "canceled", "failed", "ringing", "in-progress"];

let server: TestPostgres;
const opened: OpenDatabase[] = [];
const dataDir = mkdtempSync(join(tmpdir(), "switchboard-rollups-"));
beforeAll(async () => {
  server = await startPostgres();
}, 60_000);
afterAll(async () => {
  await Promise.all(opened.map((repos) => repos.close()));
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
}, 30_000);

const keep = (repos: OpenDatabase) => {
  opened.push(repos);
  return repos;
};

function rollupContract(name: string, open: () => Promise<OpenDatabase>) {
  describe(`report roll-ups on ${name}`, () => {
    let repos: OpenDatabase;
    const random = generator(SEED);
    const at = () => new Date(FIRST + random.int(SPAN_MS));
    const callIds: string[] = [];
    const quoteIds: string[] = [];
    let issueId = "";

    const expectInStep = async () => {
      const compared = await rollupVersusRows(repos.db);
      for (const [rollup, { kept, recounted }] of Object.entries(compared)) {
        expect({ rollup, rows: kept }).toEqual({ rollup, rows: recounted });
      }
      return compared;
    };

    beforeAll(async () => {
      repos = await open();
      const [lead] = await repos.db.insert(leads).values({ name: "Roll Up", phone: "+447700900100" }).returning();
      const [issue] = await repos.db.insert(issues).values({ leadId: lead!.id, title: "Leak" }).returning();
      issueId = issue!.id;
    }, 60_000);

    test("new calls of every kind are counted as a fresh aggregate counts them", async () => {
      const rows = Array.from({ length: 80 }, (_, i) => {
        const startedAt = at();
        const status = random.pick(STATUSES);
        const answered = status === "completed" || status === "in-progress";
        return {
          providerCallId: `CArollup${SEED}x${i}`,
          direction: random.next() < 0.8 ? ("inbound" as const) : ("outbound" as const),
          from: "+447700900100",
          to: "+441130000000",
          status,
          startedAt,
          // Fractional seconds to answer, and lengths across every bucket width (to over an hour).
          answeredAt: answered ? new Date(startedAt.getTime() + random.int(200_000)) : null,
          durationSeconds:
            answered && random.next() < 0.9 ? random.pick([random.int(130), random.int(700), random.int(5000)]) : null,
        };
      });
      const inserted = await repos.db.insert(calls).values(rows).returning({ id: calls.id });
      callIds.push(...inserted.map((row) => row.id));
      const { callHours, callSeconds } = await expectInStep();
      expect(callHours.kept.length).toBeGreaterThan(20);
      expect(callSeconds.kept.length).toBeGreaterThan(20);
    });

    test("a call answered, ended, moved in time or deleted moves the roll-ups with it", async () => {
      for (const id of callIds.slice(0, 20)) {
        const startedAt = at();
        await repos.db
          .update(calls)
          .set({
            status: "completed",
            answeredAt: new Date(startedAt.getTime() + 12_500),
            durationSeconds: random.int(900),
            startedAt,
          })
          .where(eq(calls.id, id));
      }
      await repos.db
        .update(calls)
        .set({ status: "no-answer", answeredAt: null })
        .where(inArray(calls.id, callIds.slice(20, 30)));
      await repos.db
        .update(calls)
        .set({ direction: "outbound" })
        .where(inArray(calls.id, callIds.slice(30, 35)));
      await repos.db.delete(calls).where(inArray(calls.id, callIds.slice(35, 50)));
      await expectInStep();
    });

    test("missed calls called back, messaged back by staff (not by the automatic reply), and those taken back", async () => {
      const numbers = ["+447700900301", "+447700900302", "+447700900303"];
      const people = await repos.db
        .insert(leads)
        .values(numbers.map((phone, i) => ({ name: `Caller ${i}`, phone })))
        .returning({ id: leads.id, phone: leads.phone });
      const [office] = await repos.db
        .insert(staffUsers)
        .values({ email: `office-${SEED}@rollup.example`, name: "Office", role: "staff", passwordHash: "x" })
        .returning({ id: staffUsers.id });
      const missed = await repos.db
        .insert(calls)
        .values(
          Array.from({ length: 30 }, (_, i) => {
            const person = random.pick(people);
            return {
              providerCallId: `CAmissed${SEED}x${i}`,
              direction: "inbound" as const,
              from: person.phone!,
              to: "+441130000000",
              leadId: person.id,
              status: random.pick(["no-answer", "busy", "canceled", "completed"] as const),
              startedAt: at(),
            };
          }),
        )
        .returning({ id: calls.id });
      // Calls back (some more than 7 days later, so not counted) and messages: staff's and automatic ones.
      const back = await repos.db
        .insert(calls)
        .values(
          Array.from({ length: 12 }, (_, i) => ({
            providerCallId: `CAback${SEED}x${i}`,
            direction: "outbound" as const,
            from: "+441130000000",
            to: random.pick(people).phone!,
            status: "completed" as const,
            startedAt: new Date(at().getTime() + random.int(3) * 4 * 86_400_000),
          })),
        )
        .returning({ id: calls.id });
      const texts = await repos.db
        .insert(messages)
        .values(
          Array.from({ length: 12 }, (_, i) => ({
            leadId: random.pick(people).id,
            channel: "sms" as const,
            direction: "outbound" as const,
            body: `Sorry we missed you ${i}`,
            status: "sent" as const,
            purpose: "conversation" as const,
            sentBy: random.next() < 0.7 ? office!.id : null,
            occurredAt: at(),
          })),
        )
        .returning({ id: messages.id });
      const { missedRecovery } = await expectInStep();
      expect(missedRecovery.kept.length).toBeGreaterThan(10);
      expect(missedRecovery.kept.some((row) => (row as { called_back_at: unknown }).called_back_at !== null)).toBe(
        true,
      );

      // A call back deleted, one moved a day, a text's sender removed, a text moved to another lead,
      // a missed call answered after all, one deleted, and one caller's lead merged into another.
      await repos.db.delete(calls).where(eq(calls.id, back[0]!.id));
      await repos.db.update(calls).set({ startedAt: at() }).where(eq(calls.id, back[1]!.id));
      await repos.db.update(messages).set({ sentBy: null }).where(eq(messages.id, texts[0]!.id));
      await repos.db.update(messages).set({ leadId: people[0]!.id }).where(eq(messages.id, texts[1]!.id));
      await repos.db.update(messages).set({ occurredAt: at() }).where(eq(messages.id, texts[2]!.id));
      await repos.db.delete(messages).where(eq(messages.id, texts[3]!.id));
      await repos.db.update(calls).set({ status: "completed", answeredAt: at() }).where(eq(calls.id, missed[0]!.id));
      await repos.db.delete(calls).where(eq(calls.id, missed[1]!.id));
      await repos.db.update(calls).set({ leadId: people[1]!.id }).where(eq(calls.leadId, people[2]!.id));
      const after = await expectInStep();
      // The page over every call so far reads the same count and the same recoveries.
      const range = resolveRange({ from: "2026-10-19", to: "2026-11-10" }, new Date("2026-11-20T12:00:00Z"));
      if (!range.ok) throw new Error(range.message);
      const { recovery } = await repos.reports.calls(range.value);
      const rows = after.missedRecovery.recounted as {
        called_back_at: string | null;
        messaged_back_at: string | null;
      }[];
      expect(recovery.missed).toBe(rows.length);
      expect(recovery.calledBack).toBe(rows.filter((row) => row.called_back_at !== null).length);
      expect(recovery.messagedBack).toBe(rows.filter((row) => row.messaged_back_at !== null).length);
    });

    test("a write to a column the figures do not read (a lease renewal) leaves the roll-ups alone", async () => {
      const before = await rollupVersusRows(repos.db);
      const touched = await repos.db
        .update(calls)
        .set({ leaseOwner: "instance-a", leaseExpiresAt: new Date(), summary: "renewed" })
        .where(inArray(calls.id, callIds.slice(50)))
        .returning({ id: calls.id });
      expect(touched.length).toBe(callIds.length - 50);
      const after = await expectInStep();
      expect(after.callHours.kept).toEqual(before.callHours.kept);
    });

    test("quotes sent, accepted, superseded; payments taken and refused; invoices issued, corrected and removed", async () => {
      const quoteStatuses = ["draft", "sent", "viewed", "accepted", "paid", "declined", "superseded"] as const;
      for (let i = 0; i < 24; i++) {
        const status = random.pick(quoteStatuses);
        const sentAt = status === "draft" ? null : at();
        const total = 1_000 + random.int(90_000);
        const [quote] = await repos.db
          .insert(quotes)
          .values({
            issueId,
            version: i + 1,
            token: `rollup-${SEED}-${i}-${crypto.randomUUID()}`,
            status,
            lines: [],
            totals: {
              lines: [],
              subtotalPence: total,
              discountPence: 0,
              netPence: total,
              vatPence: 0,
              totalPence: total,
              vatByRate: [],
              depositPence: 0,
            },
            sentAt,
            acceptedAt:
              status === "accepted" || status === "paid" ? new Date(sentAt!.getTime() + random.int(86_400_000)) : null,
          })
          .returning({ id: quotes.id });
        quoteIds.push(quote!.id);
      }
      await expectInStep();

      // A quote accepted, one superseded by a later version, one's total corrected, one deleted.
      await repos.db.update(quotes).set({ status: "accepted", acceptedAt: at() }).where(eq(quotes.id, quoteIds[0]!));
      await repos.db.update(quotes).set({ status: "superseded" }).where(eq(quotes.id, quoteIds[1]!));
      const [third] = await repos.db.select().from(quotes).where(eq(quotes.id, quoteIds[2]!));
      await repos.db
        .update(quotes)
        .set({
          totals: { ...third!.totals, totalPence: third!.totals.totalPence + 777 },
          sentAt: third!.sentAt ?? at(),
        })
        .where(eq(quotes.id, quoteIds[2]!));
      await repos.db.delete(quotes).where(eq(quotes.id, quoteIds[3]!));
      await expectInStep();

      // Payments: pending then paid, paid then refunded-as-failed, one paid with its invoice.
      const paymentIds: string[] = [];
      for (const [n, quoteId] of quoteIds.slice(4, 16).entries()) {
        const paid = random.next() < 0.6;
        const [payment] = await repos.db
          .insert(payments)
          .values({
            quoteId,
            kind: "full",
            amountPence: 500 + random.int(50_000),
            provider: "test",
            status: paid ? "paid" : "pending",
            paidAt: paid ? at() : null,
            checkoutSessionId: `cs_rollup_${SEED}_${n}`,
          })
          .returning({ id: payments.id });
        paymentIds.push(payment!.id);
      }
      await repos.db
        .update(payments)
        .set({ status: "paid", paidAt: at() })
        .where(inArray(payments.id, paymentIds.slice(0, 3)));
      await repos.db.update(payments).set({ status: "failed" }).where(eq(payments.id, paymentIds[3]!));
      await repos.db.update(payments).set({ amountPence: 4_321, paidAt: at() }).where(eq(payments.id, paymentIds[4]!));
      await expectInStep();

      const invoiceIds: string[] = [];
      for (const [n, paymentId] of paymentIds.slice(0, 6).entries()) {
        const total = 1_200 + random.int(60_000);
        const net = Math.round(total / 1.2);
        const [invoice] = await repos.db
          .insert(invoices)
          .values({
            number: 9_000 + n,
            quoteId: quoteIds[4 + n]!,
            paymentId,
            kind: "full",
            totalPence: total,
            content: { netPence: net, vatPence: total - net, totalPence: total },
            issuedAt: at(),
          })
          .returning({ id: invoices.id });
        invoiceIds.push(invoice!.id);
      }
      await expectInStep();
      await repos.db
        .update(invoices)
        .set({ content: { netPence: 1_000, vatPence: 200, totalPence: 1_200 }, totalPence: 1_200, issuedAt: at() })
        .where(eq(invoices.id, invoiceIds[0]!));
      await repos.db.delete(invoices).where(eq(invoices.id, invoiceIds[1]!));
      await repos.db.delete(payments).where(eq(payments.id, paymentIds[10]!));
      const { moneyDays } = await expectInStep();
      expect(moneyDays.kept.length).toBeGreaterThan(5);
    });

    test("each lead's first quote, acceptance, visit and payment follow visits booked, cancelled and moved, and jobs moved between leads", async () => {
      const people = await repos.db
        .insert(leads)
        .values(
          Array.from({ length: 6 }, (_, i) => ({ name: `Lead ${i}`, phone: `+44770090020${i}`, createdAt: at() })),
        )
        .returning({ id: leads.id });
      const jobs = await repos.db
        .insert(issues)
        .values(people.flatMap((person, i) => [0, 1].map((k) => ({ leadId: person.id, title: `Job ${i}.${k}` }))))
        .returning({ id: issues.id });
      const [engineerUser] = await repos.db
        .insert(staffUsers)
        .values({ email: `eng-${SEED}@rollup.example`, name: "Eng", role: "engineer", passwordHash: "x" })
        .returning({ id: staffUsers.id });
      await repos.db
        .insert(engineers)
        .values({ userId: engineerUser!.id, trades: ["plumbing"], hours: DEFAULT_WORKING_WEEK });
      const visitIds: string[] = [];
      for (const job of jobs) {
        for (let n = random.int(3); n > 0; n--) {
          const startsAt = at();
          const [visit] = await repos.db
            .insert(appointments)
            .values({
              issueId: job.id,
              engineerId: engineerUser!.id,
              startsAt,
              endsAt: new Date(startsAt.getTime() + 3_600_000),
              status: random.pick(["booked", "done", "no_access", "cancelled"] as const),
            })
            .returning({ id: appointments.id });
          visitIds.push(visit!.id);
        }
      }
      // Quotes on the new jobs, some with a payment.
      for (const [n, job] of jobs.entries()) {
        const sentAt = random.next() < 0.8 ? at() : null;
        const [quote] = await repos.db
          .insert(quotes)
          .values({
            issueId: job.id,
            version: 1,
            token: `milestone-${SEED}-${n}-${crypto.randomUUID()}`,
            status: sentAt ? "accepted" : "draft",
            lines: [],
            totals: {
              lines: [],
              subtotalPence: 100,
              discountPence: 0,
              netPence: 100,
              vatPence: 0,
              totalPence: 100,
              vatByRate: [],
              depositPence: 0,
            },
            sentAt,
            acceptedAt: sentAt && random.next() < 0.7 ? new Date(sentAt.getTime() + 3_600_000) : null,
          })
          .returning({ id: quotes.id });
        if (sentAt && random.next() < 0.6) {
          await repos.db.insert(payments).values({
            quoteId: quote!.id,
            kind: "full",
            amountPence: 100,
            provider: "test",
            status: "paid",
            paidAt: at(),
            checkoutSessionId: `cs_milestone_${SEED}_${n}`,
          });
        }
      }
      const { leadMilestones } = await expectInStep();
      expect(leadMilestones.kept.length).toBeGreaterThanOrEqual(7);

      // A visit cancelled, one moved to another day, one to another job, one deleted.
      await repos.db.update(appointments).set({ status: "cancelled" }).where(eq(appointments.id, visitIds[0]!));
      await repos.db.update(appointments).set({ status: "booked" }).where(eq(appointments.id, visitIds[1]!));
      const movedTo = at();
      await repos.db
        .update(appointments)
        .set({ startsAt: movedTo, endsAt: new Date(movedTo.getTime() + 3_600_000) })
        .where(eq(appointments.id, visitIds[2]!));
      await repos.db.update(appointments).set({ issueId: jobs[11]!.id }).where(eq(appointments.id, visitIds[3]!));
      await repos.db.delete(appointments).where(eq(appointments.id, visitIds[4]!));
      await expectInStep();
      // Two leads merged: the second's jobs (and their quotes, visits and payments) move to the first.
      await repos.db
        .update(issues)
        .set({ leadId: people[0]!.id })
        .where(inArray(issues.id, [jobs[2]!.id, jobs[3]!.id]));
      await repos.db.update(leads).set({ createdAt: at() }).where(eq(leads.id, people[0]!.id));
      await expectInStep();
    });

    test("the calls page's percentiles from the histograms equal percentile_cont over the bucketed rows", async () => {
      const range = resolveRange({ from: "2026-10-20", to: "2026-10-30" }, new Date("2026-11-01T12:00:00Z"));
      if (!range.ok) throw new Error(range.message);
      const report = await repos.reports.calls(range.value);
      const [fresh] = rowsOf<Record<string, unknown>>(
        await repos.db.execute(sql`
          select count(*)::int as n,
            percentile_cont(0.5) within group (order by report_seconds_bucket(extract(epoch from answered_at - started_at))) as answer_p50,
            percentile_cont(0.9) within group (order by report_seconds_bucket(extract(epoch from answered_at - started_at))) as answer_p90,
            percentile_cont(0.5) within group (order by report_seconds_bucket(duration_seconds)) as length_p50,
            percentile_cont(0.9) within group (order by report_seconds_bucket(duration_seconds)) as length_p90,
            count(duration_seconds)::int as lengths
          from calls where direction = 'inbound' and answered_at is not null
            and started_at >= ${range.value.from.toISOString()}::timestamptz and started_at < ${range.value.to.toISOString()}::timestamptz`),
      );
      const whole = (value: unknown) => Math.round(Number(value));
      expect(report.timeToAnswer).toEqual({
        count: Number(fresh!.n),
        median: whole(fresh!.answer_p50),
        p90: whole(fresh!.answer_p90),
      });
      expect(report.length).toEqual({
        count: Number(fresh!.lengths),
        median: whole(fresh!.length_p50),
        p90: whole(fresh!.length_p90),
      });
      expect(report.timeToAnswer.count).toBeGreaterThan(5);
      expect(report.lengthBands.reduce((sum, band) => sum + band.calls, 0)).toBe(Number(fresh!.lengths));
    });
  });
}

rollupContract("PGlite", async () => keep(await freshPglite()));
rollupContract("PostgreSQL", async () =>
  keep(await openDatabase({ databaseUrl: await server.createDatabase("report_rollups"), dataDir })),
);
