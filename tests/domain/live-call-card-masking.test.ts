import { expect, test } from "bun:test";
import { createInProcessLiveEvents } from "../../src/adapters/local/in-process-live-events.ts";
import type { Track, TranscriptSegment } from "../../src/domain/calls.ts";
import { callChannel } from "../../src/domain/live-call/channels.ts";
import { startLiveCall } from "../../src/domain/live-call/live-call.ts";
import type { Calls } from "../../src/ports/calls.ts";
import type { LiveEvent } from "../../src/ports/live-events.ts";
import type { TranscriberOpenOptions } from "../../src/ports/transcriber.ts";

test("card data is masked in what viewers see (interim and final), what is stored and what extraction hears; a heard number is reported once per line", async () => {
  const listeners = new Map<Track, TranscriberOpenOptions>();
  const stored: TranscriptSegment[] = [];
  const calls = {
    update: async () => null,
    addSegment: async (segment: TranscriptSegment) => (stored.push(segment), segment),
  } as unknown as Calls;
  const liveEvents = createInProcessLiveEvents();
  const seen: LiveEvent[] = [];
  liveEvents.subscribe(callChannel("call-card"), null, (event) => seen.push(event));
  const extracted: string[] = [];
  let heard = 0;
  const live = startLiveCall(
    {
      calls,
      liveEvents,
      log: { debug() {}, info() {}, warn() {}, error() {} } as never,
      cardNumberHeard: () => void heard++,
    },
    { id: "call-card" },
    {
      name: "scripted",
      async open(options) {
        listeners.set(options.track, options);
        return { send() {}, async close() {} };
      },
    },
    ["inbound", "outbound"],
    { segmentStored: (s) => extracted.push(s.text), callEnded: async () => {} },
  );
  while (listeners.size < 2) await Bun.sleep(1);
  const say = (track: Track, text: string, isFinal: boolean) =>
    listeners
      .get(track)
      ?.onResult({ text, isFinal, startMs: 0, endMs: 1000, confidence: 0.9, transcriber: "scripted" });

  say("inbound", "it's four two four two four two four two four two four two four", false);
  say("inbound", "it's four two four two four two four two four two four two four two four two", true);
  say("outbound", "and the security code?", true);
  say("inbound", "seven three seven", true);
  say("outbound", "lovely, thank you", true);
  say("inbound", "flat 737 on the third floor", true);
  await live.stop();

  const interim = seen.find((e) => e.type === "interim")?.data as { text: string };
  expect(interim.text).toBe("it's •••• 2424");
  expect(stored.map((s) => s.text)).toEqual([
    "it's •••• 4242",
    "and the security code?",
    "•••",
    "lovely, thank you",
    "flat 737 on the third floor",
  ]);
  expect(extracted).toEqual(stored.map((s) => s.text));
  expect(seen.filter((e) => e.type === "segment").map((e) => (e.data as TranscriptSegment).text)).toEqual(
    stored.map((s) => s.text),
  );
  expect(heard).toBe(1);
});
