/**
 * A loopback stand-in for WisprFlow's streaming WebSocket API (`/api/v1/dash/ws`), speaking the
 * protocol as far as WisprFlow documents it (see src/adapters/wisprflow/protocol.ts for what is
 * confirmed and what is assumed): `api_key=Bearer <key>` checked at the handshake (HTTP 401);
 * first message `{type:"auth", access_token}` answered `{status:"auth"}`; `append` messages with
 * `position` and `audio_packets` of base64 16-bit PCM at 16 kHz in packets of equal length;
 * `{type:"commit", total_packets}` answered with an info message, the final text and a close.
 * Partial texts `{status:"text", final:false, body:{text}}` follow each append.
 *
 * It recognises nothing: each committed session gets the next text of `utterances` (or words from
 * a list), and partials reveal it one word per 500 ms of audio received.
 */
import type { Server, ServerWebSocket } from "bun";

export interface WisprflowPeerOptions {
  apiKey: string;
  /** The text of each committed session, in commit order. */
  utterances?: string[];
  /** Bytes every packet must have: 1 s of 16-bit 16 kHz mono by default. */
  packetBytes?: number;
  /** Answer the first N handshakes with HTTP 503, as during a brief outage, then accept. */
  refuseFirst?: number;
}

export interface WisprflowPeerSession {
  authed: boolean;
  /** PCM bytes received. */
  bytes: number;
  packets: number;
  committed: boolean;
  finalText: string | null;
  problems: string[];
}

export interface WisprflowPeer {
  /** The endpoint for the adapter's `url`: ws://127.0.0.1:PORT/api/v1/dash/ws */
  url: string;
  sessions: WisprflowPeerSession[];
  refused: number;
  /** Handshakes answered 503 (refuseFirst). */
  unavailable: number;
  totalBytes(): number;
  problems(): string[];
  /** Drops every connection at once and stops listening, as a crash would. */
  kill(): void;
  stop(): Promise<void>;
}

const PATH = "/api/v1/dash/ws";

export function startWisprflowPeer(options: WisprflowPeerOptions): WisprflowPeer {
  const sessions: WisprflowPeerSession[] = [];
  const packetBytes = options.packetBytes ?? 32_000;
  let refused = 0;
  let unavailable = 0;
  let toRefuse = options.refuseFirst ?? 0;
  let committedCount = 0;

  const server: Server<WisprflowPeerSession> = Bun.serve<WisprflowPeerSession>({
    hostname: "127.0.0.1",
    port: 0,
    fetch(req, srv) {
      const url = new URL(req.url);
      if (url.pathname !== PATH) return new Response("not found", { status: 404 });
      if (url.searchParams.get("api_key") !== `Bearer ${options.apiKey}`) {
        refused++;
        return Response.json({ error: "invalid api key" }, { status: 401 });
      }
      if (toRefuse > 0) {
        toRefuse--;
        unavailable++;
        return Response.json({ error: "service unavailable" }, { status: 503 });
      }
      const session: WisprflowPeerSession = {
        authed: false,
        bytes: 0,
        packets: 0,
        committed: false,
        finalText: null,
        problems: [],
      };
      if (srv.upgrade(req, { data: session })) {
        sessions.push(session);
        return undefined;
      }
      return new Response("expected a WebSocket upgrade", { status: 426 });
    },
    websocket: {
      message(ws, raw) {
        const session = ws.data;
        if (typeof raw !== "string") {
          session.problems.push("binary message: the API takes JSON text");
          return;
        }
        let message: Record<string, unknown>;
        try {
          message = JSON.parse(raw) as Record<string, unknown>;
        } catch {
          session.problems.push("message that is not JSON");
          return;
        }
        if (!session.authed) {
          if (message.type !== "auth") {
            session.problems.push(`first message was ${JSON.stringify(message.type)}, not auth`);
            ws.send(JSON.stringify({ status: "error", error: "the first message must be auth" }));
            ws.close(4001, "auth required");
            return;
          }
          if (message.access_token !== options.apiKey) {
            ws.send(JSON.stringify({ status: "error", error: "invalid access token" }));
            ws.close(4001, "invalid access token");
            return;
          }
          session.authed = true;
          ws.send(JSON.stringify({ status: "auth" }));
          return;
        }
        if (session.committed) {
          session.problems.push(`${String(message.type)} after commit`);
          return;
        }
        if (message.type === "append") append(ws, message);
        else if (message.type === "commit") commit(ws, message);
        else session.problems.push(`unknown message type ${JSON.stringify(message.type)}`);
      },
    },
  });

  function append(ws: ServerWebSocket<WisprflowPeerSession>, message: Record<string, unknown>) {
    const session = ws.data;
    if (message.position !== session.packets) {
      session.problems.push(`append position ${String(message.position)}, expected ${session.packets}`);
    }
    const audio = message.audio_packets as Record<string, unknown> | undefined;
    const packets = audio?.packets;
    if (!audio || !Array.isArray(packets) || packets.length === 0) {
      session.problems.push("append without audio_packets.packets");
      return;
    }
    if (!Array.isArray(audio.volumes) || audio.volumes.length !== packets.length) {
      session.problems.push("audio_packets.volumes must have one entry per packet");
    }
    if (audio.byte_encoding !== "base64") session.problems.push(`byte_encoding ${String(audio.byte_encoding)}`);
    const expectedDuration = packetBytes / 32_000;
    if (typeof audio.packet_duration !== "number" || Math.abs(audio.packet_duration - expectedDuration) > 1e-6) {
      session.problems.push(`packet_duration ${String(audio.packet_duration)}, expected ${expectedDuration}`);
    }
    for (const packet of packets) {
      const bytes = typeof packet === "string" ? Buffer.from(packet, "base64") : Buffer.alloc(0);
      // Equal chunks of 16-bit samples: the documented requirement this peer can check.
      if (bytes.length !== packetBytes)
        session.problems.push(`packet of ${bytes.length} bytes, expected ${packetBytes}`);
      if (/^RIFF/.test(bytes.subarray(0, 4).toString("latin1"))) session.problems.push("packet carries a WAV header");
      session.bytes += bytes.length;
      session.packets++;
    }
    const heardMs = session.bytes / 32;
    const text = textFor(committedCount);
    const words = text.split(/\s+/);
    const shown = Math.min(words.length - 1, Math.floor(heardMs / 500));
    if (shown > 0)
      ws.send(JSON.stringify({ status: "text", final: false, body: { text: words.slice(0, shown).join(" ") } }));
  }

  function commit(ws: ServerWebSocket<WisprflowPeerSession>, message: Record<string, unknown>) {
    const session = ws.data;
    if (message.total_packets !== session.packets) {
      session.problems.push(`commit total_packets ${String(message.total_packets)}, received ${session.packets}`);
    }
    session.committed = true;
    session.finalText = textFor(committedCount++);
    ws.send(JSON.stringify({ status: "info", message: { event: "commit_received" } }));
    ws.send(
      JSON.stringify({ status: "text", final: true, body: { text: session.finalText, detected_language: "en" } }),
    );
    ws.close(1000);
  }

  function textFor(index: number): string {
    return options.utterances?.[index] ?? `utterance ${index + 1}`;
  }

  return {
    url: `ws://127.0.0.1:${server.port}${PATH}`,
    sessions,
    get refused() {
      return refused;
    },
    get unavailable() {
      return unavailable;
    },
    totalBytes: () => sessions.reduce((sum, s) => sum + s.bytes, 0),
    problems: () => sessions.flatMap((s) => s.problems),
    kill() {
      server.stop(true);
    },
    async stop() {
      await server.stop(true);
    },
  };
}
