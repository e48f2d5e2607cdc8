import { DeepgramClient, type Deepgram } from "@deepgram/sdk";
import {
  CredentialsRefusedError,
  mulawDurationMs,
  type AudioFrame,
  type Transcriber,
  type TranscriberOpenOptions,
  type TranscriberSession,
} from "../../ports/transcriber.ts";
import { createAudioClock } from "../audio/audio-clock.ts";
import { bunWebSocketTransport } from "./bun-websocket-transport.ts";

export interface DeepgramConfig {
  /** DEEPGRAM_API_KEY. */
  apiKey: string;
  /**
   * Base URL of the streaming API (the SDK's `baseUrl`), `wss://api.deepgram.com` by default;
   * the SDK appends `/v1/listen`. Tests point it at a loopback peer, e.g. `ws://127.0.0.1:PORT`.
   */
  url?: string;
}

export interface DeepgramOptions {
  /** Send KeepAlive when no audio went out for this long, in ms. Deepgram closes after 10 s (NET-0001); its docs say every 3–5 s. Default 4000. */
  keepAliveMs?: number;
  /** Time allowed to open the socket, in ms. Default 5000. */
  connectTimeoutMs?: number;
  /** Time allowed after CloseStream for the last results and the server's close, in ms. Default 5000. */
  closeTimeoutMs?: number;
  /**
   * Audio sent to Deepgram per message, in ms (Twilio's 20 ms frames joined up to this). Deepgram
   * recommends 20–250 ms a message (its Twilio examples buffer 400 ms); each message is a
   * socket write, and at 20 ms one per frame was a quarter of a live call's CPU (at 100 ms still
   * an eighth, at 200 ms 8 %). Default 240, the most whole 20 ms frames within 250 ms: words reach
   * Deepgram 120 ms later on average (240 at most), far inside its own interim latency. 20 sends
   * every frame as it comes.
   */
  batchMs?: number;
}

const NAME = "deepgram";

/**
 * The live transcription settings the seed asks for (INTEGRATIONS.md, Deepgram), for Twilio's
 * µ-law 8 kHz mono audio, with interim results so the live view updates while people speak.
 */
export const DEEPGRAM_LISTEN_SETTINGS = {
  model: "nova-2-phonecall",
  punctuate: "true",
  smart_format: "true",
  diarize: "true",
  utterance_end_ms: 1500,
  encoding: "mulaw",
  sample_rate: 8000,
  channels: 1,
  interim_results: "true",
} as const;

/**
 * Live transcription through Deepgram's streaming API (`/v1/listen`) with @deepgram/sdk's
 * listen.v1 socket. Frames go to Deepgram as they are (µ-law 8 kHz, binary messages).
 *
 * Confirmed from Deepgram's docs and the SDK's generated types: query parameters as above;
 * auth by `Authorization: Token <key>` (the SDK adds "Token "); server messages `Results`
 * (`is_final`, `speech_final`, `start` and `duration` in seconds of the audio received,
 * `channel.alternatives[0].transcript` and `.confidence`), `UtteranceEnd` (needs
 * interim_results), `Metadata` (sent after CloseStream, before the server closes),
 * `SpeechStarted` (only with vad_events); client messages `KeepAlive` (text frame; without
 * audio or KeepAlive for 10 s the server closes with NET-0001) and `CloseStream` (flush the
 * remaining results, send Metadata, close). A bad key is refused at the handshake (HTTP 401).
 * The SDK's own reconnection is switched off: reconnecting silently would lose audio, and
 * the fallback wrapper decides what happens after a drop.
 *
 * @example
 * const deepgram = createDeepgramTranscriber({ apiKey: env.DEEPGRAM_API_KEY });
 * const session = await deepgram.open({ track: "outbound", callId, onResult });
 */
