import { SimulatorError } from "./errors.ts";
import { twilioSignature } from "./twilio-wire.ts";

/** How the socket ended: its close code and reason, and whether the server ended it. */
export interface StreamClosed {
  code: number;
  reason: string;
  byServer: boolean;
}

/** The Twilio side of an open media stream. */
export interface MediaStreamConnection {
  send(message: string | ArrayBuffer): void;
  /** Waits while more than `maxBufferedBytes` are queued on the socket (back-pressure). */
  drained(maxBufferedBytes?: number): Promise<void>;
  /** Closes the socket (as Twilio does after `stop`) and waits for it to be closed. */
  close(code?: number, reason?: string): Promise<StreamClosed>;
  /** Settles when the socket closes, whoever closes it. */
  readonly closed: Promise<StreamClosed>;
  readonly isOpen: boolean;
  /** Hears what the server sends (a bidirectional stream's `media`, `mark`, `clear`). */
  onMessage(listener: (data: string | ArrayBuffer) => void): void;
}

/**
 * Opens the media-stream WebSocket as Twilio does: the upgrade request carries X-Twilio-Signature,
 * Twilio's HMAC-SHA1 of the stream URL (no parameters). When the server will not upgrade, it
 * asks again over plain HTTP to say why (status and text) in a {@link SimulatorError}.
 * @example const stream = await connectMediaStream(twiml.url, authToken);
 */
export async function connectMediaStream(
  url: string,
  authToken: string,
  options: { signature?: string | null; signal?: AbortSignal } = {},
): Promise<MediaStreamConnection> {
  const signature = options.signature === undefined ? twilioSignature(authToken, url) : options.signature;
  const headers: Record<string, string> = { "User-Agent": "Twilio.TmeWs/1.0 (Switchboard call simulator)" };
  if (signature !== null) headers["X-Twilio-Signature"] = signature;
  // Bun's WebSocket takes headers for the upgrade request; the DOM type does not know it.
  const ws = new WebSocket(url, { headers } as unknown as string[]);
  ws.binaryType = "arraybuffer";
  let closingByUs = false;
  const closed = new Promise<StreamClosed>((resolve) => {
    ws.addEventListener("close", (event) =>
      resolve({ code: event.code, reason: event.reason, byServer: !closingByUs }),
    );
  });

  const opened = await new Promise<boolean>((resolve) => {
    const abort = () => {
      closingByUs = true;
      ws.close();
      resolve(false);
    };
    options.signal?.addEventListener("abort", abort, { once: true });
    ws.addEventListener("open", () => {
      options.signal?.removeEventListener("abort", abort);
      resolve(true);
    });
    void closed.then(() => resolve(false));
  });
  if (!opened) {
    options.signal?.throwIfAborted();
    throw await whyRefused(url, headers);
  }

  return {
    send: (message) => ws.send(message),
    async drained(maxBufferedBytes = 256 * 1024) {
      while (ws.readyState === WebSocket.OPEN && ws.bufferedAmount > maxBufferedBytes)
        await new Promise((r) => setTimeout(r, 5));
    },
    async close(code = 1000, reason = "") {
      if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) {
        closingByUs = true;
        ws.close(code, reason);
      }
      return closed;
    },
    closed,
    onMessage: (listener) => ws.addEventListener("message", (event) => listener(event.data as string | ArrayBuffer)),
    get isOpen() {
      return ws.readyState === WebSocket.OPEN;
    },
  };
}

/** Asks the stream URL over HTTP, with the same headers, what stopped the upgrade. */
async function whyRefused(url: string, headers: Record<string, string>): Promise<SimulatorError> {
  const httpUrl = url.replace(/^ws/, "http");
  let response: Response;
  try {
    response = await fetch(httpUrl, { headers, redirect: "manual" });
  } catch (error) {
    return new SimulatorError(
      "unreachable",
      `Cannot open the media stream at ${url}: nothing answers there (${(error as Error).message}).`,
      { cause: error },
    );
  }
  const text = (await response.text()).trim().slice(0, 200);
  if (response.status === 403) {
    return new SimulatorError(
      "refused",
      `The server refused the media stream at ${url} (403${text ? `: ${text}` : ""}).`,
      { status: 403 },
    );
  }
  return new SimulatorError(
    "rejected",
    `The server would not open the media stream at ${url} (HTTP ${response.status}${text ? `: ${text}` : ""}).`,
    { status: response.status },
  );
}
