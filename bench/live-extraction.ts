/**
 * LLM requests per 10-minute call in the live loop (floor: at most 40). A ten-minute call's
 * final lines are fed to the live extraction as they would arrive (their speech times span ten
 * minutes; fed quickly here), with the paid-model setting of one request per 15 s of speech;
 * the extractor counts how often it is asked. Run: `npx bun bench/live-extraction.ts`.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { openDatabase } from "../src/adapters/db/open.ts";
import { createInProcessLiveEvents } from "../src/adapters/local/in-process-live-events.ts";
import { createRulesExtractor } from "../src/adapters/local/rules-extractor/index.ts";
import { startLiveExtraction } from "../src/domain/extraction/live-extraction.ts";
import { DEFAULT_SAFETY_RULES } from "../src/domain/extraction/safety.ts";
import type { Extractor } from "../src/ports/extractor.ts";
import { loadLabelledCalls } from "../tests/extraction/labelled-set.ts";

const FLOOR = 40;
const CALL_MS = 10 * 60_000;

const dataDir = mkdtempSync(join(tmpdir(), "sb-bench-live-extraction-"));
const repos = await openDatabase({ dataDir });
try {
  const rules = createRulesExtractor();
  let requests = 0;
  // Stands in for the paid model: same answers as the rules, counted.
  const counted: Extractor = {
    name: "openai:gpt-4o-mini (counted)",
    extract: (t) => ((requests += 1), rules.extract(t)),
  };

  const lines = loadLabelledCalls().flatMap((call) => call.transcript.lines);
  const call = await repos.calls.record({
    providerCallId: "CAbench0000000000000000000000000001",
    direction: "inbound",
    from: "+447700900123",
    to: "+442079460000",
    leadId: null,
    status: "in-progress",
    startedAt: new Date(),
  });
  const live = startLiveExtraction(
    {
      calls: repos.calls,
      extractor: counted,
      liveEvents: createInProcessLiveEvents(),
      log: pino({ level: "silent" }),
      safetyRules: async () => DEFAULT_SAFETY_RULES,
    },
    call.id,
    { debounceMs: 2, minSpeechMsBetweenRuns: 15_000 },
  );

  // A line every ~4.5 s of speech for ten minutes (133 lines), arriving 5 ms apart in wall time.
  const count = Math.ceil(CALL_MS / 4_500);
  for (let i = 0; i < count; i++) {
    const line = lines[i % lines.length]!;
    const startMs = i * 4_500;
    const segment = await repos.calls.addSegment({
      callId: call.id,
      track: line.speaker === "caller" ? "inbound" : "outbound",
      text: line.text,
      startMs,
      endMs: startMs + 4_000,
      isFinal: true,
      confidence: 0.9,
    });
    live.segmentStored(segment);
    await Bun.sleep(5);
  }
  await live.finish();
  console.log(`live extraction, 10-minute call: ${count} final lines, one request per 15 s of speech at most`);
  console.log(`  LLM requests: ${requests} (floor: at most ${FLOOR}) ${requests <= FLOOR ? "PASS" : "FAIL"}`);
  process.exitCode = requests <= FLOOR ? 0 : 1;
} finally {
  await repos.close();
  rmSync(dataDir, { recursive: true, force: true });
}
