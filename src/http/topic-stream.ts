import type { ChannelEvent, LiveChannel, LiveEvent, LiveEvents } from "../ports/live-events.ts";
import type { SseMessage } from "../views/sse-message.ts";
import type { AppEnv } from "./deps.ts";
import type { Context } from "hono";
import { sseResponse } from "./live-stream.ts";
import { cursorsText, type Cursors } from "./live-topics.ts";

/**
 * One topic of a multiplexed stream: its channel bound to how its events are shown. The
 * channel's event type ends here, so feeds of different channels can share one stream.
 */
export interface TopicFeed {
  topic: string;
  lastId(): number;
  /** Like LiveEvents.subscribe, each event already in its wire form (one JSON object). */
  subscribe(
    afterId: number | null,
    deliver: (id: number, json: string) => void,
  ): { replayed: boolean; unsubscribe(): void };
}

/** An event belongs to one channel and a channel to one topic: its JSON is made once for every viewer. */
const rendered = new WeakMap<LiveEvent, string>();

/** `topic`'s feed from `channel`, its events shown as `render` says (the same fragments a page swaps in). */
export function topicFeed<E extends ChannelEvent, C extends LiveChannel<E>>(
  liveEvents: LiveEvents,
  topic: string,
  channel: C,
  render: (event: LiveEvent<E>, channel: C) => SseMessage[],
): TopicFeed {
  return {
    topic,
    lastId: () => liveEvents.lastId(channel),
    subscribe: (afterId, deliver) =>
      liveEvents.subscribe<E>(channel, afterId, (event) => {
        let json = rendered.get(event);
        if (json === undefined) {
          json = JSON.stringify({ topic, id: event.id, messages: render(event, channel) });
          rendered.set(event, json);
        }
        deliver(event.id, json);
      }),
  };
}

/**
 * Several topics on one server-sent event stream, so a browser needs one connection for all its
 * tabs. Every message is unnamed (a browser's EventSource hands those to one listener) and its
 * data is JSON: `{ready: {topic: id…}}` first, with where each topic starts, then
 * `{topic, id, messages: [{event, data}…]}` per live event (`reload` without an id when a topic
 * could not be replayed from where the viewer asked). Each message's SSE id holds every topic's
 * position ("calls=12,call:<id>=40"), so a reconnecting EventSource resumes all of them.
 * `gone` names topics asked for whose call or lead no longer exists (`{ready, gone: [topic…]}`):
 * the browser stops asking for them.
 */
export function topicStream(c: Context<AppEnv>, feeds: TopicFeed[], after: Cursors, gone: string[] = []): Response {
  return sseResponse(c, (write) => {
    const cursors: Cursors = new Map();
    for (const feed of feeds) {
      const last = feed.lastId();
      const from = after.get(feed.topic);
      // An id from before a restart (beyond the channel's last) cannot be resumed: start from now.
      cursors.set(feed.topic, from !== undefined && from <= last ? from : last);
    }
    const ready = { ready: Object.fromEntries(cursors), ...(gone.length > 0 ? { gone } : {}) };
    write(`data: ${JSON.stringify(ready)}\nid: ${cursorsText(cursors)}\n\n`);
    const subscriptions = feeds.map((feed) => {
      const subscription = feed.subscribe(after.get(feed.topic) ?? null, (id, json) => {
        cursors.set(feed.topic, id);
        write(`data: ${json}\nid: ${cursorsText(cursors)}\n\n`);
      });
      if (!subscription.replayed)
        write(`data: ${JSON.stringify({ topic: feed.topic, messages: [{ event: "reload", data: "" }] })}\n\n`);
      return subscription;
    });
    return () => {
      for (const subscription of subscriptions) subscription.unsubscribe();
    };
  });
}
