import { percent, type CallsReport, type JobsReport, type MoneyReport, type Spread } from "./figures.ts";

/**
 * Every figure a report page shows, as tables: the page's text alternative to its charts, and
 * what its CSV links download. One home, so the page and the CSV never disagree.
 */
export type ColumnKind = "text" | "count" | "pence" | "percent" | "number";
export interface ReportTable {
  /** The CSV's file name without ".csv": /reports/<page>/<id>.csv */
  id: string;
  caption: string;
  columns: { label: string; kind: ColumnKind }[];
  /** Pence as integers, percentages as numbers; null where there is nothing to show. */
  rows: (string | number | null)[][];
}

const WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
export const weekdayName = (isoWeekday: number) => WEEKDAYS[isoWeekday - 1] ?? String(isoWeekday);

/** Where a lead first reached us, in the words of the page ("phone" is a call). */
export const CHANNEL_WORDS: Record<string, string> = {
  phone: "Call",
  whatsapp: "WhatsApp",
  sms: "SMS",
  web: "Web",
  manual: "Added by staff",
};
export const words = (value: string) => {
  const spaced = value.replaceAll("_", " ").replaceAll("-", " ");
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
};

const figureTable = (id: string, caption: string, rows: [string, number | null][]): ReportTable => ({
  id,
  caption,
  columns: [
    { label: "Figure", kind: "text" },
    { label: "Value", kind: "number" },
  ],
  rows: rows.map(([label, value]) => [label, value]),
});

const spreadRow = (label: string, spread: Spread) => [label, spread.count, spread.median, spread.p90];

export function callsTables(report: CallsReport): ReportTable[] {
  const { totals, recovery, emergencies } = report;
  return [
    figureTable("summary", "Calls in the range", [
      ["Inbound calls", totals.inbound],
      ["Answered", totals.answered],
      ["Missed", totals.missed],
      ["Missed rate (%)", percent(totals.missed, totals.inbound)],
      ["Outbound calls", totals.outbound],
    ]),
    {
      id: "by-day",
      caption: "Inbound calls by day",
      columns: [
        { label: "Day", kind: "text" },
        { label: "Answered", kind: "count" },
        { label: "Missed", kind: "count" },
        { label: "Other (failed, still open)", kind: "count" },
        { label: "Total", kind: "count" },
      ],
      rows: report.byDay.map((d) => [d.day, d.answered, d.missed, d.other, d.answered + d.missed + d.other]),
    },
    {
      id: "by-hour",
      caption: "Inbound calls by hour of the week (London time; hours without calls left out)",
      columns: [
        { label: "Weekday", kind: "text" },
        { label: "Hour", kind: "text" },
        { label: "Calls", kind: "count" },
      ],
      rows: report.byHour.map((h) => [weekdayName(h.weekday), `${String(h.hour).padStart(2, "0")}:00`, h.calls]),
    },
    {
      id: "answer-and-length",
      caption: "Time to answer and call length (answered inbound calls, seconds)",
      columns: [
        { label: "Measure", kind: "text" },
        { label: "Calls", kind: "count" },
        { label: "Median (s)", kind: "number" },
        { label: "90th percentile (s)", kind: "number" },
      ],
      rows: [spreadRow("Time to answer", report.timeToAnswer), spreadRow("Call length", report.length)],
    },
    {
      id: "length-bands",
      caption: "Answered calls by length",
      columns: [
        { label: "Length", kind: "text" },
        { label: "Calls", kind: "count" },
      ],
      rows: report.lengthBands.map((b) => [b.band, b.calls]),
    },
    figureTable("missed-recovered", "Missed calls called or messaged back by staff within 7 days", [
      ["Missed calls", recovery.missed],
      ["Recovered", recovery.recovered],
      ["Recovered (%)", percent(recovery.recovered, recovery.missed)],
      ["Called back", recovery.calledBack],
      ["Messaged back", recovery.messagedBack],
      ["Minutes to recover, median", recovery.minutes.median],
      ["Minutes to recover, 90th percentile", recovery.minutes.p90],
    ]),
    {
      id: "trade-urgency",
      caption: "Inbound calls by the trade and urgency of their job",
      columns: [
        { label: "Trade", kind: "text" },
        { label: "Urgency", kind: "text" },
        { label: "Calls", kind: "count" },
      ],
      rows: report.byTradeAndUrgency.map((r) => [words(r.trade), words(r.urgency), r.calls]),
    },
    figureTable("emergencies", "Emergency calls and how fast a visit was booked", [
      ["Emergency calls", emergencies.calls],
      ["With a visit booked", emergencies.withVisit],
      ["Minutes to booking, median", emergencies.minutesToBooking.median],
      ["Minutes to booking, 90th percentile", emergencies.minutesToBooking.p90],
    ]),
  ];
}

