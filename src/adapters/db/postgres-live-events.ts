import postgres from "postgres";
import type { ChannelEvent, LiveChannel, LiveEvent, LiveEvents } from "../../ports/live-events.ts";

/** The one PostgreSQL notification channel every instance listens on; events name their live channel. */
export const NOTIFY_CHANNEL = "switchboard_live";
/** PostgreSQL refuses a NOTIFY payload of 8000 bytes or more: larger events go by reference. */
export const INLINE_PAYLOAD_LIMIT = 7900;

/** A notification's payload: the event inline, or `r` when the receiver must read it back by id. */
interface Wire {
  c: string;
  i: number;
  t?: string;
  d?: unknown;
  r?: 1;
}

export interface PostgresLiveEvents extends LiveEvents {
  /** Resolves once this instance listens (events published before that reach it only by replay). */
  ready: Promise<void>;
  close(): Promise<void>;
}

interface Subscriber {
  listener: (event: LiveEvent) => void;
  /** The newest id given to this subscriber: anything at or below it is a repeat. */
  delivered: number;
  /** Live events held while the replay from the database is read, so order is kept. */
  held: LiveEvent[] | null;
  open: boolean;
}

interface Channel {
  lastId: number;
  /** As the subscribers' definition says; a channel no one here watches needs none. */
  retention: LiveChannel<ChannelEvent>["retention"];
  subscribers: Set<Subscriber>;
  touchedAt: number;
}

/**
 * Live events shared by every instance on one PostgreSQL. Ids come from the database (one
 * counter per channel), retained events are stored there for replay, and each event is sent
 * with NOTIFY in the publishing transaction, so every instance (the publisher included) sees a
 * channel's events in id order. The publisher delivers only through NOTIFY too: one path, no
 * echo to ignore, the same order everywhere, at the cost of a round trip to the database.
 * LISTEN needs a connection of its own that no pooler shares (`listenUrl`: with Neon, the
 * direct host). When that connection drops, postgres.js reconnects; the events stored in the
 * gap are then replayed to every subscriber (transient ones are lost, as on any reconnect).
 */
