/**
 * The report pages through the app (`app.request`): the hand-computed week's figures on the
 * page and in every CSV (parsed back with csv-parse), charts as labelled SVG, and bad input
 * refused with the reason.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { parse } from "csv-parse/sync";
import type { OpenDatabase } from "../../src/adapters/db/database.ts";
import { resolveRange } from "../../src/domain/reports/date-range.ts";
import { callsTables, csvCell, jobsTables, moneyTables, type ReportTable } from "../../src/domain/reports/tables.ts";
import { aLoggedInStaff, buildTestApp, signedTwilioPost, testBrowser } from "../support/test-app.ts";
import { freshPglite } from "../support/test-db.ts";
import { publishVisitChange } from "../../src/domain/scheduling/schedule-channel.ts";
import type { Appointment } from "../../src/domain/scheduling/appointments.ts";
import { alicePipe } from "../support/engineers.ts";
import { REPORT_NOW, REPORT_WEEK, seedReportWeek } from "../support/report-data.ts";

let repos: OpenDatabase;
let world: ReturnType<typeof buildTestApp>;
let browser: ReturnType<typeof testBrowser>;
const WEEK = `range=custom&from=${REPORT_WEEK.from}&to=${REPORT_WEEK.to}`;

beforeAll(async () => {
  repos = await freshPglite();
  await seedReportWeek(repos.db);
  world = buildTestApp(repos, { now: () => REPORT_NOW });
  ({ browser } = await aLoggedInStaff(world));
}, 60_000);
afterAll(async () => repos?.close());

const week = () => {
  const range = resolveRange({ from: REPORT_WEEK.from, to: REPORT_WEEK.to }, REPORT_NOW);
  if (!range.ok) throw new Error(range.message);
  return range.value;
};

/** Every table each page shows, as the domain builds it from the repository's figures. */
async function expectedTables(): Promise<Record<string, ReportTable[]>> {
  return {
    calls: callsTables(await repos.reports.calls(week())),
    jobs: jobsTables(await repos.reports.jobs(week(), REPORT_NOW)),
    money: moneyTables(await repos.reports.money(week(), REPORT_NOW, 1)),
  };
}

