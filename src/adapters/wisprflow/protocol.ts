/**
 * WisprFlow's streaming WebSocket API, as far as it could be confirmed (November 2026).
 *
 * Confirmed from WisprFlow's own docs (api-docs.wisprflow.ai/websocket_api):
 * - API-key endpoint `wss://platform-api.wisprflow.ai/api/v1/dash/ws?api_key=Bearer%20<KEY>`
 *   (a separate `client_ws?client_key=` endpoint exists for browser-side tokens; not used here).
 * - The first message starts the session: `{ "type": "auth", "access_token": … }`, and audio may
 *   follow once the server confirms the session started.
 * - Audio: base64 single-channel 16-bit (int16) PCM at 16 kHz, in `append` messages carrying a
 *   `position`, chunks of equal duration, "ideally 1-second chunks".
 * - The end of audio MUST be marked with `{ "type": "commit", "total_packets": N }`.
 * - Partial and final results arrive during the session; finals carry `final: true`.
 * - `position` counts packets: after two appends of four packets the third has position 8.
 *
 * Not confirmed (the docs pages were only partly readable; taken from public client code that
 * talks to the real service, and written down so it can be checked against a live key):
 * - The append body nests the audio as `audio_packets: { packets: [b64…], volumes: [0..1 each],
 *   packet_duration: seconds, audio_encoding: "wav", byte_encoding: "base64" }`, `volumes` as
 *   long as `packets`. (The docs' summary table shows a flatter `{ audio, position }`.)
 * - Whether each packet needs a WAV header: we send bare PCM, as the docs' wording and the
 *   brief say; some clients wrap each packet in a 44-byte RIFF header.
 * - Server messages use `status`: "auth" (session started), "info", "text" (with `final` and
 *   `body.text`; some clients read a top-level `text`), "error".
 * - A session is one dictation: after the final the server may close the socket, so the
 *   adapter opens one connection per utterance. How the service rejects a bad key (HTTP 401 at
 *   the handshake, or an error message after `auth`) is unknown; both are handled.
 * - The service gives no word timings or confidence; results carry the utterance's audio times
 *   and confidence null.
 */

export const WISPRFLOW_DEFAULT_URL = "wss://platform-api.wisprflow.ai/api/v1/dash/ws";

export interface WisprAuthMessage {
  type: "auth";
  access_token: string;
  /** ISO 639-1 codes the speaker may use; one code skips language detection. */
  language?: string[];
}

export interface WisprAppendMessage {
  type: "append";
  /** Index of the first packet in this message among all packets of the session. */
  position: number;
  audio_packets: {
    /** Base64 16-bit little-endian PCM, 16 kHz mono, every packet the same length. */
    packets: string[];
    /** RMS level of each packet, 0..1. */
    volumes: number[];
    /** Seconds of audio in each packet. */
    packet_duration: number;
    audio_encoding: "wav";
    byte_encoding: "base64";
  };
}

export interface WisprCommitMessage {
  type: "commit";
  total_packets: number;
}

export type WisprServerMessage =
  | { status: "auth" }
  | { status: "info"; message?: unknown }
  | { status: "text"; final: boolean; text: string }
  | { status: "error"; error: string }
  | { status: "other"; raw: string };

/** The connect URL for an API key; the key travels as `Bearer <key>`, URL-encoded. */
export function wisprConnectUrl(baseUrl: string, apiKey: string): string {
  const url = new URL(baseUrl);
  url.searchParams.set("api_key", `Bearer ${apiKey}`);
  return url.toString();
}

/** The URL without its query, safe for logs and error messages (the key is in the query). */
export function wisprSafeUrl(baseUrl: string): string {
  const url = new URL(baseUrl);
  return `${url.protocol}//${url.host}${url.pathname}`;
}

/** Reads one server message; tolerant of the shapes public clients have seen. */
export function parseWisprMessage(data: unknown): WisprServerMessage {
  const raw = typeof data === "string" ? data : new TextDecoder().decode(data as ArrayBuffer);
  let message: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(raw);
    if (!parsed || typeof parsed !== "object") return { status: "other", raw };
    message = parsed as Record<string, unknown>;
  } catch {
    return { status: "other", raw };
  }
  const status = message.status ?? message.type;
  switch (status) {
    case "auth":
      return { status: "auth" };
    case "info":
      return { status: "info", message: message.message };
    case "text": {
      const body = message.body as Record<string, unknown> | undefined;
      const text = typeof body?.text === "string" ? body.text : typeof message.text === "string" ? message.text : "";
      return { status: "text", final: message.final === true, text };
    }
    case "error": {
      const detail = message.error ?? message.message ?? message.detail ?? "no detail given";
      return { status: "error", error: typeof detail === "string" ? detail : JSON.stringify(detail) };
    }
    default:
      return { status: "other", raw };
  }
}
