import { describe, expect, test } from "bun:test";
import { createInProcessLiveEvents } from "../../src/adapters/local/in-process-live-events.ts";
import type { TranscriptSegment } from "../../src/domain/calls.ts";
import { CALLS_CHANNEL, callChannel, type LiveCallEvent } from "../../src/domain/live-call/channels.ts";
import { conversationChannel, INBOX_CHANNEL } from "../../src/domain/messaging/live.ts";
import type { LiveEvent, LiveEvents } from "../../src/ports/live-events.ts";

const segment = (text: string): TranscriptSegment => ({
  id: text,
  callId: "call-1",
  track: "inbound",
  text,
  startMs: 0,
  endMs: 1000,
  isFinal: true,
  confidence: 0.9,
  createdAt: new Date(0),
});
const status = (durationSeconds: number): LiveCallEvent => ({
  type: "status",
  data: { status: "in-progress", answeredAt: null, endedAt: null, durationSeconds },
});

describe("a call's live channel", () => {
  test("knows its call, so a subscriber never reads the id out of the channel's name", () => {
    expect(callChannel("call-1").callId).toBe("call-1");
    expect(callChannel("call-1").name).not.toBe(callChannel("call-2").name);
  });

  test("a reconnecting viewer gets every line and only the newest of each whole state, never the interim words", async () => {
    const live = createInProcessLiveEvents();
    const channel = callChannel("call-1");
    await live.publish(channel, { type: "segment", data: segment("My boiler is leaking.") });
    for (const seconds of [1, 2]) {
      await live.publish(channel, status(seconds));
      await live.publish(channel, { type: "transcriber", data: { state: "running", label: `run ${seconds}` } });
      await live.publish(channel, { type: "interim", data: { track: "inbound", text: "It's in", startMs: 1000 } });
    }
    await live.publish(channel, { type: "segment", data: segment("It's in the kitchen.") });
    const replayed: LiveEvent<LiveCallEvent>[] = [];
    live.subscribe(channel, 0, (event) => replayed.push(event));
    expect(replayed.map((e) => e.type)).toEqual(["segment", "status", "transcriber", "segment"]);
    // The subscriber reads the publisher's types with no cast.
    const shown = replayed.map((e) =>
      e.type === "segment"
        ? e.data.text
        : e.type === "status"
          ? e.data.durationSeconds
          : e.type === "transcriber"
            ? e.data.label
            : null,
    );
    expect(shown).toEqual(["My boiler is leaking.", 2, "run 2", "It's in the kitchen."]);
  });
});

/** Never called: `tsc --noEmit` checks that each channel refuses what it does not carry. */
export function channelsRefuseOtherEvents(live: LiveEvents) {
  // @ts-expect-error the calls list carries no transcript lines
  void live.publish(CALLS_CHANNEL, { type: "segment", data: segment("x") });
  void live.publish(callChannel("call-1"), {
    type: "status",
    // @ts-expect-error a call's status is a call status, not any string
    data: { status: "on hold", answeredAt: null, endedAt: null, durationSeconds: null },
  });
  // @ts-expect-error a conversation hears messages only
  void live.publish(conversationChannel("lead-1"), { type: "seen", data: { leadId: "lead-1" } });
  void live.publish(INBOX_CHANNEL, { type: "seen", data: { leadId: "lead-1" } });
}
