import type { Context } from "hono";
import type { ChannelEvent, LiveChannel, LiveEvent } from "../ports/live-events.ts";
import type { SseMessage } from "../views/sse-message.ts";
import type { AppEnv } from "./deps.ts";

const encoder = new TextEncoder();

/** The wire form of one message: every line of data on its own `data:` line. */
export function sseText(message: SseMessage, id?: number): string {
  const data = message.data
    .split(/\r\n|\r|\n/)
    .map((line) => `data: ${line}\n`)
    .join("");
  return `event: ${message.event}\n${data}${id === undefined ? "" : `id: ${id}\n`}\n`;
}

/**
 * Renders each live event once, however many viewers are watching: the SSE text is kept with
 * the event object (shared by every subscriber and by replays) for as long as the event lives.
 * An event belongs to one channel, so the channel it is rendered for never changes the text.
 */
export function renderedOnce<E extends ChannelEvent, C = LiveChannel<E>>(
  render: (event: LiveEvent<E>, channel: C) => SseMessage[],
): (event: LiveEvent<E>, channel: C) => string {
  const rendered = new WeakMap<LiveEvent<E>, string>();
  return (event, channel) => {
    let text = rendered.get(event);
    if (text === undefined) {
      text = render(event, channel)
        .map((message) => sseText(message, event.id))
        .join("");
      rendered.set(event, text);
    }
    return text;
  };
}

/**
 * Streams a live channel as server-sent events until the viewer leaves, with heartbeats (Bun
 * and proxies close idle connections otherwise). `resumeAfter` replays what a reconnecting
 * viewer missed; when that is no longer possible the page is told to reload.
 * A plain ReadableStream with no queue of its own: about half the memory per open viewer of
 * hono's streamSSE (a TransformStream and its writer), which matters with hundreds watching.
 */
export function liveStream<E extends ChannelEvent, C extends LiveChannel<E>>(
  c: Context<AppEnv>,
  channel: C,
  render: (event: LiveEvent<E>, channel: C) => string,
  resumeAfter: number | null,
): Response {
  const { liveEvents, settings } = c.get("deps");
  let stop = () => {};
  const body = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        let open = true;
        const write = (text: string) => {
          if (!open) return;
          try {
            controller.enqueue(encoder.encode(text));
          } catch {
            stop();
          }
        };
        // Something at once, so the response (and the browser's "open") does not wait for the first event.
        write(": connected\n\n");
        const subscription = liveEvents.subscribe<E>(channel, resumeAfter, (event) => write(render(event, channel)));
        if (!subscription.replayed) write(sseText({ event: "reload", data: "" }));
        const heartbeat = setInterval(() => write(": heartbeat\n\n"), settings.heartbeatMs);
        stop = () => {
          if (!open) return;
          open = false;
          clearInterval(heartbeat);
          subscription.unsubscribe();
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
