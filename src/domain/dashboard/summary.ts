import type { LiveEvents } from "../../ports/live-events.ts";
import { DASHBOARD_CHANNEL } from "./channel.ts";
import {
  DASHBOARD_PARTS,
  periodOf,
  readPart,
  snapshotOf,
  type DashboardPart,
  type DashboardParts,
  type DashboardReads,
  type DashboardSource,
} from "./figures.ts";

/** The dashboard kept between loads: read once, re-read when its data changes. */
export interface DashboardSummary extends DashboardSource {
  /** Data behind these parts changed here: re-read them before they are next shown, and tell the other instances. */
  touched(parts: readonly DashboardPart[]): void;
  /** Stops listening to the other instances. */
  close(): void;
}

/** Each part is re-read at least this often anyway, in case a change was missed (a dropped LISTEN connection). */
export const DASHBOARD_MAX_AGE_MS = 30_000;

/** One part: the figures kept, and the read under way. */
interface Slot<T> {
  /** Bumped by every change to the part's data: what was read before it is no answer after it. */
  generation: number;
  kept: { value: T; period: string; generation: number; readAt: number } | null;
  reading: { promise: Promise<T>; period: string; generation: number } | null;
  /** Changed again while a read was under way: read once more when it ends. */
  again: boolean;
}

/** A dashboard loaded this recently is being watched: a change is re-read at once, before the next load asks. */
const WATCHED_MS = 60_000;

/**
 * The dashboard's figures as a read model kept current by events, not read per load. Each part
 * (./figures.ts) is read from the database once and kept until a change to its data: this
 * instance's repository writes (`touched`, wired in src/compose/dashboard.ts) and the other
 * instances' (the dashboard channel: LISTEN/NOTIFY on PostgreSQL). A load after a change waits
 * for one fresh read, which every load meanwhile shares; a read that started before a change
 * is never kept as current; while the dashboard is watched (loaded in the last minute) a change
 * is re-read at once, one read at a time per part. A new London day, week or month re-reads the
 * parts counted from it. Every `maxAgeMs` a part is re-read in the background (loads keep the figures they have).
 * @example const summary = createDashboardSummary({ reads: repos, liveEvents, instanceId, now });
 */
export function createDashboardSummary(deps: {
  reads: DashboardReads;
  liveEvents: LiveEvents;
  /** Names this instance on the channel, to ignore its own events. */
  instanceId: string;
  now: () => Date;
  maxAgeMs?: number;
  log?: { warn(details: object, message: string): void };
}): DashboardSummary {
  const maxAgeMs = deps.maxAgeMs ?? DASHBOARD_MAX_AGE_MS;
  const slots = Object.fromEntries(
    DASHBOARD_PARTS.map((part) => [part, { generation: 0, kept: null, reading: null, again: false }]),
  ) as { [P in DashboardPart]: Slot<DashboardParts[P]> };

  const warn = (part: DashboardPart) => (error: unknown) =>
    deps.log?.warn({ err: error instanceof Error ? error.message : String(error), part }, "dashboard re-read failed");

  let lastLoadAt = Number.NEGATIVE_INFINITY;
  const stale = (parts: readonly DashboardPart[]) => {
    for (const part of parts) slots[part].generation++;
    // While someone watches, the re-read starts now, so the load that follows waits less or not at all.
    if (deps.now().getTime() - lastLoadAt < WATCHED_MS) for (const part of parts) readSoon(part);
  };

  /** One read at a time per part: changes that land during it are read once, after it. */
  function readSoon(part: DashboardPart) {
    const slot = slots[part];
    if (slot.reading) {
      slot.again = true;
      return;
    }
    const at = deps.now();
    readNow(part, at, periodOf(part, at)).catch(warn(part));
  }

  function readNow<P extends DashboardPart>(part: P, at: Date, period: string): Promise<DashboardParts[P]> {
    const slot = slots[part] as Slot<DashboardParts[P]>;
    const { reading } = slot;
    if (reading && reading.period === period && reading.generation === slot.generation) return reading.promise;
    const generation = slot.generation;
    const readAt = deps.now().getTime();
    const promise = readPart[part](deps.reads, at).then((value) => {
      const kept = slot.kept;
      if (!kept || generation > kept.generation || (generation === kept.generation && readAt >= kept.readAt))
        slot.kept = { value, period, generation, readAt };
      return value;
    });
    const done = () => {
      if (slot.reading?.promise !== promise) return;
      slot.reading = null;
      if (slot.again) {
        slot.again = false;
        if (slot.kept?.generation !== slot.generation) readSoon(part);
      }
    };
    promise.then(done, done);
    slot.reading = { promise, period, generation };
    return promise;
  }

  function partAt<P extends DashboardPart>(part: P, at: Date): Promise<DashboardParts[P]> {
    const slot = slots[part] as Slot<DashboardParts[P]>;
    const period = periodOf(part, at);
    const kept = slot.kept;
    if (!kept || kept.period !== period || kept.generation !== slot.generation) return readNow(part, at, period);
    if (at.getTime() - kept.readAt >= maxAgeMs && !slot.reading) readNow(part, at, period).catch(warn(part));
    return Promise.resolve(kept.value);
  }

  // Coalesced: one event at a time leaves this instance, naming every part touched since the
  // last one left. Each touch is covered by an event sent after it, so no other instance misses it.
  const unsent = new Set<DashboardPart>();
  let sending = false;
  const send = async () => {
    sending = true;
    try {
      while (unsent.size > 0) {
        const parts = [...unsent];
        unsent.clear();
        await deps.liveEvents
          .publish(DASHBOARD_CHANNEL, { type: "stale", data: { parts, by: deps.instanceId } })
          .catch((error: unknown) =>
            deps.log?.warn(
              { err: error instanceof Error ? error.message : String(error) },
              "dashboard change not sent",
            ),
          );
      }
    } finally {
      sending = false;
    }
  };

  const subscription = deps.liveEvents.subscribe(DASHBOARD_CHANNEL, null, (event) => {
    if (event.data.by !== deps.instanceId) stale(event.data.parts);
  });

  return {
    async read(at) {
      lastLoadAt = at.getTime();
      const [calls, leads, issues, money] = await Promise.all([
        partAt("calls", at),
        partAt("leads", at),
        partAt("issues", at),
        partAt("money", at),
      ]);
      return snapshotOf({ calls, leads, issues, money });
    },
    touched(parts) {
      if (parts.length === 0) return;
      stale(parts);
      for (const part of parts) unsent.add(part);
      if (!sending) void send();
    },
    close: () => subscription.unsubscribe(),
  };
}
