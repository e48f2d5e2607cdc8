/**
 * The transport the Deepgram SDK is given (Bun's own WebSocket client), against a loopback Bun
 * server: the SDK's headers reach the server, text and binary go both ways, and the SDK's
 * error-close (code 1011 with the error's whole message) becomes a close Bun accepts.
 */
import { afterEach, describe, expect, test } from "bun:test";
import type { DeepgramTransport, DeepgramTransportMessage, DeepgramTransportRequest } from "@deepgram/sdk";
import type { Server } from "bun";
import { bunWebSocketTransport } from "../../../src/adapters/deepgram/bun-websocket-transport.ts";

interface Seen {
  authorization: string | null;
  messages: (string | number[])[];
  closed: Promise<{ code: number; reason: string }>;
}

let server: Server<undefined> | null = null;
afterEach(async () => {
  await server?.stop(true);
  server = null;
});

function loopback(): Seen & { url: string } {
  let closed: (value: { code: number; reason: string }) => void = () => {};
  const seen: Seen = { authorization: null, messages: [], closed: new Promise((resolve) => (closed = resolve)) };
  server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch(request, bun) {
      seen.authorization = request.headers.get("authorization");
      return bun.upgrade(request) ? undefined : new Response("WebSocket only", { status: 426 });
    },
    websocket: {
      message(ws, message) {
        seen.messages.push(typeof message === "string" ? message : [...message]);
        if (typeof message === "string") ws.send(`{"type":"Results","echo":${message}}`);
        else ws.send(new Uint8Array([9, 8, 7]));
      },
      close(_ws, code, reason) {
        closed({ code, reason });
      },
    },
  });
  return Object.assign(seen, { url: `ws://127.0.0.1:${server.port}/v1/listen` });
}

const request = (url: string): DeepgramTransportRequest => ({
  url,
  headers: { Authorization: "Token dg-key" },
  protocols: [],
  path: "/v1/listen",
  service: "listen.v1",
  queryParams: {},
  debug: false,
  reconnectAttempts: 0,
});

async function open(url: string): Promise<{ transport: DeepgramTransport; received: DeepgramTransportMessage[] }> {
  const transport = await bunWebSocketTransport(url, { Authorization: "Token dg-key" }, request(url));
  const received: DeepgramTransportMessage[] = [];
  transport.onMessage((message) => received.push(message));
  await new Promise<void>((resolve, reject) => {
    transport.onOpen(resolve);
    transport.onError(reject);
  });
  return { transport, received };
}

describe("Deepgram's transport on Bun's WebSocket, against a loopback server", () => {
  test("sends the SDK's headers, carries text and binary both ways, and says when it is open", async () => {
    const peer = loopback();
    const { transport, received } = await open(peer.url);
    expect(transport.isOpen()).toBe(true);
    expect(peer.authorization).toBe("Token dg-key");

    transport.send('{"type":"KeepAlive"}');
    transport.send(new Uint8Array([0xff, 0x7f, 0x00]));
    while (received.length < 2) await Bun.sleep(5);
    expect(peer.messages).toEqual(['{"type":"KeepAlive"}', [0xff, 0x7f, 0x00]]);
    expect(received[0]).toBe('{"type":"Results","echo":{"type":"KeepAlive"}}');
    expect([...new Uint8Array(received[1] as ArrayBuffer)]).toEqual([9, 8, 7]);

    transport.close(1000, "done");
    expect(await peer.closed).toEqual({ code: 1000, reason: "done" });
    expect(transport.isOpen()).toBe(false);
  });

  test("the SDK's error close (1011, the whole error message) is sent as a normal close with the reason cut to 123 bytes", async () => {
    const peer = loopback();
    const { transport } = await open(peer.url);
    const message = `Deepgram said: ${"é".repeat(100)}`; // 215 bytes of UTF-8
    expect(() => transport.close(1011, message)).not.toThrow();
    const closed = await peer.closed;
    expect(closed.code).toBe(1000);
    expect(new TextEncoder().encode(closed.reason).byteLength).toBeLessThanOrEqual(123);
    expect(closed.reason.startsWith("Deepgram said: éé")).toBe(true);
    expect(closed.reason).not.toContain("\uFFFD"); // not cut inside a character
    expect(() => transport.close(1000, "again")).not.toThrow();
  });

  test("a refused handshake is an error that carries the HTTP status", async () => {
    server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response("no", { status: 401 }) });
    const url = `ws://127.0.0.1:${server.port}/v1/listen`;
    const transport = await bunWebSocketTransport(url, { Authorization: "Token wrong" }, request(url));
    const error = await new Promise<Error>((resolve) => transport.onError(resolve));
    expect(error.message).toContain("401");
    expect(transport.isOpen()).toBe(false);
  });
});
