import type { TradeCategory } from "../issues.ts";
import { DEFAULT_VISIT_MINUTES, holdsTime, type Visit } from "./appointments.ts";
import type { Engineer } from "./engineers.ts";
import { addLondonDays, londonInstant, londonWallTime } from "./london-clock.ts";
import { checkBooking, travelShortfall } from "./rules.ts";
import { travelMinutes } from "./travel.ts";

/** What the caller needs: a trade, a site, how many offers and how long a visit. */
export interface SlotRequest {
  trade: TradeCategory;
  postcode: string | null;
  /** Offers start no earlier than this (now). */
  from: Date;
  count: number;
  durationMinutes?: number;
  /** How far ahead to look, London calendar days including today. */
  days?: number;
  /** Offers start on these boundaries of the London clock, minutes. */
  stepMinutes?: number;
}

/** One bookable offer. */
export interface Slot {
  engineerId: string;
  engineerName: string;
  startsAt: Date;
  endsAt: Date;
  /** The estimate from the engineer's home to the site, which ranks engineers. */
  travelFromHomeMinutes: number;
}

export const SLOT_SEARCH_DAYS = 14;
const STEP_MINUTES = 30;

/**
 * The next `count` free slots for a trade near a postcode: day by day over the coming two weeks,
 * and within a day the nearest engineers (by travel from home) first, each offering their
 * earliest start that passes every booking rule (hours, visits already booked, travel between
 * them). One offer an engineer a day, so three offers are three choices, not one afternoon cut
 * in half-hours.
 * @example nextFreeSlots({ trade: "plumbing", postcode: "LS6 2QR", from: now, count: 3 }, engineers, visits)
 */
export function nextFreeSlots(request: SlotRequest, engineers: readonly Engineer[], visits: readonly Visit[]): Slot[] {
  const duration = (request.durationMinutes ?? DEFAULT_VISIT_MINUTES) * 60_000;
  const step = request.stepMinutes ?? STEP_MINUTES;
  const ranked = engineers
    .filter((e) => e.trades.includes(request.trade))
    .map((engineer) => ({ engineer, travel: travelMinutes(engineer.homePostcode, request.postcode) }))
    .sort(
      (a, b) =>
        a.travel - b.travel || (a.engineer.name ?? a.engineer.email).localeCompare(b.engineer.name ?? b.engineer.email),
    );
  // The rules look at one London day at a time (overlap and travel), so each engineer's day is
  // checked against that day's visits only.
  const visitsOn = new Map<string, Visit[]>();
  for (const visit of visits) {
    const key = `${visit.engineerId} ${londonWallTime(visit.startsAt).date}`;
    const list = visitsOn.get(key);
    if (list) list.push(visit);
    else visitsOn.set(key, [visit]);
  }

  const slots: Slot[] = [];
  const today = londonWallTime(request.from).date;
  for (let offset = 0; offset < (request.days ?? SLOT_SEARCH_DAYS) && slots.length < request.count; offset++) {
    const date = addLondonDays(today, offset);
    const weekday = (new Date(`${date}T12:00:00Z`).getUTCDay() + 6) % 7;
    for (const { engineer, travel } of ranked) {
      if (slots.length >= request.count) break;
      const day = engineer.hours[weekday];
      if (!day) continue;
      const own = visitsOn.get(`${engineer.userId} ${date}`) ?? [];
      for (let minutes = Math.ceil(day.start / step) * step; minutes + duration / 60_000 <= day.end; minutes += step) {
        const startsAt = londonInstant(date, minutes);
        if (startsAt < request.from) continue;
        const endsAt = new Date(startsAt.getTime() + duration);
        // A quick look for a clash first: it skips to the end of that visit without building the
        // refusal's words, which is most of the cost on a full calendar.
        const clash = own.find((v) => holdsTime(v.status) && v.startsAt < endsAt && startsAt < v.endsAt);
        if (clash) {
          const end = londonWallTime(clash.endsAt);
          if (end.date !== date) break;
          minutes = Math.max(minutes, Math.ceil(end.minutes / step) * step - step);
          continue;
        }
        const candidate = { engineer, trade: request.trade, startsAt, endsAt, postcode: request.postcode };
        if (travelShortfall(own, candidate) || !checkBooking(candidate, own, request.from).ok) continue;
        slots.push({
          engineerId: engineer.userId,
          engineerName: engineer.name ?? engineer.email,
          startsAt,
          endsAt,
          travelFromHomeMinutes: travel,
        });
        break;
      }
    }
  }
  return slots;
}
