/**
 * A small, hand-computed moment for the wall board's figures: Thursday 3 December 2026, 14:00
 * (London is on GMT, so London and UTC clocks agree). Every expected figure in
 * tests/adapters/db/board-figures.test.ts is worked out from the rows below; the comment beside
 * each row says what it is there to prove.
 */
import type { Database } from "../../src/adapters/db/database-handle.ts";
import {
  appointments,
  calls,
  engineers,
  issues,
  leads,
  messages,
  missedCalls,
  payments,
  quotes,
  staffUsers,
} from "../../src/adapters/db/schema.ts";
import type { QuoteTotals } from "../../src/domain/quotes.ts";
import { DEFAULT_WORKING_WEEK } from "../../src/domain/scheduling/engineers.ts";

export const BOARD_NOW = new Date("2026-12-03T14:00:00Z");

const at = (iso: string) => new Date(iso);
let serial = 0;
const sid = () => `CAboard${(serial++).toString().padStart(6, "0")}${crypto.randomUUID().slice(0, 8)}`;
const totals = (totalPence: number) =>
  ({
    lines: [],
    subtotalPence: totalPence,
    discountPence: 0,
    netPence: totalPence,
    vatPence: 0,
    totalPence,
    vatByRate: [],
    depositPence: 0,
  }) satisfies QuoteTotals;

