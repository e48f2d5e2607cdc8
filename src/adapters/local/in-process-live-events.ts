import type { LiveEvent, LiveEvents } from "../../ports/live-events.ts";

/**
 * Live events inside this process. Each channel remembers its last `keep` events so a viewer
 * that reconnects (SSE Last-Event-ID) gets what it missed; idle channels are forgotten.
 */
export function createInProcessLiveEvents(options: { keep?: number; forgetAfterMs?: number } = {}): LiveEvents {
  const keep = options.keep ?? 500;
  const forgetAfterMs = options.forgetAfterMs ?? 30 * 60_000;
  // `forgotten`: the newest id dropped from `recent` to keep it short; a viewer behind it cannot catch up.
  const channels = new Map<string, { lastId: number; recent: LiveEvent[]; forgotten: number; listeners: Set<(e: LiveEvent) => void>; touchedAt: number }>();

  const channelFor = (name: string) => {
    let channel = channels.get(name);
    if (!channel) {
      channel = { lastId: 0, recent: [], forgotten: 0, listeners: new Set(), touchedAt: Date.now() };
      channels.set(name, channel);
    }
    channel.touchedAt = Date.now();
    return channel;
  };

  const sweep = setInterval(() => {
    const cutoff = Date.now() - forgetAfterMs;
    for (const [name, channel] of channels) {
      if (channel.listeners.size === 0 && channel.touchedAt < cutoff) channels.delete(name);
    }
  }, 60_000);
  sweep.unref?.();

  return {
    async publish(name, type, data, options) {
      const channel = channelFor(name);
      const event = { channel: name, id: ++channel.lastId, type, data };
      if (!options?.transient) {
        channel.recent.push(event);
        if (channel.recent.length > keep) channel.forgotten = channel.recent.splice(0, channel.recent.length - keep).at(-1)!.id;
      }
      for (const listener of channel.listeners) listener(event);
      return event;
    },
    subscribe(name, afterId, listener) {
      const channel = channelFor(name);
      // An id from before a restart (higher than any we have) cannot be resumed from.
      let replayed = afterId === null || afterId <= channel.lastId;
      if (afterId !== null && afterId < channel.lastId) {
        replayed = afterId >= channel.forgotten;
        for (const event of channel.recent) if (event.id > afterId) listener(event);
      }
      channel.listeners.add(listener);
      return {
        replayed,
        unsubscribe: () => {
          channel.listeners.delete(listener);
          channel.touchedAt = Date.now();
        },
      };
    },
    lastId: (name) => channels.get(name)?.lastId ?? 0,
  };
}
