import { ok, reject, type Result } from "../result.ts";

export type Speaker = "caller" | "staff";

export interface TranscriptLine {
  speaker: Speaker;
  text: string;
}

/** A call's words so far, in spoken order. */
export interface Transcript {
  lines: TranscriptLine[];
}

const LINE = /^\s*(caller|staff)\s*:\s?(.*)$/i;

/**
 * Reads a transcript written one turn a line, each starting with `Caller:` or `Staff:`.
 * Blank lines are skipped; a line without a speaker continues the turn before it.
 *
 * @example
 * parseTranscriptText("Staff: Hello\nCaller: My boiler's leaking")
 * // { ok: true, value: { lines: [{ speaker: "staff", text: "Hello" }, { speaker: "caller", text: "My boiler's leaking" }] } }
 */
export function parseTranscriptText(text: string): Result<Transcript, "no_speaker"> {
  const lines: TranscriptLine[] = [];
  for (const [index, raw] of text.split(/\r?\n/).entries()) {
    if (raw.trim() === "") continue;
    const match = LINE.exec(raw);
    if (match) {
      lines.push({ speaker: match[1]!.toLowerCase() as Speaker, text: match[2]!.trim() });
      continue;
    }
    const previous = lines.at(-1);
    if (!previous) {
      return reject("no_speaker", `Line ${index + 1} does not start with "Caller:" or "Staff:".`);
    }
    previous.text = `${previous.text} ${raw.trim()}`.trim();
  }
  return ok({ lines });
}

/**
 * A call's stored segments as a transcript: inbound = caller, outbound = staff; interim
 * segments are left out.
 */
export function transcriptFromSegments(
  segments: readonly { track: "inbound" | "outbound"; text: string; startMs: number; isFinal: boolean }[],
): Transcript {
  return {
    lines: [...segments]
      .filter((segment) => segment.isFinal && segment.text.trim() !== "")
      .sort((a, b) => a.startMs - b.startMs || a.track.localeCompare(b.track))
      .map((segment) => ({ speaker: segment.track === "inbound" ? "caller" : "staff", text: segment.text.trim() })),
  };
}

/** Everything the caller said, one turn a line. */
export const callerText = (transcript: Transcript): string =>
  transcript.lines
    .filter((line) => line.speaker === "caller")
    .map((line) => line.text)
    .join("\n");

/**
 * What the caller said, an utterance at a time: their consecutive lines (the transcriber splits a
 * turn at pauses) joined, a new utterance each time staff spoke in between.
 *
 * @example
 * callerUtterances({ lines: [
 *   { speaker: "caller", text: "Water's pouring in" },
 *   { speaker: "caller", text: "I turned the electrics off" },
 *   { speaker: "staff", text: "Right" },
 * ] }) // ["Water's pouring in\nI turned the electrics off"]
 */
export function callerUtterances(transcript: Transcript): string[] {
  const utterances: string[] = [];
  let current: string[] = [];
  for (const line of transcript.lines) {
    if (line.speaker === "caller") {
      current.push(line.text);
      continue;
    }
    if (current.length > 0) utterances.push(current.join("\n"));
    current = [];
  }
  if (current.length > 0) utterances.push(current.join("\n"));
  return utterances;
}

/** The transcript back in `Caller:` / `Staff:` form. */
export const transcriptText = (transcript: Transcript): string =>
  transcript.lines.map((line) => `${line.speaker === "caller" ? "Caller" : "Staff"}: ${line.text}`).join("\n");
