import type { Appointments } from "../../ports/scheduling.ts";
import { addLondonDays, londonInstant, londonWallTime } from "./london-clock.ts";
import { nextFreeSlots, SLOT_SEARCH_DAYS, type Slot, type SlotRequest } from "./free-slots.ts";

/** Most requests are answered within the first few days (four: a weekend and the Monday after): read those visits first. */
const FIRST_LOOK_DAYS = 4;

/**
 * The next free slots from what is stored: the active engineers with the trade and their visits
 * (one read), for the first few days and, only when those do not hold enough slots, for the
 * rest of the search window (a second read of those days only). Each read covers just the London
 * days searched: the finder checks a day against the visits starting that day and no others.
 * @example await findFreeSlots(repos, { trade: "plumbing", postcode: "LS6 1AB", from: now, count: 3 })
 */
export async function findFreeSlots(
  deps: { appointments: Pick<Appointments, "tradeCalendars"> },
  request: SlotRequest,
): Promise<Slot[]> {
  const days = request.days ?? SLOT_SEARCH_DAYS;
  const today = londonWallTime(request.from).date;
  // Whole London days, so asks within a day read the same window (an instance may keep it: src/compose/trade-calendars-cache.ts).
  const calendarsFor = (firstDay: number, lastDay: number) =>
    deps.appointments.tradeCalendars(request.trade, {
      from: londonInstant(addLondonDays(today, firstDay), 0),
      to: londonInstant(addLondonDays(today, lastDay), 0),
    });
  if (days <= FIRST_LOOK_DAYS) {
    const { engineers, visits } = await calendarsFor(0, days);
    return nextFreeSlots(request, engineers, visits);
  }
  const { engineers, visits } = await calendarsFor(0, FIRST_LOOK_DAYS);
  if (engineers.length === 0) return [];
  const first = nextFreeSlots({ ...request, days: FIRST_LOOK_DAYS }, engineers, visits);
  if (first.length >= request.count) return first;
  // The finder goes day by day, so the days after the first look continue its list: only those
  // are read again (a second read of the whole fortnight was the slowest asks' cost), and
  // searched from their first London midnight, which is later than `from`.
  const rest = await calendarsFor(FIRST_LOOK_DAYS, days);
  const after = nextFreeSlots(
    {
      ...request,
      from: londonInstant(addLondonDays(today, FIRST_LOOK_DAYS), 0),
      days: days - FIRST_LOOK_DAYS,
      count: request.count - first.length,
    },
    rest.engineers,
    rest.visits,
  );
  return [...first, ...after];
}
