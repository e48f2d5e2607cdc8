import type { Pence } from "../money.ts";

/**
 * What the report pages show, as the database computed it (src/ports/reports.ts). Durations are
 * whole seconds or minutes as named; a median or percentile with nothing to measure is null.
 */

/** The middle and the 90th percentile of a set of durations, and how many there were. */
export interface Spread {
  count: number;
  median: number | null;
  p90: number | null;
}

export interface CallsReport {
  /** Inbound calls a London day, every day of the range (zeros included). */
  byDay: { day: string; answered: number; missed: number; other: number }[];
  /** Inbound calls by London weekday (1 = Monday … 7 = Sunday) and hour (0–23); only non-zero cells. */
  byHour: { weekday: number; hour: number; calls: number }[];
  totals: { inbound: number; answered: number; missed: number; outbound: number };
  /** Ringing to answered, seconds (answered inbound calls). */
  timeToAnswer: Spread;
  /** Answered inbound calls' length, seconds. */
  length: Spread;
  lengthBands: { band: string; calls: number }[];
  /** Missed calls later called back or messaged by staff (within RECOVERY_DAYS), minutes to the first. */
  recovery: { missed: number; recovered: number; calledBack: number; messagedBack: number; minutes: Spread };
  /** Inbound calls by the trade and urgency of the job they were filed under ("not filed" when none). */
  byTradeAndUrgency: { trade: string; urgency: string; calls: number }[];
  /** Calls flagged as emergencies, and minutes from the call to a visit booked for its job. */
  emergencies: { calls: number; withVisit: number; minutesToBooking: Spread };
}

/** A missed call counts as recovered when staff call or message back within this many days. */
export const RECOVERY_DAYS = 7;

export interface JobsReport {
  /** Leads first in touch within the range. */
  bySegment: { segment: string; leads: number }[];
  byChannel: { channel: string; leads: number }[];
  /** Of those leads: how many were sent a quote, accepted one, and paid (by now). */
  funnel: { leads: number; quoted: number; accepted: number; paid: number };
  /** Hours from first contact to the first quote sent, first visit, first payment (same leads). */
  hoursToQuote: Spread;
  hoursToVisit: Spread;
  hoursToPayment: Spread;
  /** Quotes sent and not yet answered, as of now, by age. */
  quotesOutstanding: { band: string; quotes: number; pence: Pence }[];
  /** Visits in the range by engineer (cancelled ones left out). */
  visitsByEngineer: { engineer: string; visits: number; done: number; noAccess: number; open: number }[];
  /** Jobs whose first visit fell in the range and is finished: fixed on it (done, no later visit) or not. */
  firstVisit: { jobs: number; fixed: number; noAccess: number; returned: number };
}

export interface MoneyPeriod {
  /** First London day of the week (Monday) or month. */
  start: string;
  quotedPence: Pence;
  acceptedPence: Pence;
  paidPence: Pence;
}

export interface MoneyReport {
  byWeek: MoneyPeriod[];
  byMonth: MoneyPeriod[];
  /** As of now: deposits asked for and not paid, balances left after a deposit, accepted quotes not paid at all. */
  outstanding: {
    deposits: { quotes: number; pence: Pence };
    balances: { quotes: number; pence: Pence };
    unpaidAccepted: { quotes: number; pence: Pence };
  };
  /** Invoices issued in the range by VAT quarter (first day), VAT as printed on them. */
  vatByQuarter: { quarter: string; invoices: number; netPence: Pence; vatPence: Pence; totalPence: Pence }[];
}

/** Per cent to one decimal place, or null when there is nothing to divide by. */
export const percent = (part: number, whole: number): number | null =>
  whole > 0 ? Math.round((part / whole) * 1000) / 10 : null;
