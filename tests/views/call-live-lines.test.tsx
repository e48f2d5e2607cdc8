import { describe, expect, test } from "bun:test";
import type { Track, TranscriptSegment } from "../../src/domain/calls.ts";
import { InterimLine, TranscriptLine } from "../../src/views/call-live.tsx";
import { escapeHtml, interimLineHtml, transcriptLineHtml } from "../../src/views/call-live-lines.ts";

// Texts that exercise every branch: escapes in each position, a masked card number, unicode,
// the empty interim that clears a line, and text that only looks like markup.
const TEXTS = [
  "My boiler's leaking",
  'He said "now" & <b>left</b> > 5 minutes',
  "card number 4111 •••• •••• 1111 and the code •••",
  "Ünïcode – “quotes” … 🙂",
  "&amp; already escaped",
  "  spaces  around  ",
  "'",
  "",
];
const TRACKS: Track[] = ["inbound", "outbound"];
/** Who said an outbound line: staff, or the assistant on its own calls. */
const SPEAKERS: TranscriptSegment["speaker"][] = [undefined, "assistant"];
const OFFSETS = [0, 999, 61_000, 3_599_999, 7_265_432];

describe("live transcript fragments as strings", () => {
  test("a final line is byte for byte the JSX TranscriptLine", () => {
    let compared = 0;
    for (const text of TEXTS)
      for (const track of TRACKS)
        for (const speaker of SPEAKERS)
          for (const startMs of OFFSETS) {
            const id = `0b6f3c1e-5d2a-4c8e-9f00-${String(startMs).padStart(12, "0")}`;
            const segment = { id, track, text, startMs, speaker };
            expect(transcriptLineHtml(segment)).toBe(String(<TranscriptLine segment={segment} />));
            compared++;
          }
    expect(compared).toBe(TEXTS.length * TRACKS.length * SPEAKERS.length * OFFSETS.length);
  });

  test("an assistant call's outbound line is the assistant's, as on the page", () => {
    const segment = { id: "s1", track: "outbound" as const, text: "Hello", startMs: 0, speaker: "assistant" as const };
    expect(transcriptLineHtml(segment)).toContain('<span class="speaker">Assistant:</span>');
  });

  test("an id that needs escaping is escaped as the JSX attribute is", () => {
    const segment = { id: `a"b<c>&'d`, track: "inbound" as const, text: "x", startMs: 0 };
    expect(transcriptLineHtml(segment)).toBe(String(<TranscriptLine segment={segment} />));
  });

  test("an interim line is byte for byte the JSX InterimLine, and empty clears it", () => {
    for (const text of TEXTS)
      for (const track of TRACKS)
        expect(interimLineHtml(track, text)).toBe(String(<InterimLine track={track} text={text} />));
    expect(interimLineHtml("inbound", "")).toBe("");
  });

  test("escaping is stable across calls (no regex state carried over)", () => {
    for (let i = 0; i < 3; i++)
      expect(escapeHtml(`<a href="x">&'</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;");
    expect(escapeHtml("plain")).toBe("plain");
  });
});
