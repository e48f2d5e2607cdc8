import {
  mulawDurationMs,
  type AudioFrame,
  type Transcriber,
  type TranscriberOpenOptions,
  type TranscriberSession,
} from "../../ports/transcriber.ts";
import { createChunker, type Chunker } from "../audio/chunker.ts";
import { createMulawToPcm16k, PCM16K_BYTES_PER_MS } from "../audio/mulaw-to-pcm16k.ts";
import { fromPcm16le, rms } from "../audio/pcm.ts";
import { connectWisprflow, type WisprConnection } from "./connection.ts";
import { WISPRFLOW_DEFAULT_URL, type WisprServerMessage } from "./protocol.ts";

export interface WisprflowConfig {
  /** WISPRFLOW_API_KEY. */
  apiKey: string;
  /** The API-key WebSocket endpoint; tests point it at a loopback peer. */
  url?: string;
  /** ISO 639-1 codes the speakers may use. Default ["en"]. */
  language?: string[];
}

export interface WisprflowOptions {
  /** Length of every audio packet in ms (WisprFlow: equal chunks, ideally 1 s). Default 1000. */
  chunkMs?: number;
  /** Silence after speech that ends an utterance (its session is committed), in ms. Default 1200. */
  endpointMs?: number;
  /** An utterance longer than this is committed anyway, in ms. Default 30 000. */
  maxUtteranceMs?: number;
  /** RMS level (of 32768) at or above which a 20 ms frame counts as speech. Default 150 (about -47 dBFS). */
  speechLevel?: number;
  /** Audio kept from before the first speech frame of an utterance, in ms. Default 300. */
  preRollMs?: number;
  /** Time allowed to connect and get the session confirmed, in ms. Default 5000. */
  connectTimeoutMs?: number;
  /** Time allowed from an utterance's end to its final result, in ms. Default 10 000. */
  finalTimeoutMs?: number;
  /** WebSocket constructor; the global one by default. */
  WebSocket?: typeof WebSocket;
}

const NAME = "wisprflow";

/**
 * Live transcription through WisprFlow's WebSocket API (see ./protocol.ts for what of the
 * protocol is confirmed). µ-law 8 kHz frames are decoded and resampled to 16-bit 16 kHz PCM
 * and sent base64 in equal packets of `chunkMs`.
 *
 * WisprFlow is a dictation API: one session is one utterance, ended by `commit` and answered
 * with one final. So the adapter splits the call into utterances by level (speech, then
 * `endpointMs` of silence) and runs one session per utterance on its own connection, opening
 * the next connection while the previous utterance is being finalised. Silence between
 * utterances is not sent. Results come out in utterance order even if finals arrive out of order.
 *
 * @example
 * const wisprflow = createWisprflowTranscriber({ apiKey: env.WISPRFLOW_API_KEY });
 * const session = await wisprflow.open({ track: "inbound", callId, onResult });
 */
export function createWisprflowTranscriber(config: WisprflowConfig, options: WisprflowOptions = {}): Transcriber {
  if (!config.apiKey) throw new Error("WisprFlow needs an API key (WISPRFLOW_API_KEY)");
  const settings: Settings = {
    chunkMs: options.chunkMs ?? 1000,
    endpointMs: options.endpointMs ?? 1200,
    maxUtteranceMs: options.maxUtteranceMs ?? 30_000,
    speechLevel: options.speechLevel ?? 150,
    preRollMs: options.preRollMs ?? 300,
    finalTimeoutMs: options.finalTimeoutMs ?? 10_000,
  };
  const connect = () =>
    connectWisprflow({
      url: config.url ?? WISPRFLOW_DEFAULT_URL,
      apiKey: config.apiKey,
      language: config.language ?? ["en"],
      timeoutMs: options.connectTimeoutMs ?? 5000,
      WebSocket: options.WebSocket ?? WebSocket,
    });
  return {
    name: NAME,
    async open(openOptions) {
      // The first connection proves the key and the service before the call relies on them.
      const first = await connect();
      return openSession(first, openOptions, settings, connect);
    },
  };
}

