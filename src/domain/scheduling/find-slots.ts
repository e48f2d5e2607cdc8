import type { Appointments, Engineers } from "../../ports/scheduling.ts";
import { nextFreeSlots, SLOT_SEARCH_DAYS, type Slot, type SlotRequest } from "./free-slots.ts";

/**
 * The next free slots from what is stored: the active engineers and every visit in the search
 * window (a day more at the end, so travel to a next-day visit is not missed).
 * @example await findFreeSlots(repos, { trade: "plumbing", postcode: "LS6 1AB", from: now, count: 3 })
 */
export async function findFreeSlots(
  deps: { engineers: Engineers; appointments: Appointments },
  request: SlotRequest,
): Promise<Slot[]> {
  const days = request.days ?? SLOT_SEARCH_DAYS;
  const engineers = (await deps.engineers.active()).filter((e) => e.trades.includes(request.trade));
  if (engineers.length === 0) return [];
  const visits = await deps.appointments.visits({
    from: new Date(request.from.getTime() - 86_400_000),
    to: new Date(request.from.getTime() + (days + 1) * 86_400_000),
    engineerIds: engineers.map((e) => e.userId),
  });
  return nextFreeSlots(request, engineers, visits);
}
