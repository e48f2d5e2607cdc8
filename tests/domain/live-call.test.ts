import { describe, expect, test } from "bun:test";
import { createInProcessLiveEvents } from "../../src/adapters/local/in-process-live-events.ts";
import type { Track, TranscriptSegment } from "../../src/domain/calls.ts";
import { startLiveCall } from "../../src/domain/live-call/live-call.ts";
import type { Calls } from "../../src/ports/calls.ts";
import { callChannel } from "../../src/domain/live-call/channels.ts";
import type { LiveEvent } from "../../src/ports/live-events.ts";
import type { Transcriber, TranscriberOpenOptions, TranscriptResult } from "../../src/ports/transcriber.ts";

/** A transcriber whose results the test says, per track. */
function scriptedTranscriber() {
  const listeners = new Map<Track, TranscriberOpenOptions>();
  const transcriber: Transcriber = {
    name: "scripted",
    async open(options) {
      listeners.set(options.track, options);
      return { send() {}, async close() {} };
    },
  };
  const say = (track: Track, text: string, isFinal: boolean, startMs = 0) => {
    const result: TranscriptResult = {
      text,
      isFinal,
      startMs,
      endMs: startMs + 1000,
      confidence: 0.9,
      transcriber: "scripted",
    };
    listeners.get(track)!.onResult(result);
  };
  return { transcriber, say, opened: () => listeners.size };
}

/** Stores lines only when the test lets it: `release()` lets the next attempt through; `fail()` makes it throw. */
function gatedCalls() {
  const stored: TranscriptSegment[] = [];
  const waiting: { resolve: () => void; reject: (e: Error) => void }[] = [];
  let attempts = 0;
  const calls = {
    async update() {
      return null;
    },
    async addSegment(segment: TranscriptSegment) {
      attempts++;
      await new Promise<void>((resolve, reject) => waiting.push({ resolve, reject }));
      if (!stored.some((s) => s.id === segment.id)) stored.push(segment);
      return segment;
    },
  } as unknown as Calls;
  const next = async () => {
    while (waiting.length === 0) await Bun.sleep(1);
    return waiting.shift()!;
  };
  return {
    calls,
    stored,
    attempts: () => attempts,
    release: async () => (await next()).resolve(),
    fail: async () => (await next()).reject(new Error("database went away")),
  };
}

const silentLog = { debug() {}, info() {}, warn() {}, error() {} } as never;

async function until(check: () => boolean) {
  const deadline = Date.now() + 5_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await Bun.sleep(2);
  }
}

describe("a live call's transcript", () => {
  test("a final line is shown to viewers before it is stored, and interim text after it is not held behind the database", async () => {
    const liveEvents = createInProcessLiveEvents();
    const db = gatedCalls();
    const script = scriptedTranscriber();
    const seen: LiveEvent[] = [];
    liveEvents.subscribe(callChannel("call-1"), null, (event) => seen.push(event));
    const stored: string[] = [];
    const live = startLiveCall(
      { calls: db.calls, liveEvents, log: silentLog },
      { id: "call-1" },
      script.transcriber,
      ["inbound", "outbound"],
      {
        segmentStored: (segment) => stored.push(segment.text),
        callEnded: async () => {},
      },
    );
    await until(() => script.opened() === 2);

    script.say("inbound", "My boiler is leaking.", true);
    script.say("inbound", "It's in the", false, 2000);
    await until(() => seen.some((e) => e.type === "interim" && (e.data as { text: string }).text === "It's in the"));

    const segment = seen.find((e) => e.type === "segment")!;
    expect((segment.data as TranscriptSegment).text).toBe("My boiler is leaking.");
    expect(db.stored).toEqual([]); // shown, not stored yet
    expect(stored).toEqual([]); // extraction hears of a line only once it is stored
    // A page rendered now replays from before the line that is not stored yet.
    const lastId = liveEvents.lastId(callChannel("call-1"));
    expect(live.resumeAfter(lastId)).toBe(segment.id - 1);

    await db.release();
    await until(() => stored.length === 1);
    expect(db.stored.map((s) => s.id)).toEqual([(segment.data as TranscriptSegment).id]);
    expect(live.resumeAfter(lastId)).toBe(lastId);
    const stopping = live.stop();
    await stopping;
  });

  test("a line the database refuses is tried again, and the call's end waits for it", async () => {
    const liveEvents = createInProcessLiveEvents();
    const db = gatedCalls();
    const script = scriptedTranscriber();
    const stored: string[] = [];
    const live = startLiveCall(
      { calls: db.calls, liveEvents, log: silentLog },
      { id: "call-2" },
      script.transcriber,
      ["inbound"],
      {
        segmentStored: (segment) => stored.push(segment.text),
        callEnded: async () => {},
      },
    );
    await until(() => script.opened() === 1);
    script.say("inbound", "Flat 2, 14 Mill Lane.", true);
    script.say("inbound", "NW1 6XE.", true, 3000);

    await db.fail();
    let ended = false;
    const stopping = live.stop().then(() => (ended = true));
    await db.release(); // the first line, second attempt
    await until(() => stored.length === 1);
    expect(ended).toBe(false); // the second line is still waiting
    await db.release();
    await stopping;
    expect(stored).toEqual(["Flat 2, 14 Mill Lane.", "NW1 6XE."]);
    expect(db.stored.map((s) => s.text)).toEqual(["Flat 2, 14 Mill Lane.", "NW1 6XE."]);
    expect(db.attempts()).toBe(3);
  });

  test("a line is stored even when viewers cannot be told (live events down while PostgreSQL restarts)", async () => {
    const inProcess = createInProcessLiveEvents();
    let down = true;
    const liveEvents: typeof inProcess = {
      ...inProcess,
      async publish(channel, event) {
        if (down && event.type === "segment") throw new Error("NOTIFY failed: the database went away");
        return inProcess.publish(channel, event);
      },
    };
    const db = gatedCalls();
    const script = scriptedTranscriber();
    const stored: string[] = [];
    const live = startLiveCall(
      { calls: db.calls, liveEvents, log: silentLog },
      { id: "call-3" },
      script.transcriber,
      ["inbound"],
      { segmentStored: (segment) => stored.push(segment.text), callEnded: async () => {} },
    );
    await until(() => script.opened() === 1);
    script.say("inbound", "The boiler is leaking.", true);
    await db.release();
    await until(() => stored.length === 1);
    down = false;
    script.say("inbound", "Flat 2.", true, 2000);
    await db.release();
    await live.stop();
    expect(db.stored.map((s) => s.text)).toEqual(["The boiler is leaking.", "Flat 2."]);
  });

  test("a line is tried again for longer than a database restart takes: eight refusals, then stored", async () => {
    const db = gatedCalls();
    const script = scriptedTranscriber();
    const live = startLiveCall(
      { calls: db.calls, liveEvents: createInProcessLiveEvents(), log: silentLog, storeRetryMs: 1 },
      { id: "call-4" },
      script.transcriber,
      ["inbound"],
      { segmentStored: () => {}, callEnded: async () => {} },
    );
    await until(() => script.opened() === 1);
    script.say("inbound", "NW1 6XE.", true);
    for (let refusal = 0; refusal < 8; refusal++) await db.fail();
    await db.release();
    await live.stop();
    expect(db.stored.map((s) => s.text)).toEqual(["NW1 6XE."]);
    expect(db.attempts()).toBe(9);
  });
});
