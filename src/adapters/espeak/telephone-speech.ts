import type { ESpeakNGWorker } from "@echogarden/espeak-ng-emscripten";
import { encodeMulaw } from "../audio/mulaw.ts";
import { createSpeexResampler, loadSpeex } from "../audio/speex-resampler.ts";

/** What the offline voice says aloud: eSpeak NG, British English (received pronunciation). */
export interface TelephoneSpeechOptions {
  /** An eSpeak NG voice; default "en-gb-x-rp". */
  voice?: string;
  /** Words a minute; default 160 (eSpeak's 175 is brisk on a phone line). */
  wordsPerMinute?: number;
}

/**
 * eSpeak NG made ready for the telephone. Synchronous and CPU-bound (about a tenth of the
 * audio's duration): run it off the server's event loop (espeak-worker.ts).
 */
export interface TelephoneSpeech {
  /** Starts a text whose µ-law 8 kHz pieces go to `onAudio` as eSpeak makes them. */
  begin(onAudio: (ulaw: Uint8Array) => void): Utterance;
}

/** One text, said a sentence at a time, its resampler carried across the sentences. */
export interface Utterance {
  /** Says one sentence; `stopped()` is asked between pieces, and true ends it early (barge-in). */
  sentence(text: string, stopped: () => boolean): void;
  /** The resampler's last few milliseconds, then frees it. */
  finish(): void;
  /** Frees the resampler without its tail (the text was stopped). */
  abandon(): void;
}

/** eSpeak NG's own rate. */
const ESPEAK_HZ = 22_050;
const TELEPHONE_HZ = 8_000;

/**
 * Loads eSpeak NG (WebAssembly, about 25 MB with its voice data) and SpeexDSP once; every
 * text reuses both.
 */
export async function loadTelephoneSpeech(options: TelephoneSpeechOptions = {}): Promise<TelephoneSpeech> {
  const [{ default: initialise }, speex] = await Promise.all([import("@echogarden/espeak-ng-emscripten"), loadSpeex()]);
  const espeak: ESpeakNGWorker = new (await initialise()).eSpeakNGWorker();
  if (espeak.samplerate !== ESPEAK_HZ) throw new Error(`eSpeak NG speaks at ${espeak.samplerate} Hz, not ${ESPEAK_HZ}`);
  espeak.set_voice(options.voice ?? "en-gb-x-rp", "");
  espeak.set_rate(options.wordsPerMinute ?? 160);

  return {
    begin(onAudio) {
      const resampler = createSpeexResampler(speex, { fromHz: ESPEAK_HZ, toHz: TELEPHONE_HZ });
      const send = (samples: Int16Array) => {
        if (samples.length > 0) onAudio(encodeMulaw(samples));
      };
      return {
        sentence(text, stopped) {
          espeak.synthesize(escapeMarkup(text), (samples) => {
            if (samples.length > 0) send(resampler.push(withHeadroom(samples)));
            return stopped();
          });
        },
        finish: () => send(resampler.flush()),
        abandon: () => resampler.close(),
      };
    },
  };
}

/**
 * eSpeak's loud vowels reach full scale, and a low-pass filter overshoots sharp peaks: 0.8
 * (about -2 dB, as `sox -v 0.8` in the stack notes) keeps the resampled speech from clipping.
 */
function withHeadroom(samples: Int16Array): Int16Array {
  const out = new Int16Array(samples.length);
  for (let i = 0; i < samples.length; i++) out[i] = samples[i]! * 0.8;
  return out;
}

/** This eSpeak build reads SSML: a customer's "<" or "&" must be read as text, not markup. */
const escapeMarkup = (text: string) => text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");

/**
 * Sentences (and clauses ending in ; or :), each keeping its punctuation for eSpeak's
 * intonation. Only punctuation followed by a space ends one, so "£12.50" stays whole.
 *
 * @example splitSentences("It is £12.50. Press 1.") // ["It is £12.50.", "Press 1."]
 */
export function splitSentences(text: string): string[] {
  return text
    .split(/(?<=[.!?;:])\s+/)
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
}
