import type { Track, TranscriptSegment } from "../calls.ts";
import type { Calls } from "../../ports/calls.ts";
import type { LiveEvents } from "../../ports/live-events.ts";
import type { Log } from "../../ports/log.ts";
import {
  mulawDurationMs,
  type Transcriber,
  type TranscriberSession,
  type TranscriptResult,
} from "../../ports/transcriber.ts";
import type { Metrics } from "../../ports/metrics.ts";
import { createFrameOrder, type FrameOrder } from "./frame-order.ts";
import { trackTranscriberHealth, type TranscriberShown } from "./transcriber-health.ts";
import { callChannel, type LiveCallEvent } from "./channels.ts";
import { createConversationMasker } from "../card-masking.ts";

/** Marks a line given with `line()`: known, not heard, so not passed to `heard`. */
const SCRIPTED = "script";

/** Stored as the call's transcriber when no transcriber was configured for it. */
export const NOT_CONFIGURED = "not configured";

export interface LiveCallDeps {
  calls: Calls;
  liveEvents: LiveEvents;
  log: Log;
  /** Ids for transcript lines, given before they are stored (default: random UUIDs). */
  newId?: () => string;
  /** Told (once per line) when a card number was heard and masked: the call's recording holds card data. */
  cardNumberHeard?: () => void;
  /** Told how long each final line took to come back from the transcriber. */
  metrics?: Pick<Metrics, "transcriberResult">;
  /** A monotonic clock in ms, for that latency (default: performance.now). */
  clockMs?: () => number;
  /** The first wait before storing a line again (default STORE_RETRY_MS; tests shorten it). */
  storeRetryMs?: number;
  /**
   * Told of every result as it arrives, interim or final, card numbers masked, with how long the
   * speech lasted (ms of audio): the assistant listens here.
   */
  heard?(track: Track, text: string, isFinal: boolean, spanMs: number): void;
}

/**
 * A transcript line that cannot be stored is tried this many times, the wait doubling from
 * STORE_RETRY_MS up to 16 times it: about 20 s in all, so a PostgreSQL restart or failover (a few
 * seconds) loses no line. The soak test (`npm run soak`) restarts PostgreSQL mid-call.
 */
const STORE_ATTEMPTS = 9;
const STORE_RETRY_MS = 250;

export interface LiveCall {
  media(track: Track, timestampMs: number, payload: Uint8Array): void;
  /**
   * A line the assistant said (its own words, from its script, not transcribed): shown and
   * stored as a final line of `track`, like any other, marked as the assistant's.
   */
  line(track: Track, text: string, startMs: number, endMs: number): void;
  /** Ends transcription (waiting, bounded, for the last results) and records who transcribed. */
  stop(): Promise<void>;
  /**
   * Where a page rendered from the database now should resume the live stream: before the first
   * line already shown live but not stored yet, so it is replayed (the page drops repeats).
   */
  resumeAfter(lastEventId: number): number;
  /** Frames received, per track, and frames dropped as late duplicates. */
  readonly stats: { received: Record<Track, number>; dropped: number };
  /** The transcription state last shown live (reconnecting, unavailable…), for a page drawn now. */
  readonly transcriber: TranscriberShown;
}

/**
 * The audio of one call while it happens: frames per track, in timestamp order, to one
 * transcriber session per track; interim text published as it changes, final text stored and
 * published. The phone call never depends on this: transcriber failures are logged and shown,
 * never thrown.
 */
