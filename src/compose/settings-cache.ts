import { SETTINGS_CHANNEL } from "../domain/settings-channel.ts";
import type { Repositories } from "../ports/database.ts";
import type { LiveEvents } from "../ports/live-events.ts";
import type { Settings } from "../ports/settings.ts";

/** Backstop for a change whose announcement was missed (the LISTEN connection was down). */
const KEEP_MS = 60_000;

/**
 * Company settings read from a copy held per instance: the safety list is read on every live
 * extraction run, several times a second on a busy instance, and changes a few times a year.
 * A write goes to the database, then is announced on the settings channel, and every instance
 * (this one included) drops that key; a copy older than a minute is read again regardless.
 * Replaces `repos.settings` in place, so every holder of the repositories reads through it.
 */
export function cacheSettings(deps: { repos: Repositories; liveEvents: LiveEvents; now: () => number }): void {
  const inner = deps.repos.settings;
  const copies = new Map<string, { value: Promise<unknown>; readAt: number }>();
  deps.liveEvents.subscribe(SETTINGS_CHANNEL, null, (event) => copies.delete(event.data.key));
  const cached: Settings = {
    get<T>(key: string) {
      const copy = copies.get(key);
      if (copy && deps.now() - copy.readAt < KEEP_MS) return copy.value as Promise<T | null>;
      const value = inner.get<T>(key);
      copies.set(key, { value, readAt: deps.now() });
      // A failed read is not kept: the next caller asks the database again.
      value.catch(() => {
        if (copies.get(key)?.value === value) copies.delete(key);
      });
      return value;
    },
    async set(key, value, by) {
      try {
        await inner.set(key, value, by);
      } finally {
        copies.delete(key);
        await deps.liveEvents.publish(SETTINGS_CHANNEL, { type: "changed", data: { key } });
      }
    },
  };
  deps.repos.settings = cached;
}
