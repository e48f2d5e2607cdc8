import { mulawDurationMs, type Transcriber, type TranscriptResult } from "../../ports/transcriber.ts";
import { DEMO_TRANSCRIBER_NAME } from "./script-transcriber.ts";

/** A simulated customer's words, added as the simulator speaks them. */
export interface DemoReplies {
  transcriber: Transcriber;
  /** The simulator is about to send `fromMs`..`toMs` of audio for these words (ms of the track's audio). */
  say(text: string, fromMs: number, toMs: number): void;
}

/**
 * The demo transcript of the call simulator's customer on an assistant call, where no speech
 * recogniser is configured: the words the simulator says it speaks are released in step with
 * the audio it sends (an interim halfway, the final at the end), as the fixtures' script is.
 * Every result is labelled "demo transcript"; it recognises nothing.
 * @example const demo = createDemoReplies(); demo.say("yes that's fine", 4000, 5200);
 */
export function createDemoReplies(): DemoReplies {
  const turns: { text: string; fromMs: number; toMs: number; interim: boolean }[] = [];
  const result = (text: string, isFinal: boolean, startMs: number, endMs: number): TranscriptResult => ({
    text,
    isFinal,
    startMs,
    endMs,
    confidence: null,
    transcriber: DEMO_TRANSCRIBER_NAME,
  });
  return {
    say: (text, fromMs, toMs) => void turns.push({ text, fromMs, toMs, interim: false }),
    transcriber: {
      name: DEMO_TRANSCRIBER_NAME,
      async open(options) {
        let open = true;
        return {
          send(frame) {
            if (!open || options.track !== "inbound") return;
            const heardUntil = frame.timestampMs + mulawDurationMs(frame.payload);
            while (turns[0]) {
              const turn = turns[0];
              if (heardUntil >= turn.toMs) {
                options.onResult(result(turn.text, true, turn.fromMs, turn.toMs));
                turns.shift();
                continue;
              }
              if (!turn.interim && heardUntil >= (turn.fromMs + turn.toMs) / 2) {
                turn.interim = true;
                options.onResult(result(turn.text.split(/\s+/)[0] ?? "", false, turn.fromMs, heardUntil));
              }
              break;
            }
          },
          async close() {
            if (!open) return;
            open = false;
            options.onClose?.();
          },
        };
      },
    },
  };
}
