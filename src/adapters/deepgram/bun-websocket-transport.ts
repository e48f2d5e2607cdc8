import type { DeepgramTransport, DeepgramTransportFactory } from "@deepgram/sdk";

/** A close reason may be at most 123 bytes (RFC 6455, 5.5.1); Bun throws on a longer one. */
const MAX_REASON_BYTES = 123;

/**
 * The SDK's documented transport seam (`transportFactory`), filled with Bun's own WebSocket
 * client. Under Bun the SDK otherwise streams through the `ws` package over node:net, which
 * costs about twice the memory per connection and a third more CPU per audio frame (measured:
 * 200 connections sending 50 frames a second). The SDK still speaks Deepgram's protocol; this
 * only carries its messages.
 *
 * Bun's WebSocket takes request headers (the `Authorization: Token …` the SDK builds), and a
 * refused handshake reports the status ("Expected 101 status code: 401"), which the adapter
 * reads to tell a refused key from an outage.
 */
export const bunWebSocketTransport: DeepgramTransportFactory = (url, headers, request): DeepgramTransport => {
  const socket = new WebSocket(url, { headers, protocols: request.protocols } as unknown as string[]);
  socket.binaryType = "arraybuffer";
  return {
    send(data) {
      socket.send(data as string | ArrayBuffer | Blob | Uint8Array<ArrayBuffer>);
    },
    onOpen(listener) {
      socket.addEventListener("open", () => listener());
    },
    onMessage(listener) {
      socket.addEventListener("message", (event) => listener(event.data as string | ArrayBuffer));
    },
    onError(listener) {
      socket.addEventListener("error", (event) =>
        listener(new Error((event as ErrorEvent).message || "WebSocket error")),
      );
    },
    onClose(listener) {
      socket.addEventListener("close", (event) => listener({ code: event.code, reason: event.reason }));
    },
    isOpen: () => socket.readyState === WebSocket.OPEN,
    close(code, reason) {
      try {
        socket.close(
          code === undefined || code === 1000 || (code >= 3000 && code <= 4999) ? code : 1000,
          truncate(reason ?? ""),
        );
      } catch {
        // Already closed, or closing.
      }
    },
  };
};

function truncate(reason: string): string {
  const bytes = new TextEncoder().encode(reason);
  if (bytes.byteLength <= MAX_REASON_BYTES) return reason;
  return new TextDecoder().decode(bytes.slice(0, MAX_REASON_BYTES)).replace(/\uFFFD+$/, "");
}
