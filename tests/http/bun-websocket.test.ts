import { afterEach, expect, test } from "bun:test";
import { Hono } from "hono";
import { upgradeWebSocket } from "hono/bun";
import type { WSContext } from "hono/ws";
import { websocket } from "../../src/http/bun-websocket.ts";

const servers: { stop(force?: boolean): unknown }[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.stop(true);
});

/** A route made with hono/bun's upgradeWebSocket, served with our handlers, over a real socket. */
function serve(onMessage: (data: unknown, ws: WSContext) => void) {
  const contexts = new Set<WSContext>();
  const errors: string[] = [];
  const app = new Hono().get(
    "/ws",
    upgradeWebSocket(() => ({
      onMessage(event, ws) {
        contexts.add(ws);
        onMessage(event.data, ws);
      },
      onError(event) {
        errors.push(String((event as Event & { error?: Error }).error?.message));
      },
    })),
  );
  const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: app.fetch, websocket });
  servers.push(server);
  return { url: `ws://127.0.0.1:${server.port}/ws`, contexts, errors };
}

async function open(url: string): Promise<{ socket: WebSocket; received: string[] }> {
  const socket = new WebSocket(url);
  const received: string[] = [];
  socket.addEventListener("message", (event) => received.push(String(event.data)));
  await new Promise((resolve, reject) => {
    socket.addEventListener("open", resolve);
    socket.addEventListener("error", reject);
  });
  return { socket, received };
}

async function until(check: () => boolean, what: string) {
  const deadline = Date.now() + 3000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(5);
  }
}

test("text and binary messages reach the handler with one context per connection that answers and sees the socket's state", async () => {
  const served = serve((data, ws) => {
    ws.send(typeof data === "string" ? `text:${data}:${ws.readyState}` : `binary:${(data as ArrayBuffer).byteLength}`);
  });
  const { socket, received } = await open(served.url);
  socket.send("one");
  socket.send("two");
  socket.send(new Uint8Array([1, 2, 3]));
  await until(() => received.length === 3, "three answers");
  expect(received).toEqual(["text:one:1", "text:two:1", "binary:3"]);
  expect(served.contexts.size).toBe(1);
  const second = await open(served.url);
  second.socket.send("three");
  await until(() => second.received.length === 1, "the second connection's answer");
  expect(served.contexts.size).toBe(2);
  socket.close();
  second.socket.close();
});

test("a handler that throws goes to onError and the connection carries on", async () => {
  const served = serve((data, ws) => {
    if (data === "bad") throw new Error("could not handle it");
    ws.send(`ok:${data}`);
  });
  const { socket, received } = await open(served.url);
  socket.send("bad");
  socket.send("good");
  await until(() => received.length === 1, "an answer");
  expect(received).toEqual(["ok:good"]);
  expect(served.errors).toEqual(["could not handle it"]);
  socket.close();
});
