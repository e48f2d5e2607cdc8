import { describe, expect, test } from "bun:test";
import {
  createScriptTranscriber,
  DEMO_TRANSCRIBER_NAME,
} from "../../../src/adapters/transcription/script-transcriber.ts";
import type { TranscriptResult } from "../../../src/ports/transcriber.ts";
import { loadFixture } from "./fixture-audio.ts";

describe("the demo transcriber replays a fixture's script in step with the audio", () => {
  test("an interim when the audio passes the middle of a turn, the final when it passes the end, per track", async () => {
    const fixture = await loadFixture("extractor-fan-landlord");
    const demo = createScriptTranscriber(fixture.script);
    expect(demo.name).toBe("demo transcript");

    for (const track of ["inbound", "outbound"] as const) {
      const turns = fixture.script.turns.filter((turn) => turn.track === track);
      const results: { result: TranscriptResult; heardUntil: number }[] = [];
      let heardUntil = 0;
      const session = await demo.open({
        track,
        callId: "call-1",
        onResult: (result) => results.push({ result, heardUntil }),
      });
      for (const frame of await fixture.frames(track)) {
        heardUntil = frame.timestampMs + 20;
        session.send(frame);
      }
      await session.close();

      expect(results.map(({ result }) => result.isFinal)).toEqual(turns.flatMap(() => [false, true]));
      turns.forEach((turn, i) => {
        const interim = results[2 * i]!;
        const final = results[2 * i + 1]!;
        const middle = (turn.startMs + turn.endMs) / 2;
        expect(interim.heardUntil).toBeGreaterThanOrEqual(middle);
        expect(interim.heardUntil).toBeLessThan(middle + 20);
        expect(turn.text.startsWith(interim.result.text)).toBe(true);
        expect(interim.result.text.length).toBeLessThan(turn.text.length);
        expect(final.heardUntil).toBeGreaterThanOrEqual(turn.endMs);
        expect(final.heardUntil).toBeLessThan(turn.endMs + 20);
        expect(final.result).toEqual({
          text: turn.text,
          isFinal: true,
          startMs: turn.startMs,
          endMs: turn.endMs,
          confidence: null,
          transcriber: DEMO_TRANSCRIBER_NAME,
        });
      });
    }
  });

  test("turns the audio never reached are never emitted", async () => {
    const fixture = await loadFixture("boiler-leak-tenant");
    const results: TranscriptResult[] = [];
    let closed = 0;
    const session = await createScriptTranscriber(fixture.script).open({
      track: "inbound",
      callId: "call-1",
      onResult: (result) => results.push(result),
      onClose: () => closed++,
    });
    // The audio stops at 10 s: inside the caller's first turn (4.9 s to 12.2 s), past its middle.
    for (const frame of (await fixture.frames("inbound")).slice(0, 500)) session.send(frame);
    await session.close();
    await session.close();
    expect(results.map((r) => [r.isFinal, r.text])).toEqual([
      [false, "Hi Tom, my name is Sarah Jones. I'm a tenant at"],
    ]);
    expect(closed).toBe(1);
  });

  test("a malformed script is refused when the transcriber is made", () => {
    expect(() =>
      createScriptTranscriber({ turns: [{ track: "inbound", text: "hello", startMs: 500, endMs: 100 }] }),
    ).toThrow("endMs must not be before startMs");
    expect(() =>
      createScriptTranscriber({ turns: [{ track: "caller", text: "hello", startMs: 0, endMs: 100 }] } as never),
    ).toThrow();
  });
});
