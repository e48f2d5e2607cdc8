import { expect, test } from "bun:test";
import {
  callerText,
  parseTranscriptText,
  transcriptFromSegments,
  transcriptText,
} from "../../src/domain/extraction/transcript.ts";

test("Caller: and Staff: lines are read in order, blank lines skipped, a bare line continues the turn", () => {
  const parsed = parseTranscriptText(
    "Staff: Handy Services.\n\ncaller:  Hi, it's Emma\nfrom Greenway Lettings.\r\nSTAFF: Go on.",
  );
  expect(parsed).toEqual({
    ok: true,
    value: {
      lines: [
        { speaker: "staff", text: "Handy Services." },
        { speaker: "caller", text: "Hi, it's Emma from Greenway Lettings." },
        { speaker: "staff", text: "Go on." },
      ],
    },
  });
});

test("a first line without a speaker is refused with its line number", () => {
  expect(parseTranscriptText("\nHello there\nCaller: hi")).toEqual({
    ok: false,
    reason: "no_speaker",
    message: 'Line 2 does not start with "Caller:" or "Staff:".',
  });
});

test("an empty file is an empty transcript", () => {
  expect(parseTranscriptText("")).toEqual({ ok: true, value: { lines: [] } });
});

test("stored segments become a transcript: final only, spoken order, inbound is the caller", () => {
  const transcript = transcriptFromSegments([
    { track: "inbound", text: "My boiler's leaking.", startMs: 4_000, isFinal: true },
    { track: "outbound", text: "Handy Services.", startMs: 0, isFinal: true },
    { track: "inbound", text: "My boil", startMs: 3_900, isFinal: false },
    { track: "inbound", text: "  ", startMs: 5_000, isFinal: true },
  ]);
  expect(transcript.lines).toEqual([
    { speaker: "staff", text: "Handy Services." },
    { speaker: "caller", text: "My boiler's leaking." },
  ]);
  expect(callerText(transcript)).toBe("My boiler's leaking.");
  expect(transcriptText(transcript)).toBe("Staff: Handy Services.\nCaller: My boiler's leaking.");
});
