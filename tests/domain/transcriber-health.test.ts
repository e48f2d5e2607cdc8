import { describe, expect, test } from "bun:test";
import { trackTranscriberHealth } from "../../src/domain/live-call/transcriber-health.ts";
import { TranscriberNotice } from "../../src/views/call-live.tsx";
import { textOf } from "../e2e/helpers.ts";

const reconnecting = (attempt: number, droppedMs = 0) =>
  ({
    state: "reconnecting",
    attempt,
    maxAttempts: 5,
    retryInMs: 500,
    error: new Error("HTTP 503"),
    keptMs: 30_000,
    droppedMs,
  }) as const;
const notice = (state: Parameters<typeof TranscriberNotice>[0]["state"]) =>
  textOf(String(TranscriberNotice({ state, live: true })));

describe("one transcription state for the call, from its two tracks", () => {
  test("the worst track wins and is named; both back means running, with what was lost", () => {
    const health = trackTranscriberHealth("deepgram");
    const one = health.update("inbound", reconnecting(1));
    expect(one).toEqual({
      state: "reconnecting",
      label: "deepgram",
      tracks: ["inbound"],
      keptMs: 30_000,
      droppedMs: 0,
    });
    expect(notice(one)).toBe(
      "Transcriber reconnecting… (caller's side) The call goes on; up to 30 s of audio is held for it, anything older is not transcribed.",
    );
    expect(health.update("outbound", reconnecting(1)).tracks).toEqual(["inbound", "outbound"]);
    expect(health.update("inbound", { state: "running", droppedMs: 4000 })).toMatchObject({
      state: "reconnecting",
      tracks: ["outbound"],
      droppedMs: 4000,
    });
    const back = health.update("outbound", { state: "running", droppedMs: 0 });
    expect(back).toEqual({ state: "running", label: "deepgram", tracks: [], keptMs: null, droppedMs: 4000 });
    expect(notice(back)).toBe("Transcribing live (deepgram). 4 s of audio could not be held and is not transcribed.");
  });

  test("a track given up on stays failed, whatever the other does", () => {
    const health = trackTranscriberHealth("deepgram");
    health.update("outbound", reconnecting(1));
    expect(health.update("outbound", { state: "failed" })).toMatchObject({ state: "failed", tracks: ["outbound"] });
    expect(health.update("outbound", { state: "running", droppedMs: 0 }).state).toBe("failed");
    const failed = health.update("inbound", { state: "running", droppedMs: 0 });
    expect(notice(failed)).toBe(
      "Transcription unavailable (staff's side): the transcriber could not be reached. The call goes on.",
    );
  });
});
