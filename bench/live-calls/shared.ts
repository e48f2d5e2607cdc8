/**
 * What bench/live-calls.ts and its helper processes share: the clock, the load plan and the
 * shapes of the results they hand back.
 */

/**
 * Milliseconds on a clock every process on this machine shares (the epoch, with sub-ms
 * precision): a time taken in the load process can be subtracted from one taken in the server.
 */
export const now = () => performance.timeOrigin + performance.now();

/** One media frame in every this many is timed from the simulator's send to the server's receipt. */
export const WIRE_SAMPLE_EVERY = 5;

export type LoadMode = "app" | "ceiling" | "sse-churn";

export interface LoadPlan {
  mode: LoadMode;
  /** http://127.0.0.1:PORT */
  baseUrl: string;
  /** For the ceiling: the bare server's ws:// URL. */
  wsUrl?: string;
  authToken: string;
  /** Session cookies of logged-in staff, one per viewer of each call. */
  cookies: string[];
  calls: number;
  viewersPerCall: number;
  audioSeconds: number;
  /** Calls start spread over this long, so their frames are not all in phase. */
  rampMs: number;
  /** Folder with inbound.ulaw and outbound.ulaw. */
  fixtureDir: string;
  /** sse-churn: how many SSE connections to open at once, then close. */
  sseConnections?: number;
  /** Where to write the LoadResult JSON. */
  out: string;
  deadlineMs: number;
}

export interface LoadResult {
  mode: LoadMode;
  callsStarted: number;
  callsCompleted: number;
  framesSent: number;
  /** [callId, track, timestampMs, sentAt] for sampled frames. */
  wireSends: [string, string, number, number][];
  /** [callId, eventId, viewer, arrivedAt] for the first SSE message with each id. */
  sseArrivals: [string, number, number, number][];
  viewersOpened: number;
  /** SSE `reload` events (a viewer that could not be resumed). */
  reloads: number;
  errors: string[];
  /** Wall time from the first frame to the last frame sent. */
  streamingMs: number;
  /** sse-churn: connections that got a 200 event stream. */
  sseOpened?: number;
}

/** p-th percentile (0..100) of sorted values; NaN when empty. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

/** A growable Float64Array: millions of latencies without boxing each one. */
export class Samples {
  private data = new Float64Array(1 << 16);
  length = 0;
  push(value: number) {
    if (this.length === this.data.length) {
      const bigger = new Float64Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = value;
  }
  sorted(): Float64Array {
    return this.data.slice(0, this.length).sort();
  }
}
