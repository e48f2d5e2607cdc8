import { z } from "zod";
import { mulawDurationMs, type Transcriber } from "../../ports/transcriber.ts";

/** What the UI and the logs call this transcriber: it replays a script, it hears nothing. */
export const DEMO_TRANSCRIBER_NAME = "demo transcript";

/** One turn of a fixture's call.json: who spoke what, in ms from the start of the call's audio. */
export const scriptTurnSchema = z
  .object({
    track: z.enum(["inbound", "outbound"]),
    text: z.string().min(1),
    startMs: z.number().nonnegative(),
    endMs: z.number().nonnegative(),
  })
  .refine((turn) => turn.endMs >= turn.startMs, { message: "endMs must not be before startMs" });

export const callScriptSchema = z.object({ turns: z.array(scriptTurnSchema) });

export type ScriptTurn = z.infer<typeof scriptTurnSchema>;
export type CallScript = z.infer<typeof callScriptSchema>;

/**
 * The demo transcriber for the call simulator's fixtures on the embedded default, where no
 * speech recogniser is available. It replays the fixture's script in step with the audio it is
 * sent: when the audio passes the middle of a turn it emits an interim (the first half of the
 * words), when it passes the turn's end, the final. Turns the audio never reaches are never
 * emitted. Every result says `transcriber: "demo transcript"`; it never pretends to recognise speech.
 *
 * @example
 * const script = callScriptSchema.parse(await Bun.file(`${dir}/call.json`).json());
 * const demo = createScriptTranscriber(script);
 */
export function createScriptTranscriber(script: CallScript): Transcriber {
  const turns = callScriptSchema.parse(script).turns;
  return {
    name: DEMO_TRANSCRIBER_NAME,
    async open(options) {
      const mine = turns.filter((turn) => turn.track === options.track).sort((a, b) => a.startMs - b.startMs);
      let nextTurn = 0;
      let interimShown = false;
      let open = true;
      return {
        send(frame) {
          if (!open) return;
          const heardUntil = frame.timestampMs + mulawDurationMs(frame.payload);
          while (nextTurn < mine.length) {
            const turn = mine[nextTurn]!;
            if (heardUntil >= turn.endMs) {
              options.onResult(result(turn.text, true, turn.startMs, turn.endMs));
              nextTurn++;
              interimShown = false;
              continue;
            }
            if (!interimShown && heardUntil >= (turn.startMs + turn.endMs) / 2) {
              options.onResult(result(firstHalf(turn.text), false, turn.startMs, heardUntil));
              interimShown = true;
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
  };
}

const result = (text: string, isFinal: boolean, startMs: number, endMs: number) => ({
  text,
  isFinal,
  startMs,
  endMs,
  confidence: null,
  transcriber: DEMO_TRANSCRIBER_NAME,
});

function firstHalf(text: string): string {
  const words = text.split(/\s+/).filter(Boolean);
  return words.slice(0, Math.ceil(words.length / 2)).join(" ");
}
