import type { TelephoneSpeechOptions } from "./telephone-speech.ts";

/** What the voice asks of its worker. */
export type EspeakRequest =
  | { type: "load"; options: TelephoneSpeechOptions }
  /** `stop`: 4 bytes the voice sets to 1 to end the synthesis early; shared, as the worker is busy meanwhile. */
  | { type: "speak"; id: number; text: string; stop: SharedArrayBuffer };

/** What the worker answers: µ-law 8 kHz pieces as they are made, then done or failed. */
export type EspeakReply =
  | { type: "audio"; id: number; ulaw: Uint8Array }
  | { type: "done"; id: number }
  | { type: "failed"; id: number; message: string };
