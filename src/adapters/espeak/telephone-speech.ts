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
 * Speaks `text` as µ-law 8 kHz, handing each piece to `onAudio` while eSpeak is still working
 * on the rest. `stopped()` is asked between pieces: true ends the synthesis early (barge-in).
 * Synchronous and CPU-bound (about a tenth of the audio's duration): run it off the server's
 * event loop (espeak-worker.ts).
 */
export type SpeakToTelephone = (text: string, onAudio: (ulaw: Uint8Array) => void, stopped: () => boolean) => void;

/** eSpeak NG's own rate. */
const ESPEAK_HZ = 22_050;
const TELEPHONE_HZ = 8_000;

/**
 * Loads eSpeak NG (WebAssembly, about 25 MB with its voice data) and SpeexDSP once; the
 * returned function reuses both for every sentence.
 */
export async function loadTelephoneSpeech(options: TelephoneSpeechOptions = {}): Promise<SpeakToTelephone> {
  const [{ default: initialise }, speex] = await Promise.all([import("@echogarden/espeak-ng-emscripten"), loadSpeex()]);
  const espeak: ESpeakNGWorker = new (await initialise()).eSpeakNGWorker();
  if (espeak.samplerate !== ESPEAK_HZ) throw new Error(`eSpeak NG speaks at ${espeak.samplerate} Hz, not ${ESPEAK_HZ}`);
  espeak.set_voice(options.voice ?? "en-gb-x-rp", "");
  espeak.set_rate(options.wordsPerMinute ?? 160);

  return (text, onAudio, stopped) => {
    const resampler = createSpeexResampler(speex, { fromHz: ESPEAK_HZ, toHz: TELEPHONE_HZ });
    try {
      espeak.synthesize(escapeMarkup(text), (samples) => {
        if (samples.length > 0) {
          const down = resampler.push(withHeadroom(samples));
          if (down.length > 0) onAudio(encodeMulaw(down));
        }
        return stopped();
      });
      if (stopped()) return;
      const tail = resampler.flush();
      if (tail.length > 0) onAudio(encodeMulaw(tail));
    } finally {
      resampler.close();
    }
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
