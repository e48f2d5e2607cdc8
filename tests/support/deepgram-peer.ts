/**
 * A loopback stand-in for Deepgram's live transcription API (`/v1/listen`), speaking the protocol
 * as Deepgram documents it: auth by `Authorization: Token <key>` (or the browser form
 * `Sec-WebSocket-Protocol: token, <key>`) checked at the handshake (HTTP 401 otherwise); raw audio
 * as binary messages; text messages KeepAlive / Finalize / CloseStream; Results (interim and
 * final, times in seconds of audio received), UtteranceEnd and, after CloseStream, Metadata and a
 * close; and the NET-0001 close after `idleTimeoutMs` without audio or KeepAlive. Also
 * `GET /v1/projects` (the management API's project list) with the same key, for key checks.
 *
 * It recognises nothing: the words come from a script (turns timed in ms of audio received) or a
 * word list (one word every `msPerWord`), released as the audio clock passes them.
 * Not modelled: diarization output, word-level timings beyond one span per result, Finalize's
 * from_finalize flag, the close code's exact reason text (assumed 1011 for NET-0001).
 */
import type { Server, ServerWebSocket } from "bun";

export interface DeepgramPeerOptions {
  apiKey: string;
  /** Turns to "recognise", in ms of audio received on each connection. */
  script?: { text: string; startMs: number; endMs: number }[];
  /** Without a script: words released one every msPerWord ms of audio, a final every wordsPerFinal. */
  words?: string[];
  msPerWord?: number;
  wordsPerFinal?: number;
  /** Close with NET-0001 after this long without audio or KeepAlive (Deepgram: 10 s). */
  idleTimeoutMs?: number;
  /** Answer the first N handshakes with HTTP 503, as during a brief outage, then accept. */
  refuseFirst?: number;
  /** Keep every audio message's bytes on the connection (`audio`), to check what arrived. */
  keepAudio?: boolean;
}

export interface DeepgramPeerConnection {
  query: Record<string, string>;
  /** µ-law bytes received. */
  bytes: number;
  audioMessages: number;
  /** Each audio message's bytes, with `keepAudio` (empty otherwise). */
  audio: Uint8Array[];
  keepAlives: number;
  closeStream: boolean;
  closedForIdle: boolean;
  /** Results finals sent, in order (a send to a socket already closed is not counted). */
  finals: string[];
  /** When each final was sent (Date.now()), beside `finals`. */
  finalAt: number[];
  /** When the connection closed (Date.now()), null while open. */
  closedAt: number | null;
  problems: string[];
}

export interface DeepgramPeer {
  /** Base URL for the SDK (`baseUrl`): ws://127.0.0.1:PORT */
  url: string;
  connections: DeepgramPeerConnection[];
  /** Handshakes refused for a missing or wrong key. */
  refused: number;
  /** Handshakes answered 503 (refuseFirst, or refuseFor). */
  unavailable: number;
  /** Answers the next N handshakes with HTTP 503 (0 stops refusing). */
  refuseFor(handshakes: number): void;
  /** Drops every open connection (close 1011) but keeps listening, as a network blip would. */
  dropConnections(): void;
  totalBytes(): number;
  problems(): string[];
  /** Drops every connection at once and stops listening, as a crash would. */
  kill(): void;
  stop(): Promise<void>;
}

interface SocketData {
  record: DeepgramPeerConnection;
  /** Words or script position. */
  nextTurn: number;
  interimSent: boolean;
  wordIndex: number;
  utteranceWords: string[];
  utteranceStartMs: number;
  idleTimer: ReturnType<typeof setTimeout> | null;
}

/** Deepgram's docs warn that KeepAlive and friends must be text frames: spot one sent as binary. */
function controlMessageIn(bytes: Uint8Array): boolean {
  if (bytes.length > 256 || bytes[0] !== 0x7b) return false;
  try {
    const parsed = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes)) as { type?: unknown };
    return typeof parsed.type === "string";
  } catch {
    return false;
  }
}

const REQUIRED_FOR_RAW_AUDIO = ["encoding", "sample_rate"];

