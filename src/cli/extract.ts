import { readFile } from "node:fs/promises";
import { extractedDetails } from "../domain/extraction/extraction.ts";
import { parseTranscriptText } from "../domain/extraction/transcript.ts";
import type { Extractor } from "../ports/extractor.ts";

export interface ExtractCommandDeps {
  extractor: Extractor;
  /** Where the JSON goes; stdout unless a test says otherwise. */
  stdout?: (text: string) => void;
  /** Where messages go; stderr unless a test says otherwise. */
  stderr?: (text: string) => void;
}

function readProblem(file: string, error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === "ENOENT") return `Cannot read ${file}: no such file.`;
  if (code === "EISDIR") return `Cannot read ${file}: it is a folder, not a transcript file.`;
  if (code === "EACCES" || code === "EPERM") return `Cannot read ${file}: permission denied.`;
  return `Cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`;
}

/**
 * `extract FILE`: reads a transcript (each line starting "Caller:" or "Staff:"), runs the
 * extractor and prints one JSON object: name, organisation, phone, address, postcode, urgency,
 * category, summary, accessNotes, segment, confidence. Returns the exit code.
 *
 * @example
 * await extractCommand({ file: "call.txt" }, { extractor: createRulesExtractor() }); // 0, JSON on stdout
 */
export async function extractCommand(args: { file: string }, deps: ExtractCommandDeps): Promise<number> {
  const stdout = deps.stdout ?? ((text: string) => process.stdout.write(`${text}\n`));
  const stderr = deps.stderr ?? ((text: string) => process.stderr.write(`${text}\n`));
  if (args.file.trim() === "") {
    stderr('extract needs a FILE: a transcript with each line starting "Caller:" or "Staff:".');
    return 2;
  }

  let text: string;
  try {
    text = await readFile(args.file, "utf8");
  } catch (error) {
    stderr(readProblem(args.file, error));
    return 1;
  }
  if (text.includes("\u0000")) {
    stderr(`Cannot read ${args.file}: it is not a text file.`);
    return 1;
  }
  const transcript = parseTranscriptText(text);
  if (!transcript.ok) {
    stderr(`${args.file}: ${transcript.message}`);
    return 1;
  }

  try {
    const extraction = await deps.extractor.extract(transcript.value);
    if (extraction.fallback) {
      stderr(
        `${extraction.fallback.from} could not answer (${extraction.fallback.reason}: ${extraction.fallback.detail}); ${extraction.extractor} answered instead.`,
      );
    }
    stdout(JSON.stringify(extractedDetails(extraction), null, 2));
    return 0;
  } catch (error) {
    stderr(`Extraction failed: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}
