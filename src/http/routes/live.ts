import { Hono, type Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { CALLS_CHANNEL, callChannel, type CallChannel, type LiveCallEvent } from "../../domain/live-call/channels.ts";
import { INBOX_CHANNEL, conversationChannel } from "../../domain/messaging/live.ts";
import { SCHEDULE_CHANNEL } from "../../domain/scheduling/schedule-channel.ts";
import { renderCallEvent, renderCallsListEvent } from "../../views/call-live-events.tsx";
import { renderInboxEvent } from "../../views/inbox-events.ts";
import type { AppEnv } from "../deps.ts";
import { parseCursors, topicsOf, type Cursors, type LiveTopic } from "../live-topics.ts";
import { topicFeed, topicStream, type TopicFeed } from "../topic-stream.ts";

/**
 * A topic's feed, for whoever may open the page it belongs to: the same rule as the pages
 * (logged in, the call or lead exists), so the stream shows nothing its pages would not. A call
 * or lead that no longer exists is `null`: the stream says it is gone and carries the rest, so
 * one stale tab does not stop the live updates every other tab shares the stream for.
 */
async function feedFor(c: Context<AppEnv>, topic: LiveTopic): Promise<TopicFeed | null> {
  const { liveEvents, repos } = c.get("deps");
  switch (topic.kind) {
    case "calls":
      return topicFeed(liveEvents, topic.name, CALLS_CHANNEL, renderCallsListEvent);
    case "inbox":
      return topicFeed(liveEvents, topic.name, INBOX_CHANNEL, renderInboxEvent);
    case "schedule":
      // The board re-reads itself on any change: one unnamed-data event it listens for.
      return topicFeed(liveEvents, topic.name, SCHEDULE_CHANNEL, () => [{ event: "schedule-changed", data: "" }]);
    case "call": {
      const call = await repos.calls.byId(topic.id);
      if (!call) return null;
      return topicFeed<LiveCallEvent, CallChannel>(liveEvents, topic.name, callChannel(call.id), (event, channel) =>
        renderCallEvent(event, channel.callId),
      );
    }
    case "lead": {
      const lead = await repos.leads.byId(topic.id);
      if (!lead) return null;
      return topicFeed(liveEvents, topic.name, conversationChannel(lead.id), renderInboxEvent);
    }
  }
}

/**
 * Where the viewer is in each topic: the Last-Event-ID a reconnecting browser sends (the latest
 * word), else `?after=` as the page was drawn. A malformed Last-Event-ID is someone else's id
 * (a proxy, an old page): start from now rather than refuse.
 */
function cursorsOf(c: Context<AppEnv>): Cursors {
  const lastEventId = c.req.header("Last-Event-ID");
  const fromBrowser = lastEventId === undefined ? null : parseCursors(lastEventId);
  if (fromBrowser) return fromBrowser;
  const after = c.req.query("after");
  if (after === undefined) return new Map();
  const cursors = parseCursors(after);
  if (!cursors) throw new HTTPException(400, { message: 'after: write it "topic=id,topic=id", e.g. "call:<id>=40".' });
  return cursors;
}

/**
 * `GET /live?topic=calls&topic=call:<id>&after=call:<id>=40`: every live update a page needs on
 * one stream (src/http/topic-stream.ts has the wire form). The browser shares one such stream
 * between all its tabs (src/views/live-worker.js).
 */
export function liveRoutes() {
  const app = new Hono<AppEnv>();
  app.get("/live", async (c) => {
    const topics = topicsOf(c.req.queries("topic") ?? []);
    const after = cursorsOf(c);
    const found = await Promise.all(topics.map((topic) => feedFor(c, topic)));
    const feeds = found.filter((feed) => feed !== null);
    const gone = topics.filter((_, i) => found[i] === null).map((topic) => topic.name);
    return topicStream(c, feeds, after, gone);
  });
  return app;
}