interface Settings {
  chunkMs: number;
  endpointMs: number;
  maxUtteranceMs: number;
  speechLevel: number;
  preRollMs: number;
  finalTimeoutMs: number;
}

interface Utterance {
  speechStartMs: number;
  lastAudioEndMs: number;
  lastSpeechEndMs: number;
  silenceMs: number;
  chunker: Chunker;
  /** Packets waiting for the connection. */
  queued: Uint8Array[];
  packetsSent: number;
  committed: boolean;
  conn: WisprConnection | null;
  /** Latest partial text not yet passed on. */
  interim: string | null;
  interimShown: boolean;
  finalText: string | null;
  finalTimer: ReturnType<typeof setTimeout> | null;
}

function openSession(
  first: WisprConnection,
  options: TranscriberOpenOptions,
  settings: Settings,
  connect: () => Promise<WisprConnection>,
): TranscriberSession {
  const converter = createMulawToPcm16k();
  const chunkBytes = settings.chunkMs * PCM16K_BYTES_PER_MS;
  const preRoll: { pcm: Uint8Array; durationMs: number }[] = [];
  let preRollMs = 0;
  /** The connection for the next utterance, opened ahead of time. */
  let spare: Promise<WisprConnection> | null = Promise.resolve(first);
  let current: Utterance | null = null;
  /** Utterances whose results are not all passed on yet, in spoken order. */
  const pending: Utterance[] = [];
  let state: "open" | "closing" | "done" = "open";
  let finished: () => void = () => {};
  const closed = new Promise<void>((resolve) => (finished = resolve));

  function send(frame: AudioFrame): void {
    if (state !== "open") return;
    const pcm = converter.convert(frame.payload);
    const durationMs = mulawDurationMs(frame.payload);
    const endMs = frame.timestampMs + durationMs;
    const speech = rms(converter.lastSamples8k) >= settings.speechLevel;
    if (!current) {
      if (!speech) {
        preRoll.push({ pcm, durationMs });
        preRollMs += durationMs;
        while (preRoll.length > 0 && preRollMs > settings.preRollMs) preRollMs -= preRoll.shift()!.durationMs;
        return;
      }
      current = startUtterance(frame.timestampMs);
      for (const earlier of preRoll.splice(0)) append(current, earlier.pcm);
      preRollMs = 0;
    }
    append(current, pcm);
    current.lastAudioEndMs = endMs;
    if (speech) {
      current.lastSpeechEndMs = endMs;
      current.silenceMs = 0;
    } else {
      current.silenceMs += durationMs;
    }
    if (current.silenceMs >= settings.endpointMs || endMs - current.speechStartMs >= settings.maxUtteranceMs) {
      finish(current);
    }
  }

  function startUtterance(speechStartMs: number): Utterance {
    const utterance: Utterance = {
      speechStartMs,
      lastAudioEndMs: speechStartMs,
      lastSpeechEndMs: speechStartMs,
      silenceMs: 0,
      chunker: createChunker(chunkBytes),
      queued: [],
      packetsSent: 0,
      committed: false,
      conn: null,
      interim: null,
      interimShown: false,
      finalText: null,
      finalTimer: null,
    };
    pending.push(utterance);
    const ready = spare ?? connect();
    spare = null;
    // A spare that failed to open, or that the server closed while idle, is replaced by a
    // fresh connection; only if that fails too is the session lost.
    ready
      .then(
        (conn) => (conn.alive ? conn : connect()),
        () => connect(),
      )
      .then(
        (conn) => attach(utterance, conn),
        (error: Error) => fail(error),
      );
    return utterance;
  }

  function attach(utterance: Utterance, conn: WisprConnection): void {
    if (state === "done") {
      conn.close();
      return;
    }
    utterance.conn = conn;
    conn.onMessage = (message) => onMessage(utterance, message);
    conn.onDrop = (error) => {
      if (utterance.finalText === null) fail(error);
    };
    for (const packet of utterance.queued.splice(0)) sendPacket(utterance, packet);
    if (utterance.committed) conn.send({ type: "commit", total_packets: utterance.packetsSent });
  }

  function append(utterance: Utterance, pcm: Uint8Array): void {
    for (const packet of utterance.chunker.push(pcm)) {
      if (utterance.conn) sendPacket(utterance, packet);
      else utterance.queued.push(packet);
    }
  }

  function sendPacket(utterance: Utterance, packet: Uint8Array): void {
    utterance.conn!.send({
      type: "append",
      position: utterance.packetsSent,
      audio_packets: {
        packets: [Buffer.from(packet.buffer, packet.byteOffset, packet.byteLength).toString("base64")],
        volumes: [Math.min(1, rms(fromPcm16le(packet)) / 32768)],
        packet_duration: settings.chunkMs / 1000,
        audio_encoding: "wav",
        byte_encoding: "base64",
      },
    });
    utterance.packetsSent++;
  }

  /** Ends the utterance: the last packet padded with silence, then `commit`. */
  function finish(utterance: Utterance): void {
    current = null;
    const last = utterance.chunker.flush(0);
    if (last) {
      if (utterance.conn) sendPacket(utterance, last);
      else utterance.queued.push(last);
    }
    utterance.committed = true;
    if (utterance.conn) utterance.conn.send({ type: "commit", total_packets: utterance.packetsSent });
    utterance.finalTimer = setTimeout(
      () =>
        fail(
          new Error(`WisprFlow sent no final result within ${settings.finalTimeoutMs} ms of the end of an utterance`),
        ),
      settings.finalTimeoutMs,
    );
    if (state === "open" && !spare) {
      spare = connect();
      // Marks the rejection as seen; the utterance that takes this spare still receives it.
      spare.catch(() => undefined);
    }
  }

  function onMessage(utterance: Utterance, message: WisprServerMessage): void {
    if (state === "done" || utterance.finalText !== null) return;
    if (message.status === "text") {
      // A "final" before our commit cannot be the utterance's last word; show it as partial.
      if (message.final && utterance.committed) {
        utterance.finalText = message.text.trim();
        clearTimeout(utterance.finalTimer ?? undefined);
        utterance.conn?.close();
      } else {
        utterance.interim = message.text.trim();
      }
      pump();
    } else if (message.status === "error") {
      fail(new Error(`WisprFlow reported an error: ${message.error}`));
    }
  }

  /** Passes results on in spoken order: a later utterance waits for the earlier one's final. */
  function pump(): void {
    while (pending.length > 0) {
      const head = pending[0]!;
      if (head.finalText !== null) {
        pending.shift();
        if (head.finalText || head.interimShown) {
          emit(head, head.finalText, true, head.lastSpeechEndMs);
        }
        continue;
      }
      if (head.interim !== null) {
        emit(head, head.interim, false, head.lastAudioEndMs);
        head.interimShown = true;
        head.interim = null;
      }
      break;
    }
    if (state === "closing" && pending.length === 0) end();
  }

  function emit(utterance: Utterance, text: string, isFinal: boolean, endMs: number): void {
    options.onResult({ text, isFinal, startMs: utterance.speechStartMs, endMs, confidence: null, transcriber: NAME });
  }

  function release(): void {
    for (const utterance of pending) {
      clearTimeout(utterance.finalTimer ?? undefined);
      utterance.conn?.close();
    }
    pending.length = 0;
    current = null;
    spare?.then(
      (conn) => conn.close(),
      () => undefined,
    );
    spare = null;
  }

  function end(): void {
    if (state === "done") return;
    state = "done";
    release();
    options.onClose?.();
    finished();
  }

  function fail(error: Error): void {
    if (state === "done") return;
    state = "done";
    release();
    options.onError?.(error);
    options.onClose?.();
    finished();
  }

  return {
    send,
    close() {
      if (state === "open") {
        state = "closing";
        if (current) finish(current);
        pump();
      }
      return closed;
    },
  };
}