export function createDeepgramTranscriber(config: DeepgramConfig, options: DeepgramOptions = {}): Transcriber {
  if (!config.apiKey) throw new Error("Deepgram needs an API key (DEEPGRAM_API_KEY)");
  const keepAliveMs = options.keepAliveMs ?? 4000;
  const connectTimeoutMs = options.connectTimeoutMs ?? 5000;
  const closeTimeoutMs = options.closeTimeoutMs ?? 5000;
  const batchMs = options.batchMs ?? 240;
  const where = config.url ?? "wss://api.deepgram.com";
  // One client for every session: each connect() opens its own socket, on Bun's WebSocket.
  const client = new DeepgramClient({
    apiKey: config.apiKey,
    transportFactory: bunWebSocketTransport,
    ...(config.url ? { baseUrl: config.url } : {}),
  });

  return {
    name: NAME,
    async open(openOptions) {
      const socket = await client.listen.v1.connect({
        ...DEEPGRAM_LISTEN_SETTINGS,
        reconnectAttempts: 0,
        shouldReconnect: () => false,
        connectionTimeoutInSeconds: connectTimeoutMs / 1000,
      });
      const session = createSession(socket, openOptions, { keepAliveMs, closeTimeoutMs, batchMs });
      socket.connect();
      try {
        await withTimeout(socket.waitForOpen(), connectTimeoutMs);
      } catch (cause) {
        session.abandon();
        const message = openFailure(where, cause);
        throw refusedKey(message) ? new CredentialsRefusedError(message, { cause }) : new Error(message, { cause });
      }
      session.start();
      return session;
    },
  };
}

type ListenSocket = Awaited<ReturnType<DeepgramClient["listen"]["v1"]["connect"]>>;

interface Session extends TranscriberSession {
  /** Called once the socket is open: from now on a close is a drop. */
  start(): void;
  /** The socket never opened: release it without callbacks. */
  abandon(): void;
}

function createSession(
  socket: ListenSocket,
  options: TranscriberOpenOptions,
  timing: { keepAliveMs: number; closeTimeoutMs: number; batchMs: number },
): Session {
  const clock = createAudioClock();
  let state: "connecting" | "open" | "closing" | "done" = "connecting";
  let interimShown = false;
  let lastAudioAt = Date.now();
  let keepAlive: ReturnType<typeof setInterval> | undefined;
  let closeTimer: ReturnType<typeof setTimeout> | undefined;
  let finished: () => void = () => {};
  const closed = new Promise<void>((resolve) => (finished = resolve));
  const batch = createAudioBatch(timing.batchMs, (audio) => {
    try {
      socket.sendMedia(audio);
      lastAudioAt = Date.now();
      return true;
    } catch (cause) {
      fail(new Error("Deepgram refused audio: the socket is not open", { cause }));
      return false;
    }
  });

  socket.on("message", (message) => {
    if (state !== "open" && state !== "closing") return;
    if (message.type === "Results") onResults(message);
    // UtteranceEnd, SpeechStarted and Metadata carry nothing to show: finals already mark
    // the text, and the transcript store works from finals.
  });
  socket.on("error", (error) => {
    if (state === "open") fail(new Error(`Deepgram connection failed: ${error.message}`, { cause: error }));
  });
  socket.on("close", (event) => {
    if (state === "open") {
      fail(
        new Error(`Deepgram connection dropped (close code ${event.code}${event.reason ? `, "${event.reason}"` : ""})`),
      );
    } else if (state === "closing") {
      end();
    }
  });

  function onResults(message: Deepgram.listen.ListenV1Results): void {
    const best = message.channel.alternatives[0];
    const text = best?.transcript.trim() ?? "";
    const isFinal = message.is_final === true;
    if (!text) {
      // An empty final after a shown interim tells the viewer to drop that interim.
      if (isFinal && interimShown) emit("", true, message, null);
      if (isFinal) interimShown = false;
      return;
    }
    emit(text, isFinal, message, best?.confidence ?? null);
    interimShown = !isFinal;
  }

  function emit(
    text: string,
    isFinal: boolean,
    message: Deepgram.listen.ListenV1Results,
    confidence: number | null,
  ): void {
    options.onResult({
      text,
      isFinal,
      startMs: clock.toCallMs(message.start * 1000),
      endMs: clock.toCallMs((message.start + message.duration) * 1000),
      confidence,
      transcriber: NAME,
    });
  }

  function stopTimers(): void {
    batch.drop();
    clearInterval(keepAlive);
    clearTimeout(closeTimer);
  }

  function end(): void {
    if (state === "done") return;
    state = "done";
    stopTimers();
    socket.close();
    options.onClose?.();
    finished();
  }

  function fail(error: Error): void {
    if (state === "done") return;
    state = "done";
    stopTimers();
    socket.close();
    options.onError?.(error);
    options.onClose?.();
    finished();
  }

  return {
    start() {
      state = "open";
      lastAudioAt = Date.now();
      // Checked at half the interval, so the longest wait between messages is keepAliveMs × 1.5.
      keepAlive = setInterval(
        () => {
          if (state !== "open" || Date.now() - lastAudioAt < timing.keepAliveMs) return;
          try {
            socket.sendKeepAlive({ type: "KeepAlive" });
            lastAudioAt = Date.now();
          } catch (cause) {
            fail(new Error("Deepgram KeepAlive could not be sent", { cause }));
          }
        },
        Math.max(1, timing.keepAliveMs / 2),
      );
    },
    abandon() {
      state = "done";
      socket.close();
    },
    send(frame: AudioFrame) {
      if (state !== "open") return;
      // Noted as sent now: Deepgram's times count the audio in the order it is queued here.
      clock.sent(frame.timestampMs, mulawDurationMs(frame.payload));
      batch.add(frame.payload);
    },
    close() {
      if (state === "open") {
        // The last, partial batch goes before CloseStream, so its words are transcribed too.
        if (!batch.flush()) return closed;
        state = "closing";
        clearInterval(keepAlive);
        try {
          socket.sendCloseStream({ type: "CloseStream" });
          closeTimer = setTimeout(end, timing.closeTimeoutMs);
        } catch {
          // The socket is already gone, so there is nothing left to flush.
          end();
        }
      } else if (state === "connecting") {
        end();
      }
      return closed;
    },
  };
}

