import { afterAll, beforeAll, describe, expect, spyOn, test } from "bun:test";
import { sql } from "drizzle-orm";
import type { OpenDatabase } from "../../src/adapters/db/database.ts";
import { seedDemoCommand } from "../../src/cli/seed-demo.ts";
import { DEMO_NOTE } from "../../src/compose/demo.ts";
import { DEMO_ROUND } from "../../src/cli/demo-schedule-data.ts";
import { londonWallTime } from "../../src/domain/scheduling/london-clock.ts";
import { checkBooking } from "../../src/domain/scheduling/rules.ts";
import type { E164 } from "../../src/domain/phone.ts";
import { aStaffUser, buildTestApp, testBrowser } from "../support/test-app.ts";
import { freshPglite } from "../support/test-db.ts";

/**
 * Issue 13, item 8: seed-demo goes through the app's own use cases, so a fresh install shows
 * every staff page with something in it and its figures agree (no quote "Paid" with £0.00 paid).
 */
let repos: OpenDatabase;
let world: ReturnType<typeof buildTestApp>;
let staff: ReturnType<typeof testBrowser>;

const rows = async <T>(query: string) => ((await repos.db.execute(sql.raw(query))) as unknown as { rows: T[] }).rows;
const count = async (table: string) =>
  Number((await rows<{ n: number }>(`select count(*)::int as n from ${table}`))[0]!.n);

beforeAll(async () => {
  repos = await freshPglite();
  world = buildTestApp(repos);
  const quiet = spyOn(console, "log").mockImplementation(() => {});
  try {
    expect(await seedDemoCommand(world.deps)).toBe(0);
  } finally {
    quiet.mockRestore();
  }
  const user = await aStaffUser(world.deps, "office@handy.example");
  staff = testBrowser(world.app);
  await staff.logIn(user.email, user.password);
}, 60_000);
afterAll(async () => repos?.close());