export function startDeepgramPeer(options: DeepgramPeerOptions): DeepgramPeer {
  const connections: DeepgramPeerConnection[] = [];
  const sockets = new Set<ServerWebSocket<SocketData>>();
  let refused = 0;
  let unavailable = 0;
  let toRefuse = options.refuseFirst ?? 0;
  const idleTimeoutMs = options.idleTimeoutMs ?? 10_000;
  const msPerWord = options.msPerWord ?? 400;
  const wordsPerFinal = options.wordsPerFinal ?? 6;
  const words = options.words ?? ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel"];

  const server: Server<SocketData> = Bun.serve<SocketData>({
    hostname: "127.0.0.1",
    port: 0,
    fetch(req, srv) {
      const url = new URL(req.url);
      const auth = req.headers.get("authorization");
      // The management API's project list (the app's key check), over plain HTTP on the same host.
      if (req.method === "GET" && url.pathname === "/v1/projects") {
        if (auth !== `Token ${options.apiKey}`)
          return Response.json(
            { err_code: "INVALID_AUTH", err_msg: "Invalid credentials.", request_id: crypto.randomUUID() },
            { status: 401 },
          );
        return Response.json({ projects: [{ project_id: "5f1c6c9e-peer", name: "Switchboard" }] });
      }
      if (url.pathname !== "/v1/listen") return new Response("not found", { status: 404 });
      const protocols = (req.headers.get("sec-websocket-protocol") ?? "").split(",").map((p) => p.trim());
      const keyOk = auth === `Token ${options.apiKey}` || (protocols[0] === "token" && protocols[1] === options.apiKey);
      if (!keyOk) {
        refused++;
        return Response.json(
          { err_code: "INVALID_AUTH", err_msg: "Invalid credentials.", request_id: crypto.randomUUID() },
          { status: 401, headers: { "dg-error": "Invalid credentials." } },
        );
      }
      if (toRefuse > 0) {
        toRefuse--;
        unavailable++;
        return Response.json({ err_code: "SERVICE_UNAVAILABLE", err_msg: "Try again shortly." }, { status: 503 });
      }
      const query = Object.fromEntries(url.searchParams);
      const missing = REQUIRED_FOR_RAW_AUDIO.filter((name) => query.encoding && !query[name]);
      if (missing.length > 0) {
        return Response.json({ err_code: "Bad Request", err_msg: `missing ${missing.join(", ")}` }, { status: 400 });
      }
      const record: DeepgramPeerConnection = {
        query,
        bytes: 0,
        audioMessages: 0,
        audio: [],
        keepAlives: 0,
        closeStream: false,
        closedForIdle: false,
        finals: [],
        finalAt: [],
        closedAt: null,
        problems: [],
      };
      const data: SocketData = {
        record,
        nextTurn: 0,
        interimSent: false,
        wordIndex: 0,
        utteranceWords: [],
        utteranceStartMs: 0,
        idleTimer: null,
      };
      if (srv.upgrade(req, { data })) {
        connections.push(record);
        return undefined;
      }
      return new Response("expected a WebSocket upgrade", { status: 426 });
    },
    websocket: {
      open(ws) {
        sockets.add(ws);
        armIdle(ws);
      },
      message(ws, message) {
        armIdle(ws);
        const { record } = ws.data;
        if (typeof message === "string") {
          let control: { type?: unknown };
          try {
            control = JSON.parse(message) as { type?: unknown };
          } catch {
            record.problems.push(`text message that is not JSON: ${message.slice(0, 40)}`);
            return;
          }
          if (control.type === "KeepAlive") record.keepAlives++;
          else if (control.type === "CloseStream") closeStream(ws);
          else if (control.type === "Finalize") flushUtterance(ws);
          else record.problems.push(`unknown control message ${JSON.stringify(control.type)}`);
          return;
        }
        const bytes = new Uint8Array(message);
        if (bytes.length === 0) {
          record.problems.push("empty binary message (the deprecated way to close)");
          return;
        }
        if (controlMessageIn(bytes)) record.problems.push("a JSON control message sent as binary");
        const zeros = bytes.reduce((n, b) => n + (b === 0 ? 1 : 0), 0);
        // µ-law 0x00 is the loudest negative sample; linear PCM silence is all zero bytes.
        if (query(record, "encoding") === "mulaw" && zeros > bytes.length / 2) {
          record.problems.push("audio looks like linear PCM, not µ-law");
        }
        record.bytes += bytes.length;
        record.audioMessages++;
        if (options.keepAudio) record.audio.push(bytes.slice());
        recognise(ws);
      },
      close(ws) {
        ws.data.record.closedAt = Date.now();
        sockets.delete(ws);
        if (ws.data.idleTimer) clearTimeout(ws.data.idleTimer);
      },
    },
  });

  const query = (record: DeepgramPeerConnection, name: string) => record.query[name];
  const audioMs = (record: DeepgramPeerConnection) => record.bytes / 8;

  function armIdle(ws: ServerWebSocket<SocketData>) {
    if (ws.data.idleTimer) clearTimeout(ws.data.idleTimer);
    ws.data.idleTimer = setTimeout(() => {
      ws.data.record.closedForIdle = true;
      ws.close(
        1011,
        "Deepgram did not receive audio data or a text message within the timeout window. See https://dpgr.am/net0001",
      );
    }, idleTimeoutMs);
  }

  function results(ws: ServerWebSocket<SocketData>, text: string, startMs: number, endMs: number, isFinal: boolean) {
    const list = text.split(/\s+/).filter(Boolean);
    const step = (endMs - startMs) / Math.max(1, list.length);
    const sent = ws.send(
      JSON.stringify({
        type: "Results",
        channel_index: [0, 1],
        duration: (endMs - startMs) / 1000,
        start: startMs / 1000,
        is_final: isFinal,
        speech_final: isFinal,
        channel: {
          alternatives: [
            {
              transcript: text,
              confidence: isFinal ? 0.97 : 0.8,
              words: list.map((word, i) => ({
                word: word.toLowerCase().replace(/[^a-z0-9']/g, ""),
                punctuated_word: word,
                start: (startMs + i * step) / 1000,
                end: (startMs + (i + 1) * step) / 1000,
                confidence: 0.9,
                speaker: 0,
              })),
            },
          ],
        },
        metadata: {
          request_id: crypto.randomUUID(),
          model_info: { name: "2-phonecall-nova", version: "loopback", arch: "nova-2" },
          model_uuid: crypto.randomUUID(),
        },
        from_finalize: false,
      }),
    );
    if (isFinal && sent !== 0) {
      ws.data.record.finals.push(text);
      ws.data.record.finalAt.push(Date.now());
    }
  }

  function recognise(ws: ServerWebSocket<SocketData>) {
    const now = audioMs(ws.data.record);
    if (options.script) {
      while (ws.data.nextTurn < options.script.length) {
        const turn = options.script[ws.data.nextTurn]!;
        if (now >= turn.endMs) {
          results(ws, turn.text, turn.startMs, turn.endMs, true);
          ws.send(JSON.stringify({ type: "UtteranceEnd", channel: [0, 1], last_word_end: turn.endMs / 1000 }));
          ws.data.nextTurn++;
          ws.data.interimSent = false;
          continue;
        }
        if (!ws.data.interimSent && now >= (turn.startMs + turn.endMs) / 2) {
          const half = turn.text.split(/\s+/);
          results(ws, half.slice(0, Math.ceil(half.length / 2)).join(" "), turn.startMs, now, false);
          ws.data.interimSent = true;
        }
        break;
      }
      return;
    }
    while ((ws.data.wordIndex + 1) * msPerWord <= now) {
      if (ws.data.utteranceWords.length === 0) ws.data.utteranceStartMs = ws.data.wordIndex * msPerWord;
      ws.data.utteranceWords.push(words[ws.data.wordIndex % words.length]!);
      ws.data.wordIndex++;
      const endMs = ws.data.wordIndex * msPerWord;
      if (ws.data.utteranceWords.length >= wordsPerFinal) flushUtterance(ws, endMs);
      else results(ws, ws.data.utteranceWords.join(" "), ws.data.utteranceStartMs, endMs, false);
    }
  }

  function flushUtterance(ws: ServerWebSocket<SocketData>, endMs = audioMs(ws.data.record)) {
    if (ws.data.utteranceWords.length === 0) return;
    results(ws, ws.data.utteranceWords.join(" "), ws.data.utteranceStartMs, endMs, true);
    ws.data.utteranceWords = [];
  }

  function closeStream(ws: ServerWebSocket<SocketData>) {
    const { record } = ws.data;
    record.closeStream = true;
    flushUtterance(ws);
    ws.send(
      JSON.stringify({
        type: "Metadata",
        transaction_key: "deprecated",
        request_id: crypto.randomUUID(),
        sha256: "loopback",
        created: new Date().toISOString(),
        duration: audioMs(record) / 1000,
        channels: 1,
      }),
    );
    ws.close(1000);
  }

  return {
    url: `ws://127.0.0.1:${server.port}`,
    connections,
    get refused() {
      return refused;
    },
    get unavailable() {
      return unavailable;
    },
    refuseFor(handshakes) {
      toRefuse = handshakes;
    },
    dropConnections() {
      for (const ws of sockets) ws.close(1011, "loopback peer dropped the connection");
    },
    totalBytes: () => connections.reduce((sum, c) => sum + c.bytes, 0),
    problems: () => connections.flatMap((c) => c.problems),
    kill() {
      server.stop(true);
    },
    async stop() {
      await server.stop(true);
    },
  };
}