export async function seedBoardMoment(db: Database): Promise<void> {
  const [l1, l2, l3, l4] = await db
    .insert(leads)
    .values(["+447700900001", "+447700900002", "+447700900003", "+447700900004"].map((phone) => ({ phone })))
    .returning();
  const [ann, bob, cat, office] = await db
    .insert(staffUsers)
    .values([
      { email: "ann@handy.example", name: "Ann Engineer", role: "engineer", passwordHash: "x" },
      // No name on the account: the board shows the email's first part, never the whole address.
      { email: "bob.smith@handy.example", role: "engineer", passwordHash: "x" },
      { email: "cat@handy.example", name: "Cat Engineer", role: "engineer", passwordHash: "x" },
      { email: "office@handy.example", name: "Office", role: "staff", passwordHash: "x" },
    ])
    .returning();
  await db
    .insert(engineers)
    .values(
      [ann!, bob!, cat!].map((u) => ({ userId: u.id, trades: ["plumbing" as const], hours: DEFAULT_WORKING_WEEK })),
    );

  const inbound = (
    from: string,
    status: "ringing" | "in-progress" | "queued" | "completed" | "no-answer" | "busy" | "canceled" | "failed",
    startedAt: string,
    extra: Partial<typeof calls.$inferInsert> = {},
  ) => ({
    providerCallId: sid(),
    direction: "inbound" as const,
    from,
    to: "+441130000000",
    status,
    startedAt: at(startedAt),
    ...extra,
  });
  const outbound = (to: string, status: "in-progress" | "completed", startedAt: string) => ({
    providerCallId: sid(),
    direction: "outbound" as const,
    from: "+441130000000",
    to,
    status,
    startedAt: at(startedAt),
  });
  const [, , , , , , m4] = await db
    .insert(calls)
    .values([
      // Live now: three calls (the newest first on the board), numbers shown by their last three digits.
      inbound("+447700900001", "ringing", "2026-12-03T13:58:00Z", { leadId: l1!.id, emergency: true }),
      inbound("+447700900222", "in-progress", "2026-12-03T13:50:00Z", { answeredAt: at("2026-12-03T13:50:10Z") }),
      outbound("+447700900333", "in-progress", "2026-12-03T13:55:00Z"),
      // Over: not live.
      inbound("+447700900222", "completed", "2026-12-02T10:00:00Z", { answeredAt: at("2026-12-02T10:00:05Z") }),
      // Missed at 09:00, called back at 10:00: recovered.
      inbound("+447700900001", "no-answer", "2026-12-03T09:00:00Z", { leadId: l1!.id }),
      // Missed yesterday, messaged back by staff half an hour later: recovered.
      inbound("+447700900002", "busy", "2026-12-02T12:00:00Z", { leadId: l2!.id }),
      // Missed at 11:00 and marked followed up on the dashboard: not waiting.
      inbound("+447700900004", "no-answer", "2026-12-03T11:00:00Z", { leadId: l4!.id }),
      // Missed yesterday 08:00, only the automatic reply went: waiting, and the oldest.
      inbound("+447700900003", "canceled", "2026-12-02T08:00:00Z", { leadId: l3!.id }),
      // Missed at noon from a number with no lead: waiting.
      inbound("+447700900555", "no-answer", "2026-12-03T12:00:00Z"),
      // Missed two weeks ago: past the recovery window, not on the board.
      inbound("+447700900004", "no-answer", "2026-11-19T12:00:00Z", { leadId: l4!.id }),
      // Failed (the network's doing, not a missed call).
      inbound("+447700900666", "failed", "2026-12-03T12:30:00Z"),
      // The call back to the 09:00 caller.
      outbound("+447700900001", "completed", "2026-12-03T10:00:00Z"),
    ])
    .returning();
  await db.insert(missedCalls).values({
    callId: m4!.id,
    leadId: l4!.id,
    phone: "+447700900004",
    day: "2026-12-03",
    resolvedAt: at("2026-12-03T11:30:00Z"),
    resolvedBy: office!.id,
  });
  await db.insert(messages).values([
    {
      leadId: l3!.id,
      channel: "sms",
      direction: "outbound",
      body: "Sorry we missed you",
      status: "sent",
      purpose: "missed_call",
      occurredAt: at("2026-12-02T08:01:00Z"),
    },
    {
      leadId: l2!.id,
      channel: "sms",
      direction: "outbound",
      body: "Returning your call",
      status: "sent",
      sentBy: office!.id,
      occurredAt: at("2026-12-02T12:30:00Z"),
    },
  ]);

  const issue = (
    leadId: string,
    urgency: "emergency" | "urgent",
    status: "open" | "scheduled" | "done" | "cancelled" | "in_progress",
  ) => ({
    leadId,
    title: "Job",
    urgency,
    status,
  });
  const [i1, i2, i3] = await db
    .insert(issues)
    .values([
      issue(l1!.id, "emergency", "open"), // open emergency
      issue(l2!.id, "emergency", "scheduled"), // open emergency
      issue(l3!.id, "emergency", "done"),
      issue(l4!.id, "emergency", "cancelled"),
      issue(l4!.id, "urgent", "open"),
    ])
    .returning();

  const visit = (
    issueId: string,
    engineerId: string,
    startsAt: string,
    status: "en_route" | "on_site" | "done" | "booked",
    updatedAt: string,
  ) => ({
    issueId,
    engineerId,
    startsAt: at(startsAt),
    endsAt: new Date(at(startsAt).getTime() + 3600_000),
    status,
    updatedAt: at(updatedAt),
  });
  await db.insert(appointments).values([
    visit(i1!.id, ann!.id, "2026-12-03T13:00:00Z", "en_route", "2026-12-03T13:10:00Z"),
    visit(i2!.id, bob!.id, "2026-12-03T09:00:00Z", "on_site", "2026-12-03T09:30:00Z"),
    visit(i3!.id, ann!.id, "2026-12-03T08:00:00Z", "done", "2026-12-03T09:00:00Z"), // finished
    visit(i3!.id, cat!.id, "2026-12-02T15:00:00Z", "en_route", "2026-12-02T15:00:00Z"), // yesterday's, left en route
    visit(i1!.id, bob!.id, "2026-12-03T16:00:00Z", "booked", "2026-12-01T09:00:00Z"), // later today, not under way
  ]);

  const [q1, q2] = await db
    .insert(quotes)
    .values([
      {
        issueId: i1!.id,
        version: 1,
        token: crypto.randomUUID(),
        status: "paid" as const,
        lines: [],
        totals: totals(17_000),
      },
      {
        issueId: i2!.id,
        version: 1,
        token: crypto.randomUUID(),
        status: "deposit_paid" as const,
        lines: [],
        totals: totals(9_000),
      },
    ])
    .returning();
  const paid = (quoteId: string, kind: "deposit" | "full" | "balance", amountPence: number, paidAt: string) => ({
    quoteId,
    kind,
    amountPence,
    provider: "test",
    status: "paid" as const,
    paidAt: at(paidAt),
  });
  await db.insert(payments).values([
    paid(q1!.id, "deposit", 5_000, "2026-12-03T10:00:00Z"),
    paid(q1!.id, "full", 12_000, "2026-12-03T11:00:00Z"),
    paid(q2!.id, "deposit", 2_500, "2026-12-03T00:10:00Z"),
    paid(q2!.id, "balance", 7_000, "2026-12-02T23:30:00Z"), // yesterday
    { quoteId: q2!.id, kind: "full" as const, amountPence: 3_000, provider: "test", status: "pending" as const }, // not taken
  ]);
}