/**
 * Frames joined into one message of `batchMs` of audio (µ-law 8 kHz: 8 bytes a ms). A batch that
 * is not full goes out `batchMs` after its first frame, so a pause in the audio never holds
 * words back longer than that. `send` answers false once the socket refused audio.
 */
function createAudioBatch(batchMs: number, send: (audio: Uint8Array) => boolean) {
  const fullBytes = Math.max(1, Math.round(batchMs * 8));
  let frames: Uint8Array[] = [];
  let bytes = 0;
  // One timer per session, re-armed (refresh) for each batch rather than created per batch.
  let timer: ReturnType<typeof setTimeout> | undefined;
  const flush = (): boolean => {
    if (bytes === 0) return true;
    const audio = frames.length === 1 ? frames[0]! : (sideBySide(frames, bytes) ?? Buffer.concat(frames, bytes));
    frames = [];
    bytes = 0;
    return send(audio);
  };
  return {
    /** Queues a frame; false when sending a full batch failed. */
    add(frame: Uint8Array): boolean {
      if (bytes === 0 && fullBytes > frame.byteLength) {
        if (timer) timer.refresh();
        else timer = setTimeout(flush, batchMs);
      }
      frames.push(frame);
      bytes += frame.byteLength;
      return bytes >= fullBytes ? flush() : true;
    },
    flush,
    /** Forgets what is queued (the session is over). */
    drop() {
      clearTimeout(timer);
      timer = undefined;
      frames = [];
      bytes = 0;
    },
  };
}

/**
 * The frames as one view when they lie side by side in one buffer (a track's payloads decoded
 * into a slab, see twilio/media-payload-decoder.ts): the batch goes without a copy.
 */
function sideBySide(frames: Uint8Array[], bytes: number): Uint8Array | null {
  const first = frames[0]!;
  let end = first.byteOffset + first.byteLength;
  for (let i = 1; i < frames.length; i++) {
    const frame = frames[i]!;
    if (frame.buffer !== first.buffer || frame.byteOffset !== end) return null;
    end += frame.byteLength;
  }
  return new Uint8Array(first.buffer, first.byteOffset, bytes);
}

const refusedKey = (message: string) => message.startsWith("Deepgram refused the API key");

function openFailure(where: string, cause: unknown): string {
  const text = describe(cause);
  const status = /response:? (\d{3})|status code:? (\d{3})/i.exec(text);
  const code = status?.[1] ?? status?.[2];
  if (code === "401" || code === "403")
    return `Deepgram refused the API key (HTTP ${code} from ${where}): check DEEPGRAM_API_KEY`;
  if (code) return `Deepgram refused the connection (HTTP ${code} from ${where})`;
  return `Deepgram could not be reached at ${where}: ${text}`;
}

/** The SDK rejects with error events as well as Errors; both carry a message. */
function describe(cause: unknown): string {
  if (cause && typeof cause === "object") {
    const { message, error } = cause as { message?: unknown; error?: { message?: unknown } };
    if (typeof message === "string" && message) return message;
    if (typeof error?.message === "string" && error.message) return error.message;
  }
  return String(cause);
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
