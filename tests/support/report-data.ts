/**
 * A small, hand-computed week for the report figures: Monday 30 November to Sunday 6 December
 * 2026 (London is on GMT, so London and UTC clocks agree). Every expected figure in
 * tests/adapters/db/reports-contract.ts is worked out by hand from the rows below; the comments
 * beside each row say what it is there to prove.
 */
import type { Database } from "../../src/adapters/db/database-handle.ts";
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
} from "../../src/adapters/db/schema.ts";
import type { QuoteTotals } from "../../src/domain/quotes.ts";
import { DEFAULT_WORKING_WEEK } from "../../src/domain/scheduling/engineers.ts";

export const REPORT_WEEK = { from: "2026-11-30", to: "2026-12-06" };
/** "Now" for the as-of-now figures: quotes outstanding are aged from here. */
export const REPORT_NOW = new Date("2026-12-10T20:00:00Z");

const at = (iso: string) => new Date(iso);
const totals = (totalPence: number, depositPence = 0) =>
  ({
    lines: [],
    subtotalPence: totalPence,
    discountPence: 0,
    netPence: totalPence,
    vatPence: 0,
    totalPence,
    vatByRate: [],
    depositPence,
  }) satisfies QuoteTotals;

let serial = 0;
const sid = () => `CAreport${(serial++).toString().padStart(6, "0")}${crypto.randomUUID().slice(0, 8)}`;

