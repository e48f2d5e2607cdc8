import type { ChannelEvent, LiveChannel, LiveEvent, LiveEvents } from "../../ports/live-events.ts";

/**
 * Live events inside this process. Each channel remembers its last `keep` events so a viewer
 * that reconnects (SSE Last-Event-ID) gets what it missed; idle channels are forgotten.
 */
export function createInProcessLiveEvents(options: { keep?: number; forgetAfterMs?: number } = {}): LiveEvents {
  const keep = options.keep ?? 500;
  const forgetAfterMs = options.forgetAfterMs ?? 30 * 60_000;
  const channels = new Map<string, Channel>();

  const channelFor = (definition: LiveChannel<ChannelEvent>) => {
    let channel = channels.get(definition.name);
    if (!channel) {
      channel = { lastId: 0, recent: [], forgotten: 0, latest: new Map(), listeners: new Set(), touchedAt: Date.now() };
      channels.set(definition.name, channel);
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
    async publish(definition, published) {
      const channel = channelFor(definition);
      const event = { ...published, channel: definition.name, id: ++channel.lastId };
      const retention = definition.retention[event.type];
      if (retention !== "transient") {
        if (retention === "latest") {
          // The one it replaces is no loss to a viewer catching up: this event carries the same state, newer.
          const replaced = channel.latest.get(event.type);
          const at = replaced ? channel.recent.lastIndexOf(replaced) : -1;
          if (at >= 0) channel.recent.splice(at, 1);
          channel.latest.set(event.type, event);
        }
        channel.recent.push(event);
        if (channel.recent.length > keep) {
          const dropped = channel.recent.splice(0, channel.recent.length - keep);
          channel.forgotten = dropped.at(-1)!.id;
          for (const old of dropped) if (channel.latest.get(old.type) === old) channel.latest.delete(old.type);
        }
      }
      for (const listener of channel.listeners) listener(event);
      return event;
    },
    subscribe(definition, afterId, listener) {
      const channel = channelFor(definition);
      // One name, one event union (the port's rule): every event kept or published under this name carries E.
      const deliver = listener as (event: LiveEvent) => void;
      // An id from before a restart (higher than any we have) cannot be resumed from.
      let replayed = afterId === null || afterId <= channel.lastId;
      if (afterId !== null && afterId < channel.lastId) {
        replayed = afterId >= channel.forgotten;
        for (const event of channel.recent) if (event.id > afterId) deliver(event);
      }
      channel.listeners.add(deliver);
      return {
        replayed,
        unsubscribe: () => {
          channel.listeners.delete(deliver);
          channel.touchedAt = Date.now();
        },
      };
    },
    lastId: (definition) => channels.get(definition.name)?.lastId ?? 0,
  };
}

/**
 * One channel's memory. `forgotten`: the newest id dropped from `recent` to keep it short; a
 * viewer behind it cannot catch up. `latest`: per type kept as `latest`, the one such event still in `recent`.
 */
interface Channel {
  lastId: number;
  recent: LiveEvent[];
  forgotten: number;
  latest: Map<string, LiveEvent>;
  listeners: Set<(e: LiveEvent) => void>;
  touchedAt: number;
}