export function jobsTables(report: JobsReport): ReportTable[] {
  const { funnel, firstVisit } = report;
  const stage = (label: string, n: number) => [label, n, percent(n, funnel.leads)];
  return [
    {
      id: "leads-by-segment",
      caption: "New leads by segment",
      columns: [
        { label: "Segment", kind: "text" },
        { label: "Leads", kind: "count" },
      ],
      rows: report.bySegment.map((r) => [words(r.segment), r.leads]),
    },
    {
      id: "leads-by-channel",
      caption: "New leads by first channel",
      columns: [
        { label: "Channel", kind: "text" },
        { label: "Leads", kind: "count" },
      ],
      rows: report.byChannel.map((r) => [CHANNEL_WORDS[r.channel] ?? words(r.channel), r.leads]),
    },
    {
      id: "conversion",
      caption: "New leads in the range, and how far they have got by now",
      columns: [
        { label: "Stage", kind: "text" },
        { label: "Leads", kind: "count" },
        { label: "Of first contacts (%)", kind: "percent" },
      ],
      rows: [
        stage("First contact", funnel.leads),
        stage("Sent a quote", funnel.quoted),
        stage("Accepted a quote", funnel.accepted),
        stage("Paid (a deposit counts)", funnel.paid),
      ],
    },
    {
      id: "time-to",
      caption: "Hours from first contact to the first quote sent, the first visit and the first payment",
      columns: [
        { label: "From first contact to", kind: "text" },
        { label: "Leads", kind: "count" },
        { label: "Median (h)", kind: "number" },
        { label: "90th percentile (h)", kind: "number" },
      ],
      rows: [
        spreadRow("Quote", report.hoursToQuote),
        spreadRow("Visit", report.hoursToVisit),
        spreadRow("Payment", report.hoursToPayment),
      ],
    },
    {
      id: "quotes-outstanding",
      caption: "Quotes awaiting the customer now, by age",
      columns: [
        { label: "Age", kind: "text" },
        { label: "Quotes", kind: "count" },
        { label: "Value (£)", kind: "pence" },
      ],
      rows: report.quotesOutstanding.map((r) => [r.band, r.quotes, r.pence]),
    },
    {
      id: "visits-by-engineer",
      caption: "Visits in the range by engineer (cancelled visits left out)",
      columns: [
        { label: "Engineer", kind: "text" },
        { label: "Visits", kind: "count" },
        { label: "Done", kind: "count" },
        { label: "No access", kind: "count" },
        { label: "Not finished yet", kind: "count" },
      ],
      rows: report.visitsByEngineer.map((r) => [r.engineer, r.visits, r.done, r.noAccess, r.open]),
    },
    figureTable("first-visit", "Jobs whose first visit in the range is finished: fixed on it or not", [
      ["Jobs", firstVisit.jobs],
      ["Fixed on the first visit", firstVisit.fixed],
      ["First-visit fix rate (%)", percent(firstVisit.fixed, firstVisit.jobs)],
      ["No access", firstVisit.noAccess],
      ["Needed a return visit", firstVisit.returned],
    ]),
  ];
}

const moneyColumns = (first: string) => [
  { label: first, kind: "text" as const },
  { label: "Quoted (£)", kind: "pence" as const },
  { label: "Accepted (£)", kind: "pence" as const },
  { label: "Paid (£)", kind: "pence" as const },
];

export function moneyTables(report: MoneyReport): ReportTable[] {
  const { deposits, balances, unpaidAccepted } = report.outstanding;
  return [
    {
      id: "by-week",
      caption: "Quoted, accepted and paid by week (weeks start on Monday)",
      columns: moneyColumns("Week starting"),
      rows: report.byWeek.map((p) => [p.start, p.quotedPence, p.acceptedPence, p.paidPence]),
    },
    {
      id: "by-month",
      caption: "Quoted, accepted and paid by month",
      columns: moneyColumns("Month"),
      rows: report.byMonth.map((p) => [p.start.slice(0, 7), p.quotedPence, p.acceptedPence, p.paidPence]),
    },
    {
      id: "outstanding",
      caption: "Owed to us now",
      columns: [
        { label: "What", kind: "text" },
        { label: "Quotes", kind: "count" },
        { label: "Amount (£)", kind: "pence" },
      ],
      rows: [
        ["Deposits asked for, not paid", deposits.quotes, deposits.pence],
        ["Balances after a deposit", balances.quotes, balances.pence],
        ["Accepted, nothing paid (no deposit asked)", unpaidAccepted.quotes, unpaidAccepted.pence],
      ],
    },
    {
      id: "vat-by-quarter",
      caption: "VAT invoiced by VAT quarter (invoices issued in the range)",
      columns: [
        { label: "Quarter starting", kind: "text" },
        { label: "Invoices", kind: "count" },
        { label: "Net (£)", kind: "pence" },
        { label: "VAT (£)", kind: "pence" },
        { label: "Total (£)", kind: "pence" },
      ],
      rows: report.vatByQuarter.map((q) => [q.quarter, q.invoices, q.netPence, q.vatPence, q.totalPence]),
    },
  ];
}

/**
 * A cell as a CSV writes it: pounds with two decimals for pence, plain numbers, empty for none.
 * Text that a spreadsheet would run as a formula (an engineer named "=HYPERLINK(…)") is written
 * with a leading apostrophe, as OWASP advises for CSV exports.
 */
export function csvCell(value: string | number | null, kind: ColumnKind): string {
  if (value === null) return "";
  if (kind === "pence" && typeof value === "number") return (value / 100).toFixed(2);
  if (typeof value === "string" && /^[=+\-@\t\r]/.test(value)) return `'${value}`;
  return String(value);
}
