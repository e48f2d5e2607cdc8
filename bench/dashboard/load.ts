/**
 * The dashboard bench's page loads, in their own process so making requests never competes with
 * the server on its event loop: `bun bench/dashboard/load.ts '<DashboardLoadPlan JSON>'`,
 * started by bench/dashboard.ts.
 *
 * Open loop: `rate` loads a second on schedule, each timed from when it was due (a slow answer
 * cannot hide the ones queued behind it). The loads go in blocks of `block`, all of a block to
 * one variant (the dashboard read per load, or the kept summary), the variants taking turns
 * (A B B A A B…), so both run under the same conditions, as bench/compare-trees.ts does. Each
 * block waits for the last one's answers first: a slow variant's queue is not billed to the other.
 * Prints a DashboardLoadResult (JSON) on stdout.
 */
import { percentile } from "../live-calls/shared.ts";

export type Variant = "perLoad" | "summary";

export interface DashboardLoadPlan {
  /** http://127.0.0.1:PORT/ for each variant. */
  urls: Record<Variant, string>;
  cookie: string;
  rate: number;
  block: number;
  /** Blocks per variant, measured; one block each first, not measured. */
  blocks: number;
  /** Idle time between blocks: what one block left behind (a queue anywhere) is not billed to the next. */
  gapMs: number;
  deadlineMs: number;
  /** The variants loaded (both unless the bench was told `--only-summary`). */
  variants: Variant[];
}

export interface Latencies {
  requests: number;
  errors: number;
  firstError: string | null;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  meanBytes: number;
  /** How late this process sent its loads (p99 ms after they were due): the generator's own lag, not the server's. */
  lateP99: number;
}

export type DashboardLoadResult = Record<Variant, Latencies> & {
  seconds: number;
  stoppedEarly: boolean;
  /** When each measured block ran (Date.now() ms), so the server can tell its own figures apart by variant. */
  blocks: { variant: Variant; from: number; to: number }[];
};

const plan = JSON.parse(process.argv[2] ?? "") as DashboardLoadPlan;
for (const url of Object.values(plan.urls))
  if (new URL(url).hostname !== "127.0.0.1") throw new Error(`only loopback, not ${url}`);
const deadline = Date.now() + plan.deadlineMs;

interface Tally {
  ms: number[];
  late: number[];
  errors: number;
  firstError: string | null;
  bytes: number;
}
const tallies: Record<Variant, Tally> = {
  perLoad: { ms: [], late: [], errors: 0, firstError: null, bytes: 0 },
  summary: { ms: [], late: [], errors: 0, firstError: null, bytes: 0 },
};

async function one(variant: Variant, due: number, tally: Tally | null) {
  tally?.late.push(performance.now() - due);
  try {
    const response = await fetch(plan.urls[variant], { headers: { Cookie: plan.cookie }, redirect: "manual" });
    const body = await response.arrayBuffer();
    if (!tally) return;
    tally.ms.push(performance.now() - due);
    tally.bytes += body.byteLength;
    if (response.status !== 200) {
      tally.errors++;
      tally.firstError ??= `${response.status} from ${variant}`;
    }
  } catch (error) {
    if (!tally) return;
    tally.ms.push(performance.now() - due);
    tally.errors++;
    tally.firstError ??= error instanceof Error ? error.message : String(error);
  }
}

const blocks: DashboardLoadResult["blocks"] = [];
async function block(variant: Variant, measured: boolean) {
  const from = Date.now();
  const start = performance.now();
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < plan.block; i++) {
    const due = start + (i * 1000) / plan.rate;
    const wait = due - performance.now();
    if (wait > 0) await Bun.sleep(wait);
    inFlight.push(one(variant, due, measured ? tallies[variant] : null));
  }
  await Promise.all(inFlight);
  if (measured) blocks.push({ variant, from, to: Date.now() });
}

const started = performance.now();
let stoppedEarly = false;
for (const variant of plan.variants) await block(variant, false);
for (let round = 0; round < plan.blocks; round++) {
  if (Date.now() > deadline) {
    stoppedEarly = true;
    break;
  }
  const order = round % 2 === 0 ? plan.variants : [...plan.variants].reverse();
  for (const variant of order) {
    await Bun.sleep(plan.gapMs);
    await block(variant, true);
  }
}

const summarise = (tally: Tally): Latencies => {
  const sorted = [...tally.ms].sort((a, b) => a - b);
  return {
    requests: sorted.length,
    errors: tally.errors,
    firstError: tally.firstError,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? Number.NaN,
    meanBytes: sorted.length ? tally.bytes / sorted.length : 0,
    lateP99: percentile(
      [...tally.late].sort((a, b) => a - b),
      99,
    ),
  };
};
const result: DashboardLoadResult = {
  perLoad: summarise(tallies.perLoad),
  summary: summarise(tallies.summary),
  seconds: (performance.now() - started) / 1000,
  stoppedEarly,
  blocks,
};
console.log(JSON.stringify(result));
