import { describe, expect, test } from "bun:test";
import { lapsedCallEnding, leaseTimings } from "../../src/domain/live-call/lapsed-calls.ts";

const now = new Date("2026-11-20T10:05:00Z");
const answeredAt = new Date("2026-11-20T10:02:30Z");

describe("closing a call whose lease lapsed", () => {
  test("without the provider's word, a live call is interrupted, ended now, lasting since it was answered", () => {
    expect(lapsedCallEnding({ status: "in-progress", answeredAt }, null, now)).toEqual({
      status: "interrupted",
      changes: { status: "interrupted", endedAt: now, durationSeconds: 150 },
    });
  });

  test("a call never answered is interrupted with no duration", () => {
    expect(lapsedCallEnding({ status: "ringing", answeredAt: null }, null, now)).toEqual({
      status: "interrupted",
      changes: { status: "interrupted", endedAt: now },
    });
  });

  test("Twilio says the call completed: it is completed, with Twilio's end time and duration", () => {
    const endedAt = new Date("2026-11-20T10:04:10Z");
    expect(
      lapsedCallEnding(
        { status: "in-progress", answeredAt },
        { status: "completed", endedAt, durationSeconds: 100 },
        now,
      ),
    ).toEqual({ status: "completed", changes: { status: "completed", endedAt, durationSeconds: 100 } });
  });

  test("Twilio's other endings are kept too", () => {
    for (const status of ["busy", "no-answer", "failed", "canceled"] as const) {
      expect(
        lapsedCallEnding({ status: "ringing", answeredAt: null }, { status, endedAt: null, durationSeconds: 0 }, now)
          ?.status,
      ).toBe(status);
    }
  });

  test("Twilio says the line is still up: no instance hears it any more, so it is interrupted", () => {
    for (const status of ["in-progress", "ringing", "queued", "something-new"]) {
      expect(
        lapsedCallEnding({ status: "in-progress", answeredAt }, { status, endedAt: null, durationSeconds: null }, now)
          ?.status,
      ).toBe("interrupted");
    }
  });

  test("a call already over (its instance died while filing it) keeps its status", () => {
    for (const status of ["completed", "interrupted", "no-answer"] as const) {
      expect(lapsedCallEnding({ status, answeredAt }, null, now)).toBeNull();
    }
  });
});

describe("lease timings", () => {
  test("renewed and swept three times a lease, so a dead instance's call closes within 90 s at the longest lease", () => {
    expect(leaseTimings(30)).toEqual({ leaseMs: 30_000, renewEveryMs: 10_000, sweepEveryMs: 10_000 });
    const longest = leaseTimings(60);
    expect(longest.leaseMs + longest.sweepEveryMs).toBeLessThan(90_000);
  });
});
