import type { ChartSpec } from "../../ports/charts.ts";
import { formatPence } from "../money.ts";
import { percent, type CallsReport, type JobsReport, type MoneyReport } from "./figures.ts";
import { CHANNEL_WORDS, weekdayName, words } from "./tables.ts";

/**
 * The charts on each report page, as plain data, each with a sentence that says what it shows
 * (the SVG's accessible name and its caption) and the table that holds its figures.
 */
export interface ReportChart {
  /** The table (tables.ts) with the same figures: the chart's text alternative and its CSV. */
  table: string;
  title: string;
  summary: string;
  spec: ChartSpec;
}

const shortDay = new Intl.DateTimeFormat("en-GB", {
  timeZone: "UTC",
  weekday: "short",
  day: "numeric",
  month: "short",
});
const dayLabel = (day: string) => shortDay.format(new Date(`${day}T12:00:00Z`));
const monthLabel = new Intl.DateTimeFormat("en-GB", { timeZone: "UTC", month: "short", year: "numeric" });
const pounds = (pence: number) => Math.round(pence) / 100;
const rate = (part: number, whole: number) => {
  const value = percent(part, whole);
  return value === null ? "no calls to compare" : `${value} %`;
};
const most = <T>(items: T[], by: (item: T) => number): T | undefined =>
  items.reduce<T | undefined>((best, item) => (best === undefined || by(item) > by(best) ? item : best), undefined);

export function callsCharts(report: CallsReport): ReportChart[] {
  const { totals } = report;
  const busiestDay = most(report.byDay, (d) => d.answered + d.missed + d.other);
  const busiestHour = most(report.byHour, (h) => h.calls);
  const trades = [...new Set(report.byTradeAndUrgency.map((r) => r.trade))];
  const urgencies = [...new Set(report.byTradeAndUrgency.map((r) => r.urgency))];
  const callsFor = (trade: string, urgency: string) =>
    report.byTradeAndUrgency.find((r) => r.trade === trade && r.urgency === urgency)?.calls ?? 0;
  const topTrade = most(trades, (t) => urgencies.reduce((n, u) => n + callsFor(t, u), 0));
  return [
    {
      table: "by-day",
      title: "Calls by day",
      summary:
        `${totals.inbound} inbound calls: ${totals.answered} answered, ${totals.missed} missed (missed rate ${rate(totals.missed, totals.inbound)}).` +
        (busiestDay && totals.inbound > 0
          ? ` Busiest day ${dayLabel(busiestDay.day)} with ${busiestDay.answered + busiestDay.missed + busiestDay.other}.`
          : ""),
      spec: {
        kind: "bar",
        stacked: true,
        categories: report.byDay.map((d) => dayLabel(d.day)),
        series: [
          { name: "Answered", values: report.byDay.map((d) => d.answered) },
          { name: "Missed", values: report.byDay.map((d) => d.missed) },
          { name: "Other", values: report.byDay.map((d) => d.other) },
        ],
      },
    },
    {
      table: "by-hour",
      title: "Calls by hour of the week",
      summary: busiestHour
        ? `Busiest hour: ${weekdayName(busiestHour.weekday)} ${String(busiestHour.hour).padStart(2, "0")}:00 with ${busiestHour.calls} calls (London time).`
        : "No inbound calls in the range.",
      spec: {
        kind: "heatmap",
        x: Array.from({ length: 24 }, (_, h) => String(h).padStart(2, "0")),
        y: [1, 2, 3, 4, 5, 6, 7].map((d) => weekdayName(d).slice(0, 3)),
        cells: report.byHour.map((h) => [h.hour, h.weekday - 1, h.calls]),
      },
    },
    {
      table: "length-bands",
      title: "Answered calls by length",
      summary:
        report.length.median === null
          ? "No answered calls in the range."
          : `Median call ${Math.round(report.length.median / 60)} min (90 % under ${Math.round((report.length.p90 ?? 0) / 60)} min); median time to answer ${report.timeToAnswer.median ?? "–"} s.`,
      spec: {
        kind: "bar",
        categories: report.lengthBands.map((b) => b.band),
        series: [{ name: "Calls", values: report.lengthBands.map((b) => b.calls) }],
      },
    },
    {
      table: "trade-urgency",
      title: "Calls by trade and urgency",
      summary: topTrade
        ? `Most calls were about ${words(topTrade).toLowerCase()} jobs.`
        : "No inbound calls in the range.",
      spec: {
        kind: "bar",
        horizontal: true,
        stacked: true,
        categories: trades.map(words),
        series: urgencies.map((u) => ({ name: words(u), values: trades.map((t) => callsFor(t, u)) })),
      },
    },
  ];
}

