import type { LiveEvents } from "../../ports/live-events.ts";
import { startOfLondonDay } from "../london-time.ts";
import { DASHBOARD_CHANNEL } from "./channel.ts";
import type { Touched } from "./touches.ts";
import {
  DASHBOARD_PARTS,
  periodOf,
  readPart,
  snapshotOf,
  type DashboardPart,
  type DashboardParts,
  type DashboardReads,
  type DashboardSnapshot,
  type DashboardSource,
} from "./figures.ts";

/** The dashboard kept between loads: read once, re-read when its data changes. */
export interface DashboardSummary extends DashboardSource {
  /**
   * Data behind these parts (or these rows, where shown) changed here: re-read what it changed
   * before it is next shown, and tell the other instances.
   */
  touched(changes: readonly Touched[]): void;
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

/** Rows named in one event at most; past it the event names their whole parts (NOTIFY payloads stay small). */
const MAX_ROWS_SENT = 64;

/** Where a call or a lead shows on the dashboard: a change to it re-reads these parts if they show it. */
const SHOWN_IN: {
  call: (id: string) => { [P in DashboardPart]?: (value: DashboardParts[P]) => boolean };
  lead: (id: string) => { [P in DashboardPart]?: (value: DashboardParts[P]) => boolean };
} = {
  call: (id) => ({
    calls: (v) => v.recentCalls.some((c) => c.id === id) || v.callersToCheck.some((c) => c.id === id),
  }),
  lead: (id) => ({
    calls: (v) => v.recentCalls.some((c) => c.leadId === id) || v.callersToCheck.some((c) => c.leadId === id),
    issues: (v) => v.openIssues.some((i) => i.leadId === id),
  }),
};

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

  /**
   * Rows changed that show only where listed: a part is re-read if its current figures list one,
   * or if a read of it is under way (it began before the write committed, and may list it). Kept
   * figures that list none stay right: the change cannot add a row, and whatever is read next
   * is read after the write.
   */
  const rowsChanged = (kind: "call" | "lead", ids: readonly string[]) => {
    const affected = new Set<DashboardPart>();
    for (const id of ids)
      for (const [part, shows] of Object.entries(SHOWN_IN[kind](id)) as [DashboardPart, (v: unknown) => boolean][]) {
        const slot = slots[part] as Slot<unknown>;
        const current = slot.kept !== null && slot.kept.generation === slot.generation;
        if (slot.reading || (current && shows(slot.kept!.value))) affected.add(part);
      }
    if (affected.size > 0) stale([...affected]);
  };

  const changed = (parts: readonly DashboardPart[], calls: readonly string[], leads: readonly string[]) => {
    if (parts.length > 0) stale(parts);
    if (calls.length > 0) rowsChanged("call", calls);
    if (leads.length > 0) rowsChanged("lead", leads);
  };

  /** One read at a time per part: changes that land during it are read once, after it. */
  function readSoon(part: DashboardPart) {
    const slot = slots[part];
    if (slot.reading) {
      slot.again = true;
      return;
    }
    const at = deps.now();
    readNow(part, at, periodAt(part, at)).catch(warn(part));
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

  // The periods of the London day a load falls in, worked out once a day: working them out per
  // load (Intl's formatting, six times) was a tenth of a kept load's CPU.
  let day: { from: number; until: number; periods: Record<DashboardPart, string> } | null = null;
  const periodAt = (part: DashboardPart, at: Date) => {
    const t = at.getTime();
    if (!day || t < day.from || t >= day.until) {
      const from = startOfLondonDay(at).getTime();
      // 26 hours on from a London midnight is always within the next London day (23 to 25 hours long).
      const until = startOfLondonDay(new Date(from + 26 * 3600_000)).getTime();
      const periods = Object.fromEntries(DASHBOARD_PARTS.map((p) => [p, periodOf(p, at)]));
      day = { from, until, periods: periods as Record<DashboardPart, string> };
    }
    return day.periods[part];
  };

  function partAt<P extends DashboardPart>(part: P, at: Date): Promise<DashboardParts[P]> {
    const slot = slots[part] as Slot<DashboardParts[P]>;
    const period = periodAt(part, at);
    const kept = slot.kept;
    if (!kept || kept.period !== period || kept.generation !== slot.generation) return readNow(part, at, period);
    if (at.getTime() - kept.readAt >= maxAgeMs && !slot.reading) readNow(part, at, period).catch(warn(part));
    return Promise.resolve(kept.value);
  }

  // Coalesced: one event at a time leaves this instance, naming every part (and row) touched since
  // the last one left. Each touch is covered by an event sent after it, so no other instance misses it.
  const unsent = new Set<DashboardPart>();
  const unsentCalls = new Set<string>();
  const unsentLeads = new Set<string>();
  let sending = false;
  /** What the next event says: too many rows become their whole parts; rows of a part named whole go. */
  const nextEvent = () => {
    if (unsentCalls.size > MAX_ROWS_SENT) unsent.add("calls");
    if (unsentLeads.size > MAX_ROWS_SENT) unsent.add("calls").add("issues");
    const parts = [...unsent];
    const calls = unsent.has("calls") ? [] : [...unsentCalls];
    const leads = unsent.has("calls") && unsent.has("issues") ? [] : [...unsentLeads];
    unsent.clear();
    unsentCalls.clear();
    unsentLeads.clear();
    return { parts, ...(calls.length ? { calls } : {}), ...(leads.length ? { leads } : {}), by: deps.instanceId };
  };
  const send = async () => {
    sending = true;
    try {
      while (unsent.size > 0 || unsentCalls.size > 0 || unsentLeads.size > 0) {
        await deps.liveEvents
          .publish(DASHBOARD_CHANNEL, { type: "stale", data: nextEvent() })
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
    const { parts, calls = [], leads = [], by } = event.data;
    if (by !== deps.instanceId) changed(parts, calls, leads);
  });

  // The same snapshot object while no part changed, so what is made of it (the rendered figures)
  // can be kept by it too.
  let last: { parts: DashboardParts; snapshot: DashboardSnapshot } | null = null;
  const snapshotFor = (parts: DashboardParts) => {
    if (!last || DASHBOARD_PARTS.some((part) => last!.parts[part] !== parts[part]))
      last = { parts, snapshot: snapshotOf(parts) };
    return last.snapshot;
  };

  return {
    async read(at) {
      lastLoadAt = at.getTime();
      const [calls, leads, issues, money] = await Promise.all([
        partAt("calls", at),
        partAt("leads", at),
        partAt("issues", at),
        partAt("money", at),
      ]);
      return snapshotFor({ calls, leads, issues, money });
    },
    touched(changes) {
      if (changes.length === 0) return;
      const parts: DashboardPart[] = [];
      const calls: string[] = [];
      const leads: string[] = [];
      for (const change of changes)
        if (typeof change === "string") parts.push(change);
        else if ("call" in change) calls.push(change.call);
        else leads.push(change.lead);
      changed(parts, calls, leads);
      for (const part of parts) unsent.add(part);
      for (const id of calls) unsentCalls.add(id);
      for (const id of leads) unsentLeads.add(id);
      if (!sending) void send();
    },
    close: () => subscription.unsubscribe(),
  };
}
