/** The offline voice: eSpeak NG (WebAssembly) on its worker, telephone µ-law out. */
import { afterAll, describe, expect, test } from "bun:test";
import { createEspeakVoice } from "../../../src/adapters/espeak/espeak-voice.ts";
import { splitSentences } from "../../../src/adapters/espeak/telephone-speech.ts";
import { decodeMulaw } from "../../../src/adapters/audio/mulaw.ts";
import { FRAME_BYTES } from "../../../src/ports/voice-synthesiser.ts";

const voice = createEspeakVoice();
afterAll(() => voice.close());

async function speak(text: string, signal?: AbortSignal) {
  const frames: Uint8Array[] = [];
  for await (const frame of voice.speak(text, signal)) frames.push(frame);
  const samples = decodeMulaw(Buffer.concat(frames));
  let sum = 0;
  for (const s of samples) sum += s * s;
  return { frames, seconds: samples.length / 8000, rms: Math.sqrt(sum / Math.max(1, samples.length)) };
}

describe("offline voice (espeak-ng)", () => {
  test("says what it is", () => {
    expect(voice.name).toBe("offline voice (espeak-ng)");
  });

  test("speaks audible telephone audio of a plausible length, in 20 ms frames", async () => {
    // 13 words: at 160 words a minute about 5 s, with the pauses at the commas.
    const spoken = await speak(
      "Hello, this is an automated assistant calling for Switchboard Property Maintenance about your visit.",
    );
    for (const frame of spoken.frames) expect(frame.byteLength).toBe(FRAME_BYTES);
    expect(spoken.seconds).toBeGreaterThan(3);
    expect(spoken.seconds).toBeLessThan(9);
    // µ-law silence decodes to 0; speech at a telephone level is thousands.
    expect(spoken.rms).toBeGreaterThan(1000);
    // More words, more audio: it is reading the text, not playing a fixed clip.
    const short = await speak("Press 1 to confirm.");
    expect(short.seconds).toBeGreaterThan(0.6);
    expect(short.seconds).toBeLessThan(spoken.seconds / 2);
  }, 60_000);

  test("reads markup characters as text", async () => {
    const spoken = await speak("Smith <and> Sons & Co");
    expect(spoken.seconds).toBeGreaterThan(1);
    expect(spoken.rms).toBeGreaterThan(1000);
  }, 60_000);

  test("abort stops it at once, without error, and the voice speaks again afterwards", async () => {
    const controller = new AbortController();
    let frames = 0;
    for await (const _ of voice.speak(
      "This sentence is long enough to last several seconds on the line, so stopping it early shows.",
      controller.signal,
    )) {
      if (++frames === 5) controller.abort();
    }
    expect(frames).toBe(5);
    const again = await speak("Goodbye.");
    expect(again.seconds).toBeGreaterThan(0.3);
    expect(again.seconds).toBeLessThan(3);
  }, 60_000);

  test("a line asked for while another call's paragraph is being made waits for a sentence, not the paragraph", async () => {
    const paragraph = Array.from({ length: 6 }, (_, i) => `This is sentence number ${i + 1} of a long reminder.`).join(
      " ",
    );
    const events: string[] = [];
    const long = (async () => {
      let frames = 0;
      for await (const _ of voice.speak(paragraph)) frames++;
      events.push("paragraph ended");
      return frames;
    })();
    await Bun.sleep(20);
    const short = (async () => {
      for await (const _ of voice.speak("Press 1 to confirm.")) {
        events.push("line started");
        break;
      }
    })();
    await Promise.all([long, short]);
    expect(events).toEqual(["line started", "paragraph ended"]);
    // The paragraph was said whole all the same: six sentences, well over 8 s.
    expect((await long) * 0.02).toBeGreaterThan(8);
  }, 60_000);

  test("takes turns by sentence, and keeps amounts and times whole", () => {
    expect(splitSentences("The balance is £12.50 today. Shall we text it?  Yes: at 9.30 am!")).toEqual([
      "The balance is £12.50 today.",
      "Shall we text it?",
      "Yes:",
      "at 9.30 am!",
    ]);
    expect(splitSentences("   ")).toEqual([]);
  });

  test("an empty text is no frames", async () => {
    expect((await speak("  ")).frames.length).toBeLessThanOrEqual(1);
  }, 60_000);
});