export function jobsCharts(report: JobsReport): ReportChart[] {
  const { funnel } = report;
  const topChannel = most(report.byChannel, (c) => c.leads);
  const outstanding = report.quotesOutstanding.reduce((n, b) => n + b.quotes, 0);
  const outstandingPence = report.quotesOutstanding.reduce((n, b) => n + b.pence, 0);
  return [
    {
      table: "leads-by-channel",
      title: "New leads by first channel",
      summary: topChannel
        ? `${funnel.leads} new leads; most came by ${(CHANNEL_WORDS[topChannel.channel] ?? topChannel.channel).toLowerCase()} (${topChannel.leads}).`
        : "No new leads in the range.",
      spec: {
        kind: "bar",
        categories: report.byChannel.map((c) => CHANNEL_WORDS[c.channel] ?? words(c.channel)),
        series: [{ name: "Leads", values: report.byChannel.map((c) => c.leads) }],
      },
    },
    {
      table: "leads-by-segment",
      title: "New leads by segment",
      summary: report.bySegment.map((s) => `${words(s.segment)} ${s.leads}`).join(", ") || "No new leads in the range.",
      spec: {
        kind: "bar",
        horizontal: true,
        categories: report.bySegment.map((s) => words(s.segment)),
        series: [{ name: "Leads", values: report.bySegment.map((s) => s.leads) }],
      },
    },
    {
      table: "conversion",
      title: "From first contact to paid",
      summary: `Of ${funnel.leads} new leads, ${funnel.quoted} were sent a quote, ${funnel.accepted} accepted and ${funnel.paid} paid (${percent(funnel.paid, funnel.leads) ?? 0} %).`,
      spec: {
        kind: "bar",
        horizontal: true,
        categories: ["First contact", "Quoted", "Accepted", "Paid"],
        series: [{ name: "Leads", values: [funnel.leads, funnel.quoted, funnel.accepted, funnel.paid] }],
      },
    },
    {
      table: "quotes-outstanding",
      title: "Quotes awaiting the customer, by age",
      summary: `${outstanding} quotes worth ${formatPence(outstandingPence)} await an answer now.`,
      spec: {
        kind: "bar",
        categories: report.quotesOutstanding.map((b) => b.band),
        series: [{ name: "Quotes", values: report.quotesOutstanding.map((b) => b.quotes) }],
      },
    },
    {
      table: "visits-by-engineer",
      title: "Visits by engineer",
      summary: report.visitsByEngineer.map((e) => `${e.engineer} ${e.visits}`).join(", ") || "No visits in the range.",
      spec: {
        kind: "bar",
        horizontal: true,
        stacked: true,
        categories: report.visitsByEngineer.map((e) => e.engineer),
        series: [
          { name: "Done", values: report.visitsByEngineer.map((e) => e.done) },
          { name: "No access", values: report.visitsByEngineer.map((e) => e.noAccess) },
          { name: "Not finished yet", values: report.visitsByEngineer.map((e) => e.open) },
        ],
      },
    },
  ];
}

export function moneyCharts(report: MoneyReport): ReportChart[] {
  const sum = (key: "quotedPence" | "acceptedPence" | "paidPence") => report.byWeek.reduce((n, w) => n + w[key], 0);
  const moneySeries = (periods: MoneyReport["byWeek"]) => [
    { name: "Quoted", values: periods.map((p) => pounds(p.quotedPence)) },
    { name: "Accepted", values: periods.map((p) => pounds(p.acceptedPence)) },
    { name: "Paid", values: periods.map((p) => pounds(p.paidPence)) },
  ];
  const vat = report.vatByQuarter.reduce((n, q) => n + q.vatPence, 0);
  return [
    {
      table: "by-week",
      title: "Money by week",
      summary: `Quoted ${formatPence(sum("quotedPence"))}, accepted ${formatPence(sum("acceptedPence"))}, paid ${formatPence(sum("paidPence"))}.`,
      spec: {
        kind: "bar",
        money: true,
        categories: report.byWeek.map((w) => dayLabel(w.start)),
        series: moneySeries(report.byWeek),
      },
    },
    {
      table: "by-month",
      title: "Money by month",
      summary: report.byMonth
        .map((m) => `${monthLabel.format(new Date(`${m.start}T12:00:00Z`))}: paid ${formatPence(m.paidPence)}`)
        .join("; "),
      spec: {
        kind: "bar",
        money: true,
        categories: report.byMonth.map((m) => monthLabel.format(new Date(`${m.start}T12:00:00Z`))),
        series: moneySeries(report.byMonth),
      },
    },
    {
      table: "vat-by-quarter",
      title: "VAT invoiced by VAT quarter",
      summary: `${formatPence(vat)} VAT on invoices issued in the range.`,
      spec: {
        kind: "bar",
        money: true,
        categories: report.vatByQuarter.map((q) => `from ${dayLabel(q.quarter)}`),
        series: [{ name: "VAT", values: report.vatByQuarter.map((q) => pounds(q.vatPence)) }],
      },
    },
  ];
}
