import { describe, expect, test } from "bun:test";
import { mediaStreamMessage, parseMediaStreamMessage } from "../../../src/adapters/twilio/media-stream-messages.ts";

const media = (overrides: Record<string, unknown> = {}, body: Record<string, unknown> = {}) =>
  JSON.stringify({
    event: "media",
    sequenceNumber: "3",
    streamSid: "MZ18ad3ab5a668481ce02b83e7395059f0",
    media: { track: "inbound", chunk: "1", timestamp: "5", payload: "/////w==", ...body },
    ...overrides,
  });

/** Media messages as Twilio sends them, and ways they can be wrong. */
const cases: [string, string][] = [
  ["as Twilio sends it", media()],
  ["numbers as numbers", media({ sequenceNumber: 3 }, { chunk: 1, timestamp: 5 })],
  ["the outbound track", media({}, { track: "outbound" })],
  ["an empty payload", media({}, { payload: "" })],
  ["an extra field", media({ extra: true }, { extra: "x" })],
  ["an unknown track", media({}, { track: "both" })],
  ["a payload that is not base64", media({}, { payload: "not base64!" })],
  ["a negative timestamp", media({}, { timestamp: "-20" })],
  ["a timestamp that is not a number", media({}, { timestamp: "soon" })],
  ["no stream id", media({ streamSid: "" })],
  ["no media", JSON.stringify({ event: "media", sequenceNumber: "3", streamSid: "MZ1" })],
  ["media that is not an object", media({ media: "x" })],
  ["a sequence number that is not a number", media({ sequenceNumber: null })],
  ["a payload that is a number", media({}, { payload: 5 })],
];

describe("Twilio media messages", () => {
  for (const [what, raw] of cases) {
    test(`${what}: read exactly as the documented schema reads it`, () => {
      const expected = mediaStreamMessage.safeParse(JSON.parse(raw));
      const parsed = parseMediaStreamMessage(raw);
      expect(parsed.ok).toBe(expected.success);
      if (parsed.ok && expected.success) {
        // The schema drops fields it does not know; the reader may keep them, nothing else differs.
        const { extra: _, ...message } = parsed.message as typeof parsed.message & { extra?: unknown };
        if (message.event === "media") delete (message.media as { extra?: unknown }).extra;
        expect(message).toEqual(expected.data);
      }
    });
  }

  test("a bad one says why", () => {
    expect(parseMediaStreamMessage(media({}, { payload: "not base64!" }))).toEqual({
      ok: false,
      reason: "media.payload: payload is not base64",
    });
    expect(parseMediaStreamMessage("{")).toEqual({ ok: false, reason: "not JSON" });
    expect(parseMediaStreamMessage(JSON.stringify({ event: "hello" }))).toEqual({
      ok: false,
      reason: 'unknown event "hello"',
    });
  });
});
