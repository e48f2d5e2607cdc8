/// <reference lib="webworker" />
// Runs eSpeak NG off the server's event loop (see createEspeakVoice): a sentence takes a
// tenth of its length in CPU, which would otherwise stall every live call's media.
import { loadTelephoneSpeech, type SpeakToTelephone } from "./telephone-speech.ts";
import type { EspeakReply, EspeakRequest } from "./espeak-protocol.ts";

declare const self: Worker;

let speech: Promise<SpeakToTelephone> | null = null;
const reply = (message: EspeakReply, transfer: Transferable[] = []) => self.postMessage(message, transfer);

self.onmessage = async (event: MessageEvent<EspeakRequest>) => {
  const request = event.data;
  if (request.type === "load") {
    speech ??= loadTelephoneSpeech(request.options);
    return;
  }
  // Set by the voice when the listener hung up or the caller barged in.
  const stop = new Int32Array(request.stop);
  try {
    speech ??= loadTelephoneSpeech();
    const speak = await speech;
    speak(
      request.text,
      (ulaw) => reply({ type: "audio", id: request.id, ulaw }, [ulaw.buffer]),
      () => Atomics.load(stop, 0) !== 0,
    );
    reply({ type: "done", id: request.id });
  } catch (error) {
    reply({ type: "failed", id: request.id, message: error instanceof Error ? error.message : String(error) });
  }
};
