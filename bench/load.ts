/**
 * The load generator, run by bench/run.ts as its own process so that making requests never
 * competes with the server on the server's event loop.
 *
 * Input (argv[2], JSON): { urls, headers, requests, concurrency, warmup, deadlineMs, ratePerSecond? }.
 * Sends `warmup` requests (not measured), then exactly `requests` requests, cycling through
 * `urls` and reading every body to the end:
 * - closed loop (no ratePerSecond): `concurrency` requests in flight, each sent when one ends;
 *   this finds the throughput, and its latency is mostly the queue it builds;
 * - open loop (ratePerSecond): one request every 1/rate seconds whether or not earlier ones have
 *   answered, each timed from when it was due, so a slow answer cannot hide the ones queued
 *   behind it (no coordinated omission). This is the latency a steady load of users sees.
 * Output (stdout, JSON): LoadResult.
 */

export interface LoadPlan {
  urls: string[];
  headers: Record<string, string>;
  requests: number;
  concurrency: number;
  warmup: number;
  /** Stops early (and says so) rather than run past this. */
  deadlineMs: number;
  /** Open loop: start this many requests a second, on schedule (concurrency is then ignored). */
  ratePerSecond?: number;
}

export interface LoadResult {
  requests: number;
  errors: number;
  /** First unexpected status or failure, for the report. */
  firstError: string | null;
  seconds: number;
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  meanBytes: number;
  stoppedEarly: boolean;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

async function run(plan: LoadPlan): Promise<LoadResult> {
  const deadline = Date.now() + plan.deadlineMs;
  let errors = 0;
  let firstError: string | null = null;
  let bytes = 0;

  const one = async (i: number, started = performance.now()): Promise<number> => {
    const url = plan.urls[i % plan.urls.length]!;
    try {
      const response = await fetch(url, { headers: plan.headers, redirect: "manual" });
      const body = await response.arrayBuffer();
      const ms = performance.now() - started;
      bytes += body.byteLength;
      if (response.status !== 200) {
        errors++;
        firstError ??= `${response.status} from ${url}`;
      }
      return ms;
    } catch (error) {
      errors++;
      firstError ??= `${error instanceof Error ? error.message : String(error)} (${url})`;
      return performance.now() - started;
    }
  };

  const pass = (count: number, latencies: number[] | null) =>
    plan.ratePerSecond ? paced(count, latencies, plan.ratePerSecond) : closed(count, latencies);

  const paced = async (count: number, latencies: number[] | null, rate: number) => {
    const start = performance.now();
    const inFlight: Promise<void>[] = [];
    for (let i = 0; i < count; i++) {
      if (Date.now() > deadline) {
        await Promise.all(inFlight);
        return true;
      }
      const due = start + (i * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 0) await Bun.sleep(wait);
      inFlight.push(one(i, due).then((ms) => void latencies?.push(ms)));
    }
    await Promise.all(inFlight);
    return false;
  };

  const closed = async (count: number, latencies: number[] | null) => {
    let next = 0;
    let stopped = false;
    const worker = async () => {
      while (true) {
        if (Date.now() > deadline) {
          stopped = true;
          return;
        }
        const i = next++;
        if (i >= count) return;
        const ms = await one(i);
        latencies?.push(ms);
      }
    };
    await Promise.all(Array.from({ length: plan.concurrency }, worker));
    return stopped;
  };

  await pass(plan.warmup, null);
  errors = 0;
  firstError = null;
  bytes = 0;
  const latencies: number[] = [];
  const started = performance.now();
  const stoppedEarly = await pass(plan.requests, latencies);
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    errors,
    firstError,
    seconds,
    rps: latencies.length / seconds,
    p50: percentile(latencies, 50),
    p90: percentile(latencies, 90),
    p99: percentile(latencies, 99),
    max: latencies[latencies.length - 1] ?? Number.NaN,
    meanBytes: latencies.length ? bytes / latencies.length : 0,
    stoppedEarly,
  };
}

if (import.meta.main) {
  const plan = JSON.parse(process.argv[2] ?? "") as LoadPlan;
  for (const url of plan.urls) {
    const host = new URL(url).hostname;
    if (host !== "127.0.0.1" && host !== "localhost" && host !== "[::1]")
      throw new Error(`load.ts only talks to loopback, not ${host}`);
  }
  console.log(JSON.stringify(await run(plan)));
}