describe("seed-demo", () => {
  test("every staff page has something in it", async () => {
    const pages: [string, string[]][] = [
      ["/", ["Burst pipe, water through ceiling", "Sarah Jones", 'hx-get="/missed-calls"']],
      ["/missed-calls", ["Missed calls to follow up", "07700 900567", "Followed up"]],
      ["/leads", ["Sarah Jones", "Shah Lettings", "Greenway Dental Practice"]],
      ["/issues", ["Boiler leaking, no heating", "Replace bathroom extractor fan", "Blocked outside drain"]],
      ["/quotes", ["Deposit paid", "Paid", "Draft", "£54.15"]],
      ["/inbox", ["Sarah Jones", "David Okafor"]],
      ["/calls", ["Priya Shah", "Margaret Ellis"]],
    ];
    for (const [path, expected] of pages) {
      const { response, html } = await staff.page(path);
      expect(response.status, path).toBe(200);
      for (const words of expected) expect(html, `${path} shows ${words}`).toContain(words);
      expect(html, path).not.toContain("No quotes");
    }
  });

  test("every paid or part-paid quote's figures agree with its payments, and each payment has its invoice", async () => {
    const quotes = await rows<{
      id: string;
      status: string;
      total: number;
      deposit: number;
      paid: number;
      invoices: number;
    }>(
      `select q.id, q.status, (q.totals->>'totalPence')::int as total, (q.totals->>'depositPence')::int as deposit,
         coalesce((select sum(p.amount_pence) from payments p where p.quote_id = q.id and p.status = 'paid'), 0)::int as paid,
         (select count(*) from invoices i where i.quote_id = q.id)::int as invoices
       from quotes q`,
    );
    const paidOrPart = quotes.filter((q) => q.status === "paid" || q.status === "deposit_paid");
    expect(paidOrPart.map((q) => q.status).sort()).toEqual(["deposit_paid", "paid"]);
    for (const q of quotes) {
      if (q.status === "paid") expect(q.paid).toBe(q.total);
      else if (q.status === "deposit_paid") expect(q.paid).toBe(q.deposit);
      else expect(q.paid).toBe(0);
    }
    expect(paidOrPart.every((q) => q.invoices === 1)).toBe(true);
    // The quotes list shows the same money: nothing paid reads £0.00.
    const { html } = await staff.page("/quotes");
    for (const row of html.split("<tr>").filter((r) => /Deposit paid|>Paid</.test(r)))
      expect(row).not.toContain('data-label="Paid" class="money">£0.00');
  });

  test("payments moved the jobs and customers on, as a real payment does", async () => {
    const sarah = (await repos.leads.byPhone("+447700900123" as E164))!;
    expect(sarah.status).toBe("won");
    const [boiler] = await repos.issues.forLead(sarah.id);
    expect(boiler!.status).toBe("scheduled");
    const tom = (await repos.leads.byPhone("+447700900345" as E164))!;
    expect(tom.status).toBe("won");
    const david = (await repos.leads.byPhone("+447700900789" as E164))!;
    expect(david.status).toBe("quoted");
    const { html } = await staff.page(`/leads/${sarah.id}`);
    expect(html).toContain("Deposit paid £54.15");
    // Staff see where the money came from: demo data, never passed off as a card payment.
    const [quote] = await repos.quotes.forIssue(boiler!.id);
    const quotePage = (await staff.page(`/quotes/${quote!.id}`)).html;
    expect(quotePage).toContain("demo data (no card charged)");
    expect(quotePage).not.toContain("Stripe ·");
  });

  test("WhatsApp and SMS conversations both ways, the outbound ones kept unsent and marked as demo; a missed call to follow up", async () => {
    const messages = await rows<{ channel: string; direction: string; status: string; error: string | null }>(
      "select channel, direction, status, error from messages",
    );
    for (const channel of ["whatsapp", "sms"])
      for (const direction of ["inbound", "outbound"])
        expect(
          messages.some((m) => m.channel === channel && m.direction === direction),
          `${channel} ${direction}`,
        ).toBe(true);
    const outbound = messages.filter((m) => m.direction === "outbound");
    expect(outbound.every((m) => m.status === "not_sent" && m.error === DEMO_NOTE)).toBe(true);
    // Quote links and receipts stayed in the app's outbox.
    const quoteMessages = await rows<{ status: string }>("select status from outbound_messages");
    expect(quoteMessages.length).toBeGreaterThan(0);
    expect(quoteMessages.every((m) => m.status === "outbox")).toBe(true);

    const open = await repos.missedCalls.open(20);
    expect(open.map((m) => m.phone)).toContain("+447700900567");
  });

  test("the number the David Patel fixture calls from belongs to Priya Shah, Shah Lettings", async () => {
    const lead = await repos.leads.byPhone("+447700900456" as E164);
    expect(lead).toMatchObject({ name: "Priya Shah", organisation: "Shah Lettings" });
  });

  test("one lead opted out of the assistant's calls: on the register (audited), said on the lead page, and refused a call", async () => {
    const lead = (await repos.leads.byPhone("+447700900345" as E164))!;
    expect(await repos.callConsent.optOutFor(lead.phone!)).toMatchObject({ source: "said_stop", callId: null });
    const entries = await repos.callConsent.optOuts(10);
    expect(entries.map((e) => e.leadName)).toEqual(["Tom Reid"]);
    const { html } = await staff.page(`/leads/${lead.id}`);
    expect(html).toContain('id="opt-out"');
    expect(html).toContain("Opted out of automated calls on");
    expect(html).toContain("said &quot;stop calling me&quot; during an assistant call");
    const others = await staff.page(`/leads/${(await repos.leads.byPhone("+447700900123" as E164))!.id}`);
    expect(others.html).not.toContain('id="opt-out"');
  });

  test("four engineers and a week of visits, every one of which the booking rules allow", async () => {
    const engineers = await repos.engineers.active();
    expect(engineers.map((e) => e.name).sort()).toEqual(["Aisha Khan", "Gareth Lloyd", "Nina Kowalski", "Tom Haigh"]);
    for (const engineer of engineers) expect((await repos.staffUsers.byId(engineer.userId))!.role).toBe("engineer");
    const now = world.deps.now();
    const visits = await repos.appointments.visits({ from: now, to: new Date(now.getTime() + 14 * 86_400_000) });
    expect(visits).toHaveLength(DEMO_ROUND.length);
    // Friday 27 November 2026 in the test clock: Monday 30 November to Friday 4 December.
    const days = new Set(visits.map((v) => londonWallTime(v.startsAt).date));
    expect([...days].sort()).toEqual(["2026-11-30", "2026-12-01", "2026-12-02", "2026-12-03", "2026-12-04"]);
    for (const visit of visits) {
      const engineer = engineers.find((e) => e.userId === visit.engineerId)!;
      const appointment = (await repos.appointments.byId(visit.id))!;
      const issue = (await repos.issues.byId(appointment.issueId))!;
      expect(issue.status).toBe("scheduled");
      const candidate = {
        engineer,
        trade: issue.category,
        startsAt: visit.startsAt,
        endsAt: visit.endsAt,
        postcode: issue.postcode,
        appointmentId: visit.id,
      };
      expect({ visit: visit.id, check: checkBooking(candidate, visits, now) }).toMatchObject({ check: { ok: true } });
    }
    const confirmed = visits.filter((v) => v.status === "confirmed");
    expect(confirmed.length).toBeGreaterThan(0);
    expect(confirmed.every((v) => londonWallTime(v.startsAt).date === "2026-11-30")).toBe(true);
    // Demo customers are sent no visit notices: none is left for a runner.
    const pending = (await repos.tasks.backlog()).find((b) => b.kind === "visit-notice");
    expect(pending).toBeUndefined();
  });

  test("the engineers have phones and a week of on-call nights, 17:30 to 08:00 London, in turn", async () => {
    const engineers = await repos.engineers.active();
    expect(engineers.every((e) => e.phone?.startsWith("+447700900"))).toBe(true);
    const now = world.deps.now();
    const rota = await repos.onCall.rota({ from: now, to: new Date(now.getTime() + 8 * 86_400_000) });
    expect(rota).toHaveLength(7);
    // Friday 27 November 2026 (GMT): the first night is 17:30 GMT to Saturday 08:00 GMT.
    expect(rota[0]).toMatchObject({
      startsAt: new Date("2026-11-27T17:30:00Z"),
      endsAt: new Date("2026-11-28T08:00:00Z"),
    });
    expect(new Set(rota.map((p) => p.engineerId)).size).toBe(4);
  });

  test("running it twice adds nothing", async () => {
    const tables = [
      "leads",
      "calls",
      "issues",
      "quotes",
      "payments",
      "invoices",
      "messages",
      "missed_calls",
      "engineers",
      "appointments",
      "on_call_periods",
      "automated_call_opt_outs",
    ];
    const before = await Promise.all(tables.map(count));
    const quiet = spyOn(console, "log").mockImplementation(() => {});
    try {
      expect(await seedDemoCommand(world.deps)).toBe(0);
    } finally {
      quiet.mockRestore();
    }
    expect(await Promise.all(tables.map(count))).toEqual(before);
  });
});
