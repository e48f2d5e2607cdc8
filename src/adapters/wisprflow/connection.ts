import { CredentialsRefusedError } from "../../ports/transcriber.ts";
import {
  parseWisprMessage,
  wisprConnectUrl,
  wisprSafeUrl,
  type WisprAppendMessage,
  type WisprAuthMessage,
  type WisprCommitMessage,
  type WisprServerMessage,
} from "./protocol.ts";

/** One authenticated WisprFlow WebSocket: one dictation session. */
export interface WisprConnection {
  send(message: WisprAppendMessage | WisprCommitMessage): void;
  /** Closes it on purpose: no onDrop follows. */
  close(): void;
  /** False once the socket closed, by either side. */
  readonly alive: boolean;
  /** Messages after the auth confirmation. */
  onMessage: (message: WisprServerMessage) => void;
  /** The socket closed without our asking. */
  onDrop: (error: Error) => void;
}

export interface WisprConnectOptions {
  url: string;
  apiKey: string;
  language: string[];
  timeoutMs: number;
  WebSocket: typeof WebSocket;
}

/**
 * Opens a socket, sends `auth` and resolves once the server confirms with `status: "auth"`.
 * Rejects with an Error that names WisprFlow and the cause, never the key.
 */
export function connectWisprflow(options: WisprConnectOptions): Promise<WisprConnection> {
  const where = wisprSafeUrl(options.url);
  return new Promise((resolve, reject) => {
    let ws: WebSocket;
    try {
      ws = new options.WebSocket(wisprConnectUrl(options.url, options.apiKey));
    } catch (cause) {
      const text = errorText(cause)
        .split(options.apiKey)
        .join("***")
        .split(encodeURIComponent(options.apiKey))
        .join("***");
      reject(new Error(`WisprFlow connection to ${where} could not start: ${text}`));
      return;
    }
    let authed = false;
    let closedByUs = false;
    let alive = true;
    let handshakeDetail = "";

    const timer = setTimeout(() => {
      fail(new Error(`WisprFlow at ${where} did not confirm the session within ${options.timeoutMs} ms`));
      closeSocket();
    }, options.timeoutMs);

    function fail(error: Error) {
      clearTimeout(timer);
      reject(error);
    }
    function closeSocket() {
      closedByUs = true;
      alive = false;
      try {
        ws.close(1000);
      } catch {
        // Closing a socket that never opened throws in some runtimes; it is closed either way.
      }
    }

    const connection: WisprConnection = {
      send(message) {
        if (alive && ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
      },
      close: closeSocket,
      get alive() {
        return alive;
      },
      onMessage: () => {},
      onDrop: () => {},
    };

    ws.onopen = () => {
      const auth: WisprAuthMessage = { type: "auth", access_token: options.apiKey, language: options.language };
      ws.send(JSON.stringify(auth));
    };
    ws.onmessage = (event) => {
      const message = parseWisprMessage(event.data);
      if (authed) {
        connection.onMessage(message);
        return;
      }
      if (message.status === "auth") {
        authed = true;
        clearTimeout(timer);
        resolve(connection);
      } else if (message.status === "error") {
        fail(new Error(`WisprFlow refused the session: ${message.error} (check WISPRFLOW_API_KEY)`));
        closeSocket();
      }
    };
    ws.onerror = (event) => {
      // Bun's message names the URL, key included: keep only the HTTP status, if any.
      const text = (event as ErrorEvent).message ?? "";
      const status = /status code:? (\d{3})/i.exec(text)?.[1];
      handshakeDetail = status ? `HTTP ${status}` : /failed to connect|refused/i.test(text) ? "connection refused" : "";
    };
    ws.onclose = (event) => {
      alive = false;
      if (!authed) {
        if (closedByUs) return;
        const message = handshakeFailure(where, handshakeDetail, event.code, event.reason);
        fail(
          handshakeDetail === "HTTP 401" || handshakeDetail === "HTTP 403"
            ? new CredentialsRefusedError(message)
            : new Error(message),
        );
        return;
      }
      if (closedByUs) return;
      connection.onDrop(
        new Error(
          `WisprFlow connection dropped (close code ${event.code}${event.reason ? `, "${event.reason}"` : ""})`,
        ),
      );
    };
  });
}

function handshakeFailure(where: string, detail: string, code: number, reason: string): string {
  if (detail === "HTTP 401" || detail === "HTTP 403") {
    return `WisprFlow refused the API key (${detail} from ${where}): check WISPRFLOW_API_KEY`;
  }
  if (detail.startsWith("HTTP")) return `WisprFlow refused the connection (${detail} from ${where})`;
  if (detail) return `WisprFlow could not be reached at ${where} (${detail})`;
  return `WisprFlow closed the connection at ${where} before confirming the session (close code ${code}${reason ? `, "${reason}"` : ""})`;
}

const errorText = (cause: unknown): string => (cause instanceof Error ? cause.message : String(cause));
