import type { VoiceSynthesiser } from "../../ports/voice-synthesiser.ts";
import { ulawFrames } from "../audio/ulaw-frames.ts";
import type { EspeakReply, EspeakRequest } from "./espeak-protocol.ts";
import type { TelephoneSpeechOptions } from "./telephone-speech.ts";

/** As the screen and the logs name it. */
export const OFFLINE_VOICE_NAME = "offline voice (espeak-ng)";

/** The offline voice, and what the composition needs to run it. */
export interface EspeakVoice extends VoiceSynthesiser {
  /** Starts the worker and loads eSpeak NG now (about half a second) rather than on the first call. */
  warm(): void;
  /** Stops the worker; a later speak() starts a new one. */
  close(): void;
}

interface Listener {
  audio(ulaw: Uint8Array): void;
  end(error?: Error): void;
}

/**
 * The embedded default voice: eSpeak NG compiled to WebAssembly, on a worker thread of its own
 * (started on first use, never keeping the process alive), resampled to 8 kHz with SpeexDSP and
 * µ-law encoded there. Frames reach the caller while the rest of the sentence is being made.
 * Robotic but clear, needs nothing but `npm install`, and says what it is.
 *
 * @example
 * const voice = createEspeakVoice();
 * for await (const frame of voice.speak("Hello, this is an automated assistant.", signal)) send(frame);
 */
export function createEspeakVoice(options: TelephoneSpeechOptions = {}): EspeakVoice {
  let worker: Worker | null = null;
  let nextId = 0;
  const listeners = new Map<number, Listener>();

  const start = (): Worker => {
    if (worker) return worker;
    const started = new Worker(new URL("./espeak-worker.ts", import.meta.url).href);
    (started as unknown as { unref?: () => void }).unref?.();
    started.onmessage = (event: MessageEvent<EspeakReply>) => {
      const reply = event.data;
      const listener = listeners.get(reply.id);
      if (!listener) return; // abandoned: its stop flag is already set
      if (reply.type === "audio") return listener.audio(reply.ulaw);
      listeners.delete(reply.id);
      listener.end(reply.type === "failed" ? new Error(`${OFFLINE_VOICE_NAME} failed: ${reply.message}`) : undefined);
    };
    started.onerror = (event) => {
      const error = new Error(`${OFFLINE_VOICE_NAME} stopped: ${event.message}`);
      for (const listener of listeners.values()) listener.end(error);
      listeners.clear();
      started.terminate();
      if (worker === started) worker = null;
    };
    started.postMessage({ type: "load", options } satisfies EspeakRequest);
    worker = started;
    return started;
  };

  /** The worker's µ-law pieces for one text, as an async iterable that ends when `signal` aborts. */
  async function* pieces(text: string, signal?: AbortSignal): AsyncGenerator<Uint8Array> {
    const id = ++nextId;
    const stop = new SharedArrayBuffer(4);
    const queue: Uint8Array[] = [];
    let ended = false;
    let failure: Error | undefined;
    let wake: (() => void) | null = null;
    const poke = () => {
      wake?.();
      wake = null;
    };
    listeners.set(id, {
      audio(ulaw) {
        queue.push(ulaw);
        poke();
      },
      end(error) {
        ended = true;
        failure = error;
        poke();
      },
    });
    signal?.addEventListener("abort", poke, { once: true });
    try {
      start().postMessage({ type: "speak", id, text, stop } satisfies EspeakRequest);
      while (!signal?.aborted) {
        const piece = queue.shift();
        if (piece) {
          yield piece;
          continue;
        }
        if (failure) throw failure;
        if (ended) return;
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
      }
    } finally {
      // Barge-in or a listener that stopped reading: eSpeak stops at its next piece.
      Atomics.store(new Int32Array(stop), 0, 1);
      listeners.delete(id);
      signal?.removeEventListener("abort", poke);
    }
  }

  return {
    name: OFFLINE_VOICE_NAME,
    speak(text, signal) {
      return ulawFrames(pieces(text, signal), signal);
    },
    warm() {
      start();
    },
    close() {
      worker?.terminate();
      worker = null;
      for (const listener of listeners.values()) listener.end(new Error(`${OFFLINE_VOICE_NAME} was closed`));
      listeners.clear();
    },
  };
}
