/**
 * Rules extractor on a 10-minute call (floor: p99 under 5 ms). Two figures:
 * - live: the live loop's case — the same extractor re-reads the call each time a line arrives,
 *   so it reads only the new line; timed at every line as the call grows to ten minutes;
 * - cold: the whole ten-minute call read from nothing (a fresh extractor each time).
 * Run: `npx bun bench/extraction.ts`. Exits 1 when the live p99 is over the floor.
 * Waits (at most 60 s) for the machine's 1-minute load to drop below its core count and prints
 * the load it ran under: on a shared 2-core machine, other work shows up in every p99.
 */
import { cpus, loadavg } from "node:os";
import { createTurnMemo } from "../src/adapters/local/rules-extractor/call-text.ts";
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
      // Numbered per pass so no line repeats word for word: every line is new to the extractor.
      lines.push({ ...line, text: `${line.text} (${i})` });
      words += line.text.split(/\s+/).length;
    }
  }
  return { lines };
}

const percentile = (times: number[], q: number) =>
  [...times].sort((a, b) => a - b)[Math.min(times.length - 1, Math.floor(q * times.length))]!;
const show = (label: string, times: number[]) =>
  console.log(
    `  ${label.padEnd(6)} p50 ${percentile(times, 0.5).toFixed(2)} ms   p99 ${percentile(times, 0.99).toFixed(2)} ms   (${times.length} runs)`,
  );

const cores = cpus().length;
for (let waited = 0; loadavg()[0]! >= cores && waited < 60; waited += 5) await Bun.sleep(5_000);

const call = tenMinuteCall();
const words = call.lines.reduce((n, l) => n + l.text.split(/\s+/).length, 0);
console.log(
  `rules extractor, 10-minute call: ${call.lines.length} turns, ${words} words; floor p99 under ${P99_FLOOR_MS} ms`,
);

// Warm up the code paths (a running server has), on other words than the ones measured.
for (let i = 0; i < 50; i++) extractByRules({ lines: call.lines.map((l) => ({ ...l, text: `${l.text} [${i}]` })) });

Bun.gc(true);
const live: number[] = [];
for (let pass = 0; pass < 5; pass++) {
  const memo = createTurnMemo();
  const marked = call.lines.map((l) => ({ ...l, text: `${l.text} {${pass}}` }));
  for (let n = 1; n <= marked.length; n++) {
    const started = performance.now();
    extractByRules({ lines: marked.slice(0, n) }, memo);
    live.push(performance.now() - started);
  }
}
show("live", live);

Bun.gc(true);
const cold: number[] = [];
for (let i = 0; i < 200; i++) {
  const started = performance.now();
  extractByRules(call);
  cold.push(performance.now() - started);
}
show("cold", cold);
console.log(`  1-minute load ${loadavg()[0]!.toFixed(2)} on ${cores} cores`);
process.exit(percentile(live, 0.99) < P99_FLOOR_MS ? 0 : 1);
