import type { Context } from "hono";
import { sessionKey } from "../domain/session-key.ts";
import { sessionIsLive } from "../domain/staff-access.ts";
import { STAFF_SESSIONS_CHANNEL } from "../domain/staff-sessions-channel.ts";
import type { ChannelEvent, LiveChannel, LiveEvent } from "../ports/live-events.ts";
import type { SseMessage } from "../views/sse-message.ts";
import type { AppEnv } from "./deps.ts";
import { loggablePath } from "./middleware/request-log.ts";

const encoder = new TextEncoder();

/**
 * Live streams open in this process, for the debug log: how many connections the browsers hold
 * (a browser shares one between its tabs, src/views/live-worker.js).
 */
let openStreams = 0;

/** The wire form of one message: every line of data on its own `data:` line. */
export function sseText(message: SseMessage, id?: number): string {
  const data = message.data
    .split(/\r\n|\r|\n/)
    .map((line) => `data: ${line}\n`)
    .join("");
  return `event: ${message.event}\n${data}${id === undefined ? "" : `id: ${id}\n`}\n`;
}

/**
 * Renders and encodes each live event once, however many viewers are watching: the SSE bytes
 * are kept with the event object (shared by every subscriber and by replays) for as long as the
 * event lives. An event belongs to one channel, so the channel it is rendered for never changes them.
 */
export function renderedOnce<E extends ChannelEvent, C = LiveChannel<E>>(
  render: (event: LiveEvent<E>, channel: C) => SseMessage[],
): (event: LiveEvent<E>, channel: C) => Uint8Array {
  const rendered = new WeakMap<LiveEvent<E>, Uint8Array>();
  return (event, channel) => {
    let bytes = rendered.get(event);
    if (bytes === undefined) {
      bytes = encoder.encode(
        render(event, channel)
          .map((message) => sseText(message, event.id))
          .join(""),
      );
      rendered.set(event, bytes);
    }
    return bytes;
  };
}

/**
 * Streams a live channel as server-sent events until the viewer leaves (see `sseResponse`).
 * `resumeAfter` replays what a reconnecting viewer missed; when that is no longer possible the
 * page is told to reload.
 */
export function liveStream<E extends ChannelEvent, C extends LiveChannel<E>>(
  c: Context<AppEnv>,
  channel: C,
  render: (event: LiveEvent<E>, channel: C) => string | Uint8Array,
  resumeAfter: number | null,
): Response {
  const { liveEvents } = c.get("deps");
  return sseResponse(c, (write) => {
    const subscription = liveEvents.subscribe<E>(channel, resumeAfter, (event) => write(render(event, channel)));
    if (!subscription.replayed) write(sseText({ event: "reload", data: "" }));
    return () => subscription.unsubscribe();
  });
}

/**
 * A server-sent event stream: `start` writes what it has and subscribes, returning how to stop.
 * It lives until the viewer leaves, with heartbeats (Bun and proxies close idle connections
 * otherwise). A plain ReadableStream with no queue of its own: about half the memory per open
 * viewer of hono's streamSSE (a TransformStream and its writer), which matters with hundreds
 * watching. A stream opened with a login session ends with it: at once when it is logged out
 * (the staff-sessions channel), and at the next heartbeat when it expired or was removed.
 */
export function sseResponse(
  c: Context<AppEnv>,
  start: (write: (text: string | Uint8Array) => void) => () => void,
  /** What ends the stream besides the viewer leaving: by default the login session it was opened with. */
  endsWith: EndWatch | null = sessionWatch(c),
): Response {
  const { settings, logger, metrics } = c.get("deps");
  const sessionEnded = endsWith;
  const path = loggablePath(c.req.path);
  let stop = () => {};
  const body = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        let open = true;
        // Bytes shared by every viewer (`renderedOnce`) go as they are: enqueueing does not transfer them.
        const write = (text: string | Uint8Array) => {
          if (!open) return;
          try {
            controller.enqueue(typeof text === "string" ? encoder.encode(text) : text);
          } catch {
            stop();
          }
        };
        // Something at once, so the response (and the browser's "open") does not wait for the first event.
        write(": connected\n\n");
        metrics.sseViewers.up();
        const unsubscribe = start(write);
        openStreams += 1;
        logger.debug({ path, open: openStreams }, "live stream opened");
        const end = () => {
          stop();
          try {
            controller.close();
          } catch {
            // Already closed by the viewer leaving.
          }
        };
        const watch = sessionEnded?.(end);
        const heartbeat = setInterval(() => {
          write(": heartbeat\n\n");
          watch?.check();
        }, settings.heartbeatMs);
        stop = () => {
          if (!open) return;
          open = false;
          metrics.sseViewers.down();
          openStreams -= 1;
          logger.debug({ path, open: openStreams }, "live stream closed");
          clearInterval(heartbeat);
          unsubscribe();
          watch?.unsubscribe();
          c.req.raw.signal.removeEventListener("abort", stop);
        };
        c.req.raw.signal.addEventListener("abort", stop);
      },
      cancel: () => stop(),
    },
    { highWaterMark: 0 },
  );
  return new Response(body, {
    headers: {
      "Content-Type": "text/event-stream",
      "Cache-Control": "no-cache",
      Connection: "keep-alive",
      "X-Accel-Buffering": "no",
    },
  });
}

/**
 * What ends a stream from the server's side: given `end`, it listens for the announcement (a
 * channel every instance hears) and `check`s at each heartbeat, in case one went unheard.
 */
export type EndWatch = (end: () => void) => { check(): void; unsubscribe(): void };

/**
 * For a request made with a login session: calls `end` when that session ends, announced on the
 * staff-sessions channel or found gone (logged out elsewhere, expired, deleted) by `check`.
 */
function sessionWatch(c: Context<AppEnv>): EndWatch | null {
  const session = c.get("session");
  if (!session) return null;
  const deps = c.get("deps");
  const key = sessionKey(session.id);
  return (end: () => void) => {
    const subscription = deps.liveEvents.subscribe(STAFF_SESSIONS_CHANNEL, null, (event) => {
      if (event.type === "ended") void key.then((mine) => event.data.sessionKey === mine && end());
      // Disabled or password reset: the user's sessions were removed, which the check finds.
      else if (event.data.userId === session.userId) watch.check();
    });
    let checking = false;
    const watch = {
      check() {
        if (checking) return;
        checking = true;
        const live = sessionIsLive(
          { staffSessions: deps.repos.staffSessions, now: deps.now, maxHours: deps.settings.sessionMaxHours },
          session.id,
        );
        live.then(
          (stillLive) => {
            checking = false;
            if (!stillLive) end();
          },
          (error: unknown) => {
            // A database hiccup is no proof the session ended: keep streaming, check again next beat.
            checking = false;
            deps.logger.warn({ err: error instanceof Error ? error.name : String(error) }, "session check failed");
          },
        );
      },
      unsubscribe: () => subscription.unsubscribe(),
    };
    return watch;
  };
}