export function createPostgresLiveEvents(options: {
  databaseUrl: string;
  listenUrl?: string;
  log?: { warn(details: object, message: string): void };
  /** How long stored events are kept for replay. */
  keepHours?: number;
}): PostgresLiveEvents {
  const quiet = { onnotice: () => {} };
  // Unnamed statements: DATABASE_URL may go through a transaction-mode pooler (Neon's -pooler host).
  const sql = postgres(options.databaseUrl, { max: 4, prepare: false, ...quiet });
  const listening = postgres(options.listenUrl ?? options.databaseUrl, { max: 1, connect_timeout: 10, ...quiet });
  const keepHours = options.keepHours ?? 24;
  const channels = new Map<string, Channel>();
  // Notifications, replays after a reconnect and reads by reference run one at a time, in order.
  let queue = Promise.resolve();
  const inOrder = (work: () => Promise<void>) => {
    queue = queue.then(work).catch((error: unknown) => {
      options.log?.warn({ err: error instanceof Error ? error.message : String(error) }, "live event not delivered");
    });
  };

  const channelFor = (name: string) => {
    let channel = channels.get(name);
    if (!channel) {
      channel = { lastId: 0, retention: {}, subscribers: new Set(), touchedAt: Date.now() };
      channels.set(name, channel);
    }
    channel.touchedAt = Date.now();
    return channel;
  };

  const offer = (subscriber: Subscriber, event: LiveEvent) => {
    if (!subscriber.open) return;
    if (subscriber.held) subscriber.held.push(event);
    else if (event.id > subscriber.delivered) {
      subscriber.delivered = event.id;
      subscriber.listener(event);
    }
  };

  /**
   * What a viewer behind `afterId` needs, in order. Of a `latest` type only the newest: two
   * instances publishing one at once can each leave theirs (neither sees the other's row).
   */
  const storedAfter = async (channel: Channel, name: string, afterId: number) => {
    const rows = await sql<{ id: number; type: string; data: unknown }[]>`
      select id, type, data from live_events where channel = ${name} and id > ${afterId} and replay order by id`;
    const newest = new Map(rows.map((row) => [row.type, row.id]));
    return rows.filter((row) => channel.retention[row.type] !== "latest" || newest.get(row.type) === row.id);
  };

  const receive = async (payload: string) => {
    const wire = JSON.parse(payload) as Wire;
    const channel = channelFor(wire.c);
    channel.lastId = Math.max(channel.lastId, wire.i);
    if (channel.subscribers.size === 0) return;
    let event: LiveEvent;
    if (wire.r) {
      const [row] = await sql<{ type: string; data: unknown }[]>`
        select type, data from live_events where channel = ${wire.c} and id = ${wire.i}`;
      // Gone already: a `latest` event replaced by a newer one, which follows.
      if (!row) return;
      event = { type: row.type, data: row.data, channel: wire.c, id: wire.i };
    } else {
      event = { type: wire.t!, data: wire.d, channel: wire.c, id: wire.i };
    }
    for (const subscriber of channel.subscribers) offer(subscriber, event);
  };

  /** After the LISTEN connection came back: what was stored while it was down. */
  const catchUp = async () => {
    for (const [name, channel] of channels) {
      const waiting = [...channel.subscribers].filter((s) => s.open && !s.held);
      if (waiting.length === 0) continue;
      const rows = await storedAfter(channel, name, Math.min(...waiting.map((s) => s.delivered)));
      for (const row of rows) {
        const event = { type: row.type, data: row.data, channel: name, id: row.id };
        channel.lastId = Math.max(channel.lastId, row.id);
        for (const subscriber of waiting) offer(subscriber, event);
      }
    }
  };

  const publishing = new Map<string, Promise<unknown>>();
  const publishNow = async <E extends ChannelEvent>(
    definition: LiveChannel<E>,
    published: E,
  ): Promise<LiveEvent<E>> => {
    const { name } = definition;
    const retention = definition.retention[published.type];
    const { type, data } = published;
    // The payload is built around the id the database gives: measured with room for its digits.
    const head = `{"c":${JSON.stringify(name)},"i":`;
    const inlineTail = `,"t":${JSON.stringify(type)},"d":${JSON.stringify(data ?? null)}}`;
    const large = Buffer.byteLength(head + inlineTail) + 10 > INLINE_PAYLOAD_LIMIT;
    const tail = large ? `,"r":1}` : inlineTail;
    const store = retention !== "transient";
    // One statement, so one round trip: the row lock on the counter orders the channel's
    // publishers, and NOTIFY is sent at commit, so ids reach every instance in order.
    const [row] = await sql<{ id: number }[]>`
        with counter as (
          insert into live_channels (name, last_id) values (${name}, 1)
          on conflict (name) do update set last_id = live_channels.last_id + 1, touched_at = now()
          returning last_id
        ), replaced as (
          delete from live_events
          where ${retention === "latest"}::boolean and channel = ${name} and type = ${type} and replay
        ), stored as (
          insert into live_events (channel, id, type, data, replay)
          select ${name}, last_id, ${type}, ${sql.json((data ?? null) as postgres.JSONValue)}, ${store}::boolean
          from counter where ${store || large}::boolean
        )
        select last_id as id, pg_notify(${NOTIFY_CHANNEL}, ${head}::text || last_id::text || ${tail}::text)
        from counter`;
    const id = row!.id;
    const channel = channelFor(name);
    channel.lastId = Math.max(channel.lastId, id);
    return { ...published, channel: name, id };
  };

  let listenedBefore = false;
  const ready = (async () => {
    // Known ids first, so a page rendered here resumes from the right place on channels quiet since start.
    const known = await sql<{ name: string; last_id: number }[]>`
      select name, last_id from live_channels where touched_at > now() - make_interval(hours => ${keepHours})`;
    for (const row of known) channelFor(row.name).lastId = Math.max(channelFor(row.name).lastId, row.last_id);
    await listening.listen(
      NOTIFY_CHANNEL,
      (payload) => inOrder(() => receive(payload)),
      () => {
        if (listenedBefore) inOrder(catchUp);
        listenedBefore = true;
      },
    );
  })();
  ready.catch(() => {});

  const tidy = setInterval(() => {
    const cutoff = Date.now() - keepHours * 3_600_000;
    for (const [name, channel] of channels) {
      if (channel.subscribers.size === 0 && channel.touchedAt < cutoff) channels.delete(name);
    }
    sql`delete from live_events where created_at < now() - make_interval(hours => ${keepHours})`.catch(() => {});
  }, 10 * 60_000);
  tidy.unref?.();

  return {
    ready,
    publish(definition, published) {
      // One after another per channel: events published without waiting (a line, then the next
      // words) keep the order they were published in, as in process, not the pool's order.
      const previous = publishing.get(definition.name) ?? Promise.resolve();
      const done = previous.catch(() => {}).then(() => publishNow(definition, published));
      publishing.set(definition.name, done);
      const forget = () => publishing.get(definition.name) === done && publishing.delete(definition.name);
      done.then(forget, forget);
      return done;
    },
    subscribe(definition, afterId, listener) {
      const channel = channelFor(definition.name);
      channel.retention = definition.retention;
      const subscriber: Subscriber = {
        // One name, one event union (the port's rule): every event under this name carries E.
        listener: listener as (event: LiveEvent) => void,
        delivered: afterId ?? channel.lastId,
        held: afterId === null ? null : [],
        open: true,
      };
      channel.subscribers.add(subscriber);
      // Ids come from the database and its counters are never reset, so what follows any id can
      // be replayed; one above what this instance has heard is from another instance, just ahead.
      // (Stored events are deleted after `keepHours`: a viewer away longer misses those.)
      const replayed = true;
      if (afterId !== null) {
        inOrder(async () => {
          try {
            const rows = await storedAfter(channel, definition.name, afterId);
            const held = subscriber.held ?? [];
            subscriber.held = null;
            for (const row of rows)
              offer(subscriber, { type: row.type, data: row.data, channel: definition.name, id: row.id });
            for (const event of held) offer(subscriber, event);
          } finally {
            subscriber.held = null;
          }
        });
      }
      return {
        replayed,
        unsubscribe: () => {
          subscriber.open = false;
          channel.subscribers.delete(subscriber);
          channel.touchedAt = Date.now();
        },
      };
    },
    lastId: (definition) => channels.get(definition.name)?.lastId ?? 0,
    async close() {
      clearInterval(tidy);
      await ready.catch(() => {});
      await Promise.all([listening.end({ timeout: 1 }), sql.end({ timeout: 1 })]);
    },
  };
}
