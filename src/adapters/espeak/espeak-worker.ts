/// <reference lib="webworker" />
// Runs eSpeak NG off the server's event loop (see createEspeakVoice): a sentence takes a
// tenth of its length in CPU, which would otherwise stall every live call's media.
import { loadTelephoneSpeech, splitSentences, type TelephoneSpeech, type Utterance } from "./telephone-speech.ts";
import type { EspeakReply, EspeakRequest } from "./espeak-protocol.ts";

declare const self: Worker;

/** A text being spoken: its sentences still to make, and the flag its voice sets to stop it. */
interface Job {
  id: number;
  sentences: string[];
  stop: Int32Array;
  utterance: Utterance | null;
}

let speech: Promise<TelephoneSpeech> | null = null;
const jobs: Job[] = [];
let running = false;
const reply = (message: EspeakReply, transfer: Transferable[] = []) => self.postMessage(message, transfer);

/**
 * One sentence at a time, taking turns between texts, a text not yet started first: a call's
 * prompt waits for at most the sentence in progress, not for another call's whole paragraph.
 */
async function run() {
  if (running) return;
  running = true;
  try {
    speech ??= loadTelephoneSpeech();
    const speak = await speech;
    while (jobs.length > 0) {
      const job = jobs.find((j) => !j.utterance) ?? jobs[0]!;
      jobs.splice(jobs.indexOf(job), 1);
      const stopped = () => Atomics.load(job.stop, 0) !== 0;
      try {
        job.utterance ??= speak.begin((ulaw) => reply({ type: "audio", id: job.id, ulaw }, [ulaw.buffer]));
        const sentence = job.sentences.shift();
        if (sentence !== undefined && !stopped()) job.utterance.sentence(sentence, stopped);
        if (stopped()) job.utterance.abandon();
        else if (job.sentences.length > 0) jobs.push(job);
        else job.utterance.finish();
        if (!jobs.includes(job)) reply({ type: "done", id: job.id });
      } catch (error) {
        job.utterance?.abandon();
        reply({ type: "failed", id: job.id, message: error instanceof Error ? error.message : String(error) });
      }
      // Lets new requests in between sentences.
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
  } catch (error) {
    // eSpeak NG could not load: every waiting text fails with the reason.
    for (const job of jobs.splice(0))
      reply({ type: "failed", id: job.id, message: error instanceof Error ? error.message : String(error) });
    speech = null;
  } finally {
    running = false;
  }
}

self.onmessage = (event: MessageEvent<EspeakRequest>) => {
  const request = event.data;
  if (request.type === "load") {
    speech ??= loadTelephoneSpeech(request.options);
    // A failure to load is reported to the first text that needs it (run() awaits it again).
    speech.catch(() => {});
    return;
  }
  jobs.push({
    id: request.id,
    sentences: splitSentences(request.text),
    stop: new Int32Array(request.stop),
    utterance: null,
  });
  void run();
};