describe("report pages", () => {
  test("the index links each report with the range, and staff see Reports in the menu", async () => {
    const { response, html } = await browser.page("/reports?range=last_month");
    expect(response.status).toBe(200);
    expect(html).toContain('href="/reports" aria-current="page"');
    expect(html).toContain('href="/reports/calls?range=last_month"');
    expect(html).toContain("1 Nov 2026 – 30 Nov 2026");
  });

  test("calls: the week's figures, four labelled SVG charts that scale, a caption each", async () => {
    const { response, html } = await browser.page(`/reports/calls?${WEEK}`);
    expect(response.status).toBe(200);
    const charts = html.match(/<svg [^>]*>/g) ?? [];
    expect(charts.length).toBe(4);
    for (const svg of charts) {
      expect(svg).toContain('width="100%"');
      expect(svg).toContain('role="img"');
      expect(svg).toMatch(/viewBox="0 0 \d+ \d+"/);
      expect(svg).toMatch(/aria-label="[^"]+"/);
    }
    expect(html).toContain("6 inbound calls: 2 answered, 3 missed (missed rate 50 %).");
    expect(html).toContain("Busiest hour: Tuesday 10:00 with 2 calls (London time).");
    expect(html).toContain("Missed calls called or messaged back by staff within 7 days");
    expect(html).toContain("What these figures cannot show");
    expect(html).not.toContain("<script>"); // no chart script: the SVG is the chart
  });

  test("jobs and money pages show their figures", async () => {
    const jobs = await browser.page(`/reports/jobs?${WEEK}`);
    expect(jobs.response.status).toBe(200);
    expect(jobs.html).toContain("Of 3 new leads, 3 were sent a quote, 2 accepted and 2 paid (66.7 %).");
    expect(jobs.html).toContain("2 quotes worth £80.00 await an answer now.");
    const money = await browser.page(`/reports/money?${WEEK}`);
    expect(money.response.status).toBe(200);
    expect(money.html).toContain("Quoted £490.00, accepted £440.00, paid £180.00.");
    expect(money.html).toContain("£30.00 VAT on invoices issued in the range.");
    expect(money.html).toContain("£180.00"); // the balance owed after a deposit
  });

  test("every table on every page downloads as CSV and parses back to the page's figures", async () => {
    const expected = await expectedTables();
    let files = 0;
    for (const [page, tables] of Object.entries(expected)) {
      const html = (await browser.page(`/reports/${page}?${WEEK}`)).html;
      for (const table of tables) {
        const href = `/reports/${page}/${table.id}.csv?${WEEK}`;
        expect(html).toContain(href.replaceAll("&", "&amp;"));
        const response = await browser.request(href);
        expect(response.status).toBe(200);
        expect(response.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
        expect(response.headers.get("Content-Disposition")).toBe(
          `attachment; filename="${page}-${table.id}-2026-11-30-to-2026-12-06.csv"`,
        );
        const rows: string[][] = parse(await response.text());
        expect(rows[0]).toEqual(table.columns.map((c) => c.label));
        expect(rows.slice(1)).toEqual(
          table.rows.map((row) => row.map((value, i) => csvCell(value, table.columns[i]!.kind))),
        );
        files++;
      }
    }
    expect(files).toBe(19);
  });

  test("CSV values are plain: pounds with pence, counts, empty where nothing to show", async () => {
    const weeks: string[][] = parse(await (await browser.request(`/reports/money/by-week.csv?${WEEK}`)).text());
    expect(weeks).toEqual([
      ["Week starting", "Quoted (£)", "Accepted (£)", "Paid (£)"],
      ["2026-11-30", "490.00", "440.00", "180.00"],
    ]);
    const empty = "range=custom&from=2025-01-06&to=2025-01-12";
    const spreads: string[][] = parse(
      await (await browser.request(`/reports/calls/answer-and-length.csv?${empty}`)).text(),
    );
    expect(spreads[1]).toEqual(["Time to answer", "0", "", ""]);
  });

  test("a call that comes in shows on the calls report at once, though figures are kept between loads", async () => {
    const inbound = async () =>
      Number(
        /Inbound calls<\/th><td class="num">(\d+)</.exec(
          (await browser.page("/reports/calls?range=this_month")).html,
        )?.[1],
      );
    const before = await inbound();
    expect(await inbound()).toBe(before);
    const voice = await signedTwilioPost(world.app, "/api/twilio/voice", {
      CallSid: "CA00000000000000000000000000reports",
      AccountSid: "AC123",
      From: "+447700900555",
      To: "+442079460000",
      CallStatus: "ringing",
      Direction: "inbound",
    });
    expect(voice.status).toBe(200);
    // The dashboard's change event (which drops kept report figures) leaves just after the write.
    let after = before;
    for (let i = 0; i < 50 && after === before; i++) {
      await Bun.sleep(20);
      after = await inbound();
    }
    expect(after).toBe(before + 1);
  });

  test("a visit cancelled shows on the jobs report at once: visit changes drop the kept figures too", async () => {
    const bobDone = async () => {
      const { html } = await browser.page(`/reports/jobs?range=custom&from=${REPORT_WEEK.from}&to=${REPORT_WEEK.to}`);
      const row = /<tr><th[^>]*>Bob[^<]*<\/th>((?:<td[^>]*>[^<]*<\/td>)+)<\/tr>/.exec(html)?.[1] ?? "";
      return [...row.matchAll(/<td[^>]*>([^<]*)<\/td>/g)].map((m) => m[1]);
    };
    const before = await bobDone();
    expect(before.length).toBeGreaterThan(1);
    const [booked] = (
      await repos.appointments.visits({
        from: new Date("2026-12-04T00:00:00Z"),
        to: new Date("2026-12-05T00:00:00Z"),
      })
    ).filter((visit) => visit.status === "booked");
    const visit = (await repos.appointments.byId(booked!.id))!;
    const done = await repos.appointments.setStatus(
      visit.id,
      "cancelled",
      { who: "test", at: REPORT_NOW },
      visit.version,
    );
    expect(done.ok).toBe(true);
    // Written but not yet announced: the page still shows what it kept.
    expect(await bobDone()).toEqual(before);
    await publishVisitChange(world.deps.liveEvents, (done as { ok: true; value: Appointment }).value);
    let after = before;
    for (let i = 0; i < 50 && JSON.stringify(after) === JSON.stringify(before); i++) {
      await Bun.sleep(20);
      after = await bobDone();
    }
    expect(after).not.toEqual(before);
  });

  test("bad input: a 400 with the reason, a 404 for what does not exist", async () => {
    const cases: [string, number, string][] = [
      ["/reports/calls?range=fortnight", 400, "Choose a range"],
      ["/reports/calls?range=custom&from=2026-12-09&to=2026-12-01", 400, "The range ends before it starts."],
      ["/reports/money?from=2026-02-30&to=2026-03-03", 400, "YYYY-MM-DD"],
      ["/reports/jobs?from=2020-01-01&to=2026-01-01", 400, "at most 400 days"],
      ["/reports/calls/by-day.csv?range=custom&from=x&to=y", 400, "YYYY-MM-DD"],
      ["/reports/weather", 404, "no report"],
      ["/reports/calls/no-such-table.csv", 404, "no report table"],
      ["/reports/calls/by-day.json", 404, "no report table"],
    ];
    for (const [path, status, reason] of cases) {
      const response = await browser.request(path);
      expect({ path, status: response.status }).toEqual({ path, status });
      expect(await response.text()).toContain(reason);
    }
  });

  test("logged out: sent to log in; an engineer's account: refused", async () => {
    const stranger = await testBrowser(world.app).request("/reports/calls");
    expect(stranger.status).toBe(303);
    expect(stranger.headers.get("Location")).toStartWith("/login");
    await repos.engineers.create(
      alicePipe({ email: "eng@handy.example", passwordHash: await world.deps.passwords.hash("spanner in the works") }),
    );
    const phone = testBrowser(world.app);
    await phone.logIn("eng@handy.example", "spanner in the works");
    expect((await phone.request("/reports/money")).status).toBe(403);
    expect((await phone.request("/reports/money/by-week.csv")).status).toBe(403);
    expect((await phone.page("/my-day")).html).not.toContain('href="/reports"');
  });
});