/** Told about each stored line, and once when the call's audio has ended (extraction hooks in here). */
export interface LiveCallObserver {
  segmentStored(segment: TranscriptSegment): void;
  callEnded(): Promise<void>;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function startLiveCall(
  deps: LiveCallDeps,
  call: { id: string },
  transcriber: Transcriber | null,
  tracks: readonly Track[] = ["inbound", "outbound"],
  observer?: LiveCallObserver,
): LiveCall {
  const channel = callChannel(call.id);
  const newId = deps.newId ?? (() => crypto.randomUUID());
  const startingTranscriber: TranscriberShown = transcriber
    ? { state: "running", label: transcriber.name }
    : { state: "not_configured", label: null };
  let transcriberShown: TranscriberShown = startingTranscriber;
  const publish = (event: LiveCallEvent) => {
    if (event.type === "transcriber") transcriberShown = event.data;
    return deps.liveEvents.publish(channel, event);
  };
  const received: Record<Track, number> = { inbound: 0, outbound: 0 };
  const clockMs = deps.clockMs ?? (() => performance.now());
  // Per track, the newest frame: when it arrived and where its audio ends. A result ending at
  // `endMs` of audio was heard (newest.endMs - endMs) before that frame arrived, at real-time pace.
  const newest: Record<Track, { arrivedMs: number; endMs: number }> = {
    inbound: { arrivedMs: 0, endMs: -1 },
    outbound: { arrivedMs: 0, endMs: -1 },
  };
  const resultLatency = (track: Track, result: TranscriptResult) => {
    const frame = newest[track];
    if (!deps.metrics || frame.endMs < 0) return;
    const ms = clockMs() - frame.arrivedMs + Math.max(0, frame.endMs - result.endMs);
    deps.metrics.transcriberResult(result.transcriber, Math.max(0, ms) / 1000);
  };
  const order = new Map<Track, FrameOrder>(tracks.map((t) => [t, createFrameOrder()]));
  const sessions = new Map<Track, Promise<TranscriberSession | null>>();
  // Viewers get each result as it arrives, in spoken order; final lines are stored behind them,
  // in the same order, so a slow database write never holds up what staff see.
  let shown: Promise<unknown> = Promise.resolve();
  const inOrder = (work: () => Promise<unknown>) => {
    shown = shown
      .then(work)
      .catch((error: unknown) => deps.log.error({ err: error, callId: call.id }, "could not show a live update"));
  };
  let stored: Promise<unknown> = Promise.resolve();
  const behind = (work: () => Promise<unknown>) => {
    stored = stored
      .then(work)
      .catch((error: unknown) =>
        deps.log.error({ err: error, callId: call.id }, "could not store a transcript result"),
      );
  };
  // Event ids of lines shown but not stored yet: a page rendered now must replay them.
  const unstored = new Set<number>();

  const retryMs = deps.storeRetryMs ?? STORE_RETRY_MS;
  const storeLine = async (segment: TranscriptSegment, eventId: number | null) => {
    for (let attempt = 1; ; attempt++) {
      try {
        await deps.calls.addSegment(segment);
        break;
      } catch (error) {
        if (attempt >= STORE_ATTEMPTS) throw error;
        deps.log.warn({ err: error, callId: call.id, attempt }, "storing a transcript line failed; trying again");
        await sleep(retryMs * Math.min(16, 2 ** (attempt - 1)));
      }
    }
    if (eventId !== null) unstored.delete(eventId);
    observer?.segmentStored(segment);
  };

  // Card numbers, codes and expiry dates are masked here, before any line is shown, stored,
  // extracted from or logged; one masker for both tracks, as staff ask and the caller answers.
  const cards = createConversationMasker();
  const onResult = (track: Track) => (result: TranscriptResult) => {
    if (!result.isFinal || result.text.trim() === "") {
      // An empty final clears the interim line.
      const interim = result.isFinal ? "" : cards.mask(result.text, { partial: true, speaker: track }).text;
      if (interim !== "") deps.heard?.(track, interim, false, result.endMs - result.startMs);
      inOrder(() => publish({ type: "interim", data: { track, text: interim, startMs: result.startMs } }));
      return;
    }
    resultLatency(track, result);
    const masking = cards.mask(result.text.trim(), { speaker: track });
    const text = masking.text;
    if (masking.cardNumber) deps.cardNumberHeard?.();
    if (result.transcriber !== SCRIPTED) deps.heard?.(track, text, true, result.endMs - result.startMs);
    const segment: TranscriptSegment = {
      ...(result.transcriber === SCRIPTED ? { speaker: "assistant" as const } : {}),
      id: newId(),
      callId: call.id,
      track,
      text,
      startMs: Math.round(result.startMs),
      endMs: Math.round(result.endMs),
      isFinal: true,
      confidence: result.confidence,
      createdAt: new Date(),
    };
    inOrder(async () => {
      let shownAs: { id: number } | null = null;
      try {
        shownAs = await publish({ type: "segment", data: segment });
        unstored.add(shownAs.id);
      } finally {
        // Stored even when viewers could not be told (live events go through the database too,
        // and fail while it restarts): a line heard is never lost to a failed publish.
        const eventId = shownAs?.id ?? null;
        behind(() => storeLine(segment, eventId));
      }
    });
  };

  inOrder(() => publish({ type: "transcriber", data: startingTranscriber }));
  behind(() => deps.calls.update(call.id, { transcriber: transcriber?.name ?? NOT_CONFIGURED }));
  if (transcriber) {
    // Reconnecting, running again, or given up on: per track, shown for the call as a whole.
    const health = trackTranscriberHealth(transcriber.name);
    const showHealth = (track: Track, status: Parameters<typeof health.update>[1]) =>
      inOrder(() => publish({ type: "transcriber", data: health.update(track, status) }));
    for (const track of tracks) {
      sessions.set(
        track,
        transcriber
          .open({
            track,
            callId: call.id,
            onResult: onResult(track),
            onStatus: (status) => showHealth(track, status),
            onError: (error) => {
              deps.log.warn({ err: error, callId: call.id, track }, "transcriber failed; the call goes on");
              showHealth(track, { state: "failed" });
            },
          })
          .catch((error: unknown) => {
            deps.log.warn({ err: error, callId: call.id, track }, "transcriber could not start; the call goes on");
            showHealth(track, { state: "failed" });
            return null;
          }),
      );
    }
  }

  // Frames that arrive while a session is still connecting wait for it, in order; once it is
  // open they go straight to it (no promise per frame: there are 50 a second per track).
  const open = new Map<Track, TranscriberSession | null>();
  for (const [track, session] of sessions) void session.then((s) => open.set(track, s));
  const sendAll = (track: Track, frames: { timestampMs: number; payload: Uint8Array }[]) => {
    if (frames.length === 0) return;
    const ready = open.get(track);
    if (ready !== undefined) {
      for (const frame of frames) ready?.send(frame);
      return;
    }
    const session = sessions.get(track);
    if (!session) return;
    void session.then((s) => {
      for (const frame of frames) s?.send(frame);
    });
  };

  return {
    line(track, text, startMs, endMs) {
      onResult(track)({ text, isFinal: true, startMs, endMs, confidence: null, transcriber: SCRIPTED });
    },
    media(track, timestampMs, payload) {
      const frames = order.get(track);
      if (!frames) return;
      received[track] += 1;
      const latest = newest[track];
      latest.arrivedMs = clockMs();
      latest.endMs = timestampMs + mulawDurationMs(payload);
      sendAll(track, frames.push({ timestampMs, payload }));
    },
    async stop() {
      for (const [track, frames] of order) sendAll(track, frames.flush());
      const opened = await Promise.all(sessions.values());
      await Promise.all(opened.map((s) => s?.close()));
      await shown;
      await stored;
      const label = opened.map(servedBy).find((l) => l !== null) ?? transcriber?.name ?? null;
      if (label) await deps.calls.update(call.id, { transcriber: label });
      let ok = true;
      if (observer) {
        await observer.callEnded().catch((error: unknown) => {
          ok = false;
          deps.log.error({ err: error, callId: call.id }, "closing the call's intake failed");
        });
      }
      // Viewers keep listening after the call ends until this: the caller card and the job land before it.
      await publish({ type: "filed", data: { ok } }).catch((error: unknown) =>
        deps.log.error({ err: error, callId: call.id }, "publishing the call's end failed"),
      );
    },
    resumeAfter(lastEventId) {
      return unstored.size === 0 ? lastEventId : Math.min(lastEventId, Math.min(...unstored) - 1);
    },
    get transcriber() {
      return transcriberShown;
    },
    get stats() {
      return { received: { ...received }, dropped: [...order.values()].reduce((n, o) => n + o.dropped, 0) };
    },
  };
}

/**
 * Which transcriber served which part of the call, from the fallback wrapper's record:
 * "wisprflow 0:00–0:18 → deepgram 0:18–1:36". Null for a session without such a record.
 */
function servedBy(session: TranscriberSession | null): string | null {
  const spans = (session as { servedBy?: unknown } | null)?.servedBy;
  if (Array.isArray(spans) && spans.length > 0) {
    const clock = (ms: number) =>
      `${Math.floor(ms / 60_000)}:${String(Math.floor((ms % 60_000) / 1000)).padStart(2, "0")}`;
    return spans
      .map(
        (span: { transcriber: string; fromMs: number; toMs: number }) =>
          `${span.transcriber} ${clock(span.fromMs)}–${clock(span.toMs)}`,
      )
      .join(" → ");
  }
  const label = (session as { label?: unknown } | null)?.label;
  return typeof label === "string" && label !== "" ? label : null;
}
