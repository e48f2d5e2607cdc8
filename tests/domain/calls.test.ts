import { describe, expect, test } from "bun:test";
import {
  CALL_STATUSES,
  callTransitions,
  changeCallStatus,
  inSpokenOrder,
  isCallOver,
  speakerOf,
  type CallStatus,
  type TranscriptSegment,
} from "../../src/domain/calls.ts";
import { checkTransitionTable } from "./transition-table.ts";

const ENDINGS = ["completed", "busy", "no-answer", "failed", "canceled", "interrupted"] as const;

// Twilio's call lifecycle: queued → ringing → in-progress → an ending. Busy, no-answer and
// canceled only happen before anyone answers; an answered call ends completed or failed — or
// interrupted, ours, from any live state when the instance holding it died.
checkTransitionTable<CallStatus>(
  "call",
  CALL_STATUSES,
  {
    queued: ["ringing", "in-progress", ...ENDINGS],
    ringing: ["in-progress", ...ENDINGS],
    "in-progress": ["completed", "failed", "interrupted"],
    completed: [],
    busy: [],
    "no-answer": [],
    failed: [],
    canceled: [],
    interrupted: [],
  },
  (from, to) => changeCallStatus({ status: from }, to),
);

describe("call endings", () => {
  test("a late ringing after completed is refused and names both states", () => {
    expect(changeCallStatus({ status: "completed" }, "ringing")).toEqual({
      ok: false,
      reason: "illegal_transition",
      message: "A call cannot go from completed to ringing: completed is final.",
    });
  });

  test("a late in-progress after the call ended is refused", () => {
    for (const ending of ENDINGS) expect(changeCallStatus({ status: ending }, "in-progress").ok).toBe(false);
  });

  test("a late ringing after in-progress is refused (status callbacks arrive out of order)", () => {
    expect(changeCallStatus({ status: "in-progress" }, "ringing").ok).toBe(false);
  });

  test.each(ENDINGS)("%s is final and the call is over", (ending) => {
    expect(callTransitions[ending]).toEqual([]);
    expect(isCallOver(ending)).toBe(true);
  });

  test.each(["queued", "ringing", "in-progress"] as const)("%s is not over", (status) => {
    expect(isCallOver(status)).toBe(false);
  });
});

describe("transcript", () => {
  const aSegment = (over: Partial<TranscriptSegment> = {}): TranscriptSegment => ({
    id: "s1",
    callId: "c1",
    track: "inbound",
    text: "Hello",
    startMs: 0,
    endMs: 500,
    isFinal: true,
    confidence: 0.9,
    createdAt: new Date("2025-01-01T10:00:00Z"),
    ...over,
  });

  test("inbound is the caller and outbound is staff", () => {
    expect(speakerOf("inbound")).toBe("Caller");
    expect(speakerOf("outbound")).toBe("Staff");
  });

  test("segments interleave by start time; the caller first on a tie", () => {
    const segments = [
      aSegment({ id: "c", track: "outbound", startMs: 1200 }),
      aSegment({ id: "a", track: "inbound", startMs: 0 }),
      aSegment({ id: "d", track: "inbound", startMs: 1200 }),
      aSegment({ id: "b", track: "outbound", startMs: 600 }),
    ];
    expect(inSpokenOrder(segments).map((s) => s.id)).toEqual(["a", "b", "d", "c"]);
  });

  test("does not reorder the list it was given", () => {
    const segments = [aSegment({ id: "b", startMs: 5 }), aSegment({ id: "a", startMs: 1 })];
    inSpokenOrder(segments);
    expect(segments.map((s) => s.id)).toEqual(["b", "a"]);
  });
});
