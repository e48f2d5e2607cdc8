import type { ServerWebSocket, WebSocketHandler } from "bun";
import { websocket as honoWebsocket } from "hono/bun";
import { WSContext, type WSEvents, type WSMessageReceive, type WSReadyState } from "hono/ws";

/** What hono/bun's upgradeWebSocket puts on each connection, and the context kept with it. */
interface SocketData {
  events: WSEvents<ServerWebSocket<SocketData>>;
  url: URL;
  protocol: string;
  context?: WSContext<ServerWebSocket<SocketData>>;
}

/** The connection's context, as hono/bun builds it, except that readyState is read when asked. */
function contextOf(ws: ServerWebSocket<SocketData>): WSContext<ServerWebSocket<SocketData>> {
  return new WSContext({
    send: (source, options) => void ws.send(source, options?.compress),
    close: (code, reason) => ws.close(code, reason),
    raw: ws,
    get readyState() {
      return ws.readyState as WSReadyState;
    },
    url: ws.data.url,
    protocol: ws.data.protocol,
  });
}

/**
 * Bun's WebSocket handlers for the routes made with hono/bun's `upgradeWebSocket`: hono's own,
 * except that a message reuses one context per connection and a plain `{ type, data }` event.
 * hono builds a new WSContext (which parses the connection's URL again) and a MessageEvent for
 * every message; a live call receives 100 a second, and that was a twentieth of its CPU. The
 * context's methods act on the live socket; handlers here read the event's `data` only.
 *
 * @example
 * Bun.serve({ fetch: app.fetch, websocket });
 */
export const websocket: WebSocketHandler<SocketData> & Required<Pick<WebSocketHandler<SocketData>, "message">> = {
  ...(honoWebsocket as unknown as WebSocketHandler<SocketData>),
  message(ws, message) {
    const { events } = ws.data;
    if (!events.onMessage) return;
    const context = (ws.data.context ??= contextOf(ws));
    const data: WSMessageReceive = typeof message === "string" ? message : (message.buffer as ArrayBuffer);
    const event = { type: "message", data } as MessageEvent<WSMessageReceive>;
    const failed = (error: unknown) => {
      if (!events.onError) throw error;
      const errorEvent = new Event("error") as Event & { error?: unknown };
      errorEvent.error = error;
      events.onError(errorEvent, context);
    };
    // As hono's runHandler: a throw or a rejected promise goes to onError when there is one.
    try {
      const result = events.onMessage(event, context) as unknown;
      if (result instanceof Promise) result.catch(failed);
    } catch (error) {
      failed(error);
    }
  },
};