/** Inserts the week. Returns nothing: the tests assert only on what the reports compute. */
export async function seedReportWeek(db: Database): Promise<void> {
  const [l1, l2, l3, l4] = await db
    .insert(leads)
    .values([
      {
        name: "Lena One",
        phone: "+447700900001",
        segment: "tenant",
        source: "phone",
        createdAt: at("2026-11-30T09:00:00Z"),
      },
      {
        name: "Lou Two",
        phone: "+447700900002",
        segment: "landlord",
        source: "whatsapp",
        createdAt: at("2026-12-01T10:00:00Z"),
      },
      {
        name: "Lee Three",
        phone: "+447700900003",
        segment: "tenant",
        source: "sms",
        createdAt: at("2026-12-02T08:00:00Z"),
      },
      // First in touch before the week: in no lead figure, but its quotes count where they fall.
      {
        name: "Liz Four",
        phone: "+447700900004",
        segment: "homeowner",
        source: "phone",
        createdAt: at("2026-11-20T08:00:00Z"),
      },
    ])
    .returning();
  const issue = (
    leadId: string,
    title: string,
    category: "plumbing" | "electrical" | "heating" | "general",
    urgency: "emergency" | "urgent" | "routine",
  ) => ({ leadId, title, category, urgency }) as const;
  const [i1, i2, i3, i4, i5, i6] = await db
    .insert(issues)
    .values([
      issue(l1!.id, "Burst pipe", "plumbing", "emergency"),
      issue(l2!.id, "No power upstairs", "electrical", "routine"),
      issue(l3!.id, "Boiler pressure", "heating", "urgent"),
      issue(l4!.id, "Dripping tap", "plumbing", "routine"),
      issue(l4!.id, "New radiator", "heating", "routine"),
      issue(l4!.id, "Fence panel", "general", "routine"),
    ])
    .returning();

  const inbound = { direction: "inbound" as const, to: "+441130000000" };
  await db.insert(calls).values([
    // Answered after 20 s, 5 minutes long; an emergency whose visit was booked 45 minutes later.
    {
      ...inbound,
      providerCallId: sid(),
      from: "+447700900001",
      leadId: l1!.id,
      status: "completed",
      startedAt: at("2026-11-30T09:00:00Z"),
      answeredAt: at("2026-11-30T09:00:20Z"),
      durationSeconds: 300,
      issueId: i1!.id,
      emergency: true,
    },
    // Answered after 40 s, 90 s long.
    {
      ...inbound,
      providerCallId: sid(),
      from: "+447700900002",
      leadId: l2!.id,
      status: "completed",
      startedAt: at("2026-12-01T10:00:00Z"),
      answeredAt: at("2026-12-01T10:00:40Z"),
      durationSeconds: 90,
      issueId: i2!.id,
    },
    // Missed (no answer), an emergency with no job yet; called back 30 minutes later.
    {
      ...inbound,
      providerCallId: sid(),
      from: "+447700900003",
      leadId: l3!.id,
      status: "no-answer",
      startedAt: at("2026-12-01T10:30:00Z"),
      emergency: true,
    },
    // Missed (busy); messaged back by staff 2 hours later (the automatic reply does not count).
    {
      ...inbound,
      providerCallId: sid(),
      from: "+447700900001",
      leadId: l1!.id,
      status: "busy",
      startedAt: at("2026-12-02T18:00:00Z"),
    },
    // Missed (hung up while ringing); called back only after 8 days: not recovered.
    {
      ...inbound,
      providerCallId: sid(),
      from: "+447700900004",
      leadId: l4!.id,
      status: "canceled",
      startedAt: at("2026-12-03T12:00:00Z"),
    },
    // Failed: neither answered nor missed.
    {
      ...inbound,
      providerCallId: sid(),
      from: "+447700900009",
      status: "failed",
      startedAt: at("2026-12-03T12:30:00Z"),
    },
    // One minute before the week: in no figure.
    {
      ...inbound,
      providerCallId: sid(),
      from: "+447700900001",
      leadId: l1!.id,
      status: "completed",
      startedAt: at("2026-11-29T23:59:00Z"),
      answeredAt: at("2026-11-29T23:59:05Z"),
      durationSeconds: 60,
    },
    // Outbound: the call back to the third caller, and a late one to the fourth.
    {
      direction: "outbound",
      from: "+441130000000",
      to: "+447700900003",
      providerCallId: sid(),
      status: "completed",
      startedAt: at("2026-12-01T11:00:00Z"),
    },
    {
      direction: "outbound",
      from: "+441130000000",
      to: "+447700900004",
      providerCallId: sid(),
      status: "completed",
      startedAt: at("2026-12-11T12:00:00Z"),
    },
  ]);

  const [ann, bob] = await db
    .insert(staffUsers)
    .values([
      { email: "ann@handy.example", name: "Ann Engineer", role: "engineer", passwordHash: "x" },
      { email: "bob@handy.example", name: "Bob Engineer", role: "engineer", passwordHash: "x" },
    ])
    .returning();
  await db.insert(engineers).values([
    { userId: ann!.id, trades: ["plumbing"], hours: DEFAULT_WORKING_WEEK },
    { userId: bob!.id, trades: ["heating"], hours: DEFAULT_WORKING_WEEK },
  ]);
  await db.insert(messages).values([
    {
      leadId: l1!.id,
      channel: "sms",
      direction: "outbound",
      body: "Sorry we missed you",
      status: "sent",
      purpose: "missed_call",
      occurredAt: at("2026-12-02T18:01:00Z"),
    },
    {
      leadId: l1!.id,
      channel: "sms",
      direction: "outbound",
      body: "Calling about your pipe",
      status: "sent",
      sentBy: ann!.id,
      occurredAt: at("2026-12-02T20:00:00Z"),
    },
  ]);

  const visit = (
    issueId: string,
    engineerId: string,
    startsAt: string,
    status: "done" | "booked" | "no_access" | "cancelled",
    createdAt: string,
  ) => ({
    issueId,
    engineerId,
    startsAt: at(startsAt),
    endsAt: new Date(at(startsAt).getTime() + 3600_000),
    status,
    createdAt: at(createdAt),
  });
  await db.insert(appointments).values([
    visit(i1!.id, ann!.id, "2026-11-30T14:00:00Z", "done", "2026-11-30T09:45:00Z"), // fixed first time
    visit(i2!.id, ann!.id, "2026-12-02T09:00:00Z", "done", "2026-12-01T12:00:00Z"), // done, but…
    visit(i2!.id, bob!.id, "2026-12-04T09:00:00Z", "booked", "2026-12-02T12:00:00Z"), // …a return visit
    visit(i3!.id, bob!.id, "2026-12-03T09:00:00Z", "no_access", "2026-12-02T09:00:00Z"),
    visit(i3!.id, bob!.id, "2026-12-05T09:00:00Z", "cancelled", "2026-12-03T10:00:00Z"),
  ]);

  const quote = (
    issueId: string,
    version: number,
    status: "sent" | "viewed" | "accepted" | "deposit_paid" | "paid" | "superseded",
    t: QuoteTotals,
    sentAt: string,
    acceptedAt: string | null = null,
  ) => ({
    issueId,
    version,
    token: crypto.randomUUID(),
    status,
    lines: [],
    totals: t,
    sentAt: at(sentAt),
    acceptedAt: acceptedAt ? at(acceptedAt) : null,
  });
  const [q1, q2] = await db
    .insert(quotes)
    .values([
      quote(i1!.id, 1, "paid", totals(12_000), "2026-11-30T12:00:00Z", "2026-11-30T13:00:00Z"),
      quote(i2!.id, 1, "deposit_paid", totals(24_000, 6_000), "2026-12-01T16:00:00Z", "2026-12-01T17:00:00Z"),
      quote(i3!.id, 1, "sent", totals(5_000), "2026-12-02T20:00:00Z"), // awaited 8 days at REPORT_NOW
      quote(i4!.id, 1, "viewed", totals(3_000), "2026-11-01T00:00:00Z"), // awaited 39 days
      quote(i5!.id, 1, "accepted", totals(8_000, 1_000), "2026-12-03T08:00:00Z", "2026-12-03T09:00:00Z"), // deposit due
      quote(i6!.id, 1, "accepted", totals(4_000), "2026-11-24T08:00:00Z", "2026-11-25T09:00:00Z"), // owed whole
      quote(i1!.id, 2, "superseded", totals(99_999), "2026-11-30T12:30:00Z"), // never counted as quoted
    ])
    .returning();
  const [p1, p2] = await db
    .insert(payments)
    .values([
      {
        quoteId: q1!.id,
        kind: "full",
        amountPence: 12_000,
        provider: "test",
        status: "paid",
        paidAt: at("2026-12-01T09:00:00Z"),
      },
      {
        quoteId: q2!.id,
        kind: "deposit",
        amountPence: 6_000,
        provider: "test",
        status: "paid",
        paidAt: at("2026-12-02T10:00:00Z"),
      },
      { quoteId: q2!.id, kind: "balance", amountPence: 18_000, provider: "test", status: "failed" }, // not money in
    ])
    .returning();
  await db.insert(invoices).values([
    {
      number: 1,
      quoteId: q1!.id,
      paymentId: p1!.id,
      kind: "full",
      totalPence: 12_000,
      issuedAt: at("2026-12-01T09:00:00Z"),
      content: { netPence: 10_000, vatPence: 2_000, totalPence: 12_000 },
    },
    {
      number: 2,
      quoteId: q2!.id,
      paymentId: p2!.id,
      kind: "deposit",
      totalPence: 6_000,
      issuedAt: at("2026-12-02T10:00:00Z"),
      content: { netPence: 5_000, vatPence: 1_000, totalPence: 6_000 },
    },
  ]);
}
