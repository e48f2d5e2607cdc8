import { engineerAdded, SCHEDULE_CHANNEL } from "../domain/scheduling/schedule-channel.ts";
import { STAFF_SESSIONS_CHANNEL } from "../domain/staff-sessions-channel.ts";
import type { Repositories } from "../ports/database.ts";
import type { LiveEvents } from "../ports/live-events.ts";
import type { TradeCalendars } from "../ports/scheduling.ts";

/**
 * How long an instance reuses a trade's calendars for the slot finder. Visit changes, engineers
 * added and accounts changed are heard at once (below); this bounds only what an instance missed
 * while its LISTEN connection was down, or a write made behind the app's back (straight SQL).
 * A slot offered from a stale read is still checked against the calendar as it stands when booked.
 */
export const TRADE_CALENDARS_CACHE_MS = 30_000;
/** Windows kept at most (a trade and a day each; a fortnight of three trades is 84). */
const MAX_ENTRIES = 500;

/**
 * The slot finder asks for a trade's engineers and visits whenever a live call's details change
 * and whenever a job's page opens; most asks within a day read the same London-day window. This
 * keeps each read for `ttlMs` on this instance and drops them all:
 * - when a visit is booked, moved, reassigned or changes status on this instance (the repository's
 *   writes are wrapped in place, so none can skip it), or an engineer is added or an account changed;
 * - when the `schedule` live channel says a visit changed or an engineer was added on any instance
 *   (an engineer added here, or by the command line composed alike, is announced there), or the
 *   `staff-sessions` channel says an account changed (renamed, disabled, its role changed).
 * A read that a change overtook is not kept. Returns the unsubscribe function.
 * @example cacheTradeCalendars({ repos, liveEvents })
 */
export function cacheTradeCalendars(deps: {
  repos: Pick<Repositories, "appointments" | "engineers" | "staffUsers">;
  liveEvents: LiveEvents;
  ttlMs?: number;
  /** A monotonic clock in ms (tests move it). */
  clock?: () => number;
}): () => void {
  const { repos, liveEvents } = deps;
  const ttl = deps.ttlMs ?? TRADE_CALENDARS_CACHE_MS;
  const clock = deps.clock ?? (() => performance.now());
  const kept = new Map<string, { read: Promise<TradeCalendars>; at: number }>();
  /** Rises with every change: a read started before one is not kept. */
  let generation = 0;
  const forget = () => {
    generation++;
    kept.clear();
  };
  const subscriptions = [
    liveEvents.subscribe(SCHEDULE_CHANNEL, null, forget),
    // Published by the session cache once an account's write commits (src/compose/staff-session-cache.ts).
    liveEvents.subscribe(STAFF_SESSIONS_CHANNEL, null, (event) => {
      if (event.type === "user-changed") forget();
    }),
  ];

  /** The method, followed by forgetting everything once it has finished (or failed). */
  const forgetting =
    <A extends unknown[], R>(method: (...args: A) => Promise<R>) =>
    (...args: A) =>
      method(...args).finally(forget);

  const { appointments, engineers, staffUsers } = repos;
  repos.appointments = {
    ...appointments,
    book: forgetting(appointments.book),
    setStatus: forgetting(appointments.setStatus),
    reschedule: forgetting(appointments.reschedule),
    tradeCalendars(trade, window) {
      const key = `${trade} ${window.from.getTime()} ${window.to.getTime()}`;
      const entry = kept.get(key);
      if (entry && clock() - entry.at < ttl) return entry.read;
      const startedAt = generation;
      const read = appointments.tradeCalendars(trade, window);
      // Asks arriving while it is read share it; a failed read or one a change overtook is not kept.
      kept.set(key, { read, at: clock() });
      if (kept.size > MAX_ENTRIES) kept.delete(kept.keys().next().value!);
      read.then(
        () => {
          if (generation !== startedAt && kept.get(key)?.read === read) kept.delete(key);
        },
        () => {
          if (kept.get(key)?.read === read) kept.delete(key);
        },
      );
      return read;
    },
  };
  repos.engineers = {
    ...engineers,
    async create(engineer) {
      const added = await forgetting(engineers.create)(engineer);
      await liveEvents.publish(SCHEDULE_CHANNEL, engineerAdded(added));
      return added;
    },
  };
  repos.staffUsers = { ...staffUsers, change: forgetting(staffUsers.change) };
  return () => {
    for (const subscription of subscriptions) subscription.unsubscribe();
  };
}
