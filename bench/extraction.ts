/**
 * Rules extractor on a 10-minute call: p50/p99 time per extraction (floor: p99 under 5 ms).
 * Run: `npx bun bench/extraction.ts`. Prints one line per figure; exits 1 when over the floor.
 */
import { extractByRules } from "../src/adapters/local/rules-extractor/index.ts";
import type { Transcript, TranscriptLine } from "../src/domain/extraction/transcript.ts";
import { loadLabelledCalls } from "../tests/extraction/labelled-set.ts";

const WORDS_PER_MINUTE = 160;
const P99_FLOOR_MS = 5;

/** A long, rambling call: the labelled calls' turns one after another until ten minutes of words. */
function tenMinuteCall(): Transcript {
  const lines: TranscriptLine[] = [];
  let words = 0;
  const calls = loadLabelledCalls();
  for (let i = 0; words < WORDS_PER_MINUTE * 10; i++) {
    for (const line of calls[i % calls.length]!.transcript.lines) {
      lines.push(line);
      words += line.text.split(/\s+/).length;
    }
  }
  return { lines };
}

const transcript = tenMinuteCall();
const words = transcript.lines.reduce((n, l) => n + l.text.split(/\s+/).length, 0);
// Warm up first: the figures are for a running server, not for the first call after start.
for (let i = 0; i < 200; i++) extractByRules(transcript);
const times: number[] = [];
for (let i = 0; i < 300; i++) {
  const started = performance.now();
  extractByRules(transcript);
  times.push(performance.now() - started);
}
times.sort((a, b) => a - b);
const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!;
console.log(`rules extractor, 10-minute call (${transcript.lines.length} turns, ${words} words), ${times.length} runs`);
console.log(`  p50 ${at(0.5).toFixed(2)} ms`);
console.log(`  p99 ${at(0.99).toFixed(2)} ms  (floor: under ${P99_FLOOR_MS} ms)`);
process.exit(at(0.99) < P99_FLOOR_MS ? 0 : 1);
