import {
  isCredentialsRefused,
  mulawDurationMs,
  type AudioFrame,
  type Transcriber,
  type TranscriberOpenOptions,
  type TranscriberSession,
  type TranscriptResult,
} from "../../ports/transcriber.ts";
import { servedByLabel, type ServedSpan } from "./fallback-transcriber.ts";

export interface RetryOptions {
  /** Retries in a row before the transcriber counts as unavailable for the rest of the call. Default 5. */
  maxRetries?: number;
  /** Wait before the first retry, in ms; doubled for each next one, up to maxDelayMs, ±20 % jitter. Default 500. */
  baseDelayMs?: number;
  /** Default 5000. With the defaults a dead vendor is given up on after about 15 s plus its connect timeouts. */
  maxDelayMs?: number;
  /**
   * Audio held while no session is connected (counted from the last final result, so a session
   * that drops mid-utterance loses nothing), in ms. Older audio is dropped, counted and reported.
   * Default 30 000: 240 KB of µ-law per track.
   */
  maxBufferedMs?: number;
  /** A connection that lasted this long had recovered: its failure starts a fresh count. Default 10 000. */
  stableAfterMs?: number;
  /** Told before each retry, for the logs. */
  onRetry?(event: {
    transcriber: string;
    callId: string;
    track: string;
    attempt: number;
    delayMs: number;
    error: Error;
  }): void;
}

export interface RetryingSession extends TranscriberSession {
  /** What each connection served, in order; empty when one plain session served the whole call. */
  readonly servedBy: readonly ServedSpan[];
  readonly label: string;
  /** Audio that was never transcribed because it outgrew the buffer while disconnected, in ms. */
  readonly droppedMs: number;
}

export interface RetryingTranscriber extends Transcriber {
  open(options: TranscriberOpenOptions): Promise<RetryingSession>;
}

/**
 * Wraps a transcriber (a vendor, or the fallback wrapper) so that a session that cannot connect,
 * or loses its connection, is opened again with bounded exponential backoff instead of leaving
 * the call untranscribed. Audio arriving meanwhile is held (at most `maxBufferedMs`) and replayed
 * to the new connection; progress is reported through `onStatus` ("reconnecting", then "running").
 * After `maxRetries` failures in a row it gives up: onError once ("transcription unavailable"),
 * then onClose, and audio is ignored. open() never rejects, so the phone call never depends on it.
 *
 * @example
 * const transcriber = createRetryingTranscriber(deepgram, { onRetry: (e) => log.warn(e, "transcriber retrying") });
 * const session = await transcriber.open({ track, callId, onResult, onStatus: (s) => show(s) });
 */
export function createRetryingTranscriber(inner: Transcriber, options: RetryOptions = {}): RetryingTranscriber {
  const settings: Settings = {
    maxRetries: options.maxRetries ?? 5,
    baseDelayMs: options.baseDelayMs ?? 500,
    maxDelayMs: options.maxDelayMs ?? 5000,
    maxBufferedMs: options.maxBufferedMs ?? 30_000,
    stableAfterMs: options.stableAfterMs ?? 10_000,
    onRetry: options.onRetry,
  };
  return {
    name: inner.name,
    async open(openOptions) {
      const session = createSession(inner, openOptions, settings);
      // The first attempt is awaited so a healthy start behaves as the bare transcriber does.
      await session.firstAttempt;
      return session;
    },
  };
}

type Settings = Required<Omit<RetryOptions, "onRetry">> & Pick<RetryOptions, "onRetry">;

/** A connection that served, and the stretch of audio it received (call ms). */
interface Served {
  session: TranscriberSession;
  span: { fromMs: number; toMs: number } | null;
}

/** ±20 % so that many calls hit by one outage do not retry in step. */
export const backoffMs = (attempt: number, baseMs: number, maxMs: number, random = Math.random) =>
  Math.round(Math.min(maxMs, baseMs * 2 ** (attempt - 1)) * (0.8 + 0.4 * random()));

function createSession(
  inner: Transcriber,
  options: TranscriberOpenOptions,
  settings: Settings,
): RetryingSession & { firstAttempt: Promise<void> } {
  let phase: "connecting" | "streaming" | "waiting" | "closing" | "done" = "connecting";
  let active: TranscriberSession | null = null;
  /** The adopted session's callbacks; a dead session's are ignored. */
  let activeToken: object | null = null;
  let connectedAt = 0;
  let failuresInARow = 0;
  let reportedOutage = false;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  const buffer: AudioFrame[] = [];
  let bufferedMs = 0;
  /** How many of the newest buffered frames no connection has received yet. */
  let undelivered = 0;
  let droppedMs = 0;
  const served: Served[] = [];
  let finished: () => void = () => {};
  const closed = new Promise<void>((resolve) => (finished = resolve));

  function remember(frame: AudioFrame, delivered: boolean): void {
    buffer.push(frame);
    bufferedMs += mulawDurationMs(frame.payload);
    if (!delivered) undelivered++;
    while (buffer.length > 1 && bufferedMs > settings.maxBufferedMs) {
      const oldest = buffer.shift()!;
      bufferedMs -= mulawDurationMs(oldest.payload);
      if (undelivered > buffer.length) {
        undelivered--;
        droppedMs += mulawDurationMs(oldest.payload);
      }
    }
  }

  /** Audio up to a final result's end is transcribed: it need not be replayed. */
  function forget(untilMs: number): void {
    while (buffer.length > undelivered) {
      const frame = buffer[0]!;
      if (frame.timestampMs + mulawDurationMs(frame.payload) > untilMs) break;
      buffer.shift();
      bufferedMs -= mulawDurationMs(frame.payload);
    }
  }

  function deliver(frame: AudioFrame): void {
    const current = served.at(-1)!;
    const endMs = frame.timestampMs + mulawDurationMs(frame.payload);
    if (current.span) current.span.toMs = Math.max(current.span.toMs, endMs);
    else current.span = { fromMs: frame.timestampMs, toMs: endMs };
    active!.send(frame);
  }

  async function connect(): Promise<void> {
    if (phase !== "closing") phase = "connecting";
    const token = {};
    let lostEarly: Error | null = null;
    const lose = (error: Error) => {
      if (token === activeToken) onLost(error);
      else if (activeToken === null && !lostEarly) lostEarly = error;
    };
    let session: TranscriberSession;
    try {
      session = await inner.open({
        track: options.track,
        callId: options.callId,
        onResult: (result) => onResult(token, result),
        onError: lose,
        onClose: () => lose(new Error(`${inner.name} closed the session unasked`)),
      });
    } catch (error) {
      return failed(asError(error));
    }
    // A wrapper such as the fallback reports a failed start through onError and still resolves.
    if (lostEarly) {
      void session.close();
      return failed(lostEarly);
    }
    active = session;
    activeToken = token;
    connectedAt = Date.now();
    served.push({ session, span: null });
    // While closing, the held audio still goes out: close() then flushes it.
    if (phase !== "closing") phase = "streaming";
    if (reportedOutage) {
      reportedOutage = false;
      tell(() => options.onStatus?.({ state: "running", droppedMs }));
    }
    for (const frame of buffer) deliver(frame);
    undelivered = 0;
  }

  function onResult(token: object, result: TranscriptResult): void {
    if (token !== activeToken) return;
    failuresInARow = 0;
    if (result.isFinal) forget(result.endMs);
    options.onResult(result);
  }

  function onLost(error: Error): void {
    if (phase === "closing" || phase === "done") return;
    const dead = active;
    active = null;
    activeToken = null;
    // close() never rejects and the session is already dead; this only releases it.
    void dead?.close();
    if (Date.now() - connectedAt >= settings.stableAfterMs) failuresInARow = 0;
    failed(error);
  }

  function failed(error: Error): void {
    failuresInARow++;
    if (phase === "closing" || phase === "done") return;
    // A refused key stays refused: no retries, and the reason says so.
    if (isCredentialsRefused(error))
      return giveUp(error, `transcription unavailable: the API key was refused (${error.message})`);
    if (failuresInARow > settings.maxRetries) return giveUp(error);
    const delayMs = backoffMs(failuresInARow, settings.baseDelayMs, settings.maxDelayMs);
    phase = "waiting";
    reportedOutage = true;
    const attempt = failuresInARow;
    tell(() =>
      settings.onRetry?.({
        transcriber: inner.name,
        callId: options.callId,
        track: options.track,
        attempt,
        delayMs,
        error,
      }),
    );
    tell(() =>
      options.onStatus?.({
        state: "reconnecting",
        attempt,
        maxAttempts: settings.maxRetries,
        retryInMs: delayMs,
        error,
        keptMs: settings.maxBufferedMs,
        droppedMs,
      }),
    );
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      opening = connect();
    }, delayMs);
  }

  function giveUp(
    error: Error,
    reason = `transcription unavailable: ${inner.name} failed ${failuresInARow} times in a row (last: ${error.message})`,
  ): void {
    phase = "done";
    buffer.length = 0;
    undelivered = 0;
    options.onError?.(new Error(reason, { cause: error }));
    options.onClose?.();
    finished();
  }

  let opening = connect();

  const spans = (): ServedSpan[] => {
    const own = (s: Served) => (s.session as { servedBy?: unknown }).servedBy;
    // One plain connection for the whole call: nothing worth recording beyond the name.
    if (served.length === 1 && !Array.isArray(own(served[0]!))) return [];
    return served.flatMap((s) => {
      const recorded = own(s);
      if (Array.isArray(recorded)) return recorded as ServedSpan[];
      return s.span ? [{ transcriber: inner.name, ...s.span }] : [];
    });
  };

  return {
    firstAttempt: opening,
    get servedBy() {
      return spans();
    },
    get label() {
      return servedByLabel(spans());
    },
    get droppedMs() {
      return droppedMs;
    },
    send(frame) {
      if (phase === "closing" || phase === "done") return;
      const streaming = phase === "streaming";
      remember(frame, streaming);
      if (streaming) deliver(frame);
    },
    async close() {
      if (phase === "closing" || phase === "done") return closed;
      const heldAudio = phase === "waiting" && undelivered > 0;
      phase = "closing";
      clearTimeout(retryTimer);
      // The call is over but audio is held: one last try now, so its end is not lost for a backoff.
      if (heldAudio) opening = connect();
      await opening;
      const last = active;
      if (last) await last.close();
      active = null;
      activeToken = null;
      buffer.length = 0;
      phase = "done";
      options.onClose?.();
      finished();
      return closed;
    },
  };
}

/** Hooks are for logs and views: one that throws must not stop the reconnecting. */
function tell(hook: () => void): void {
  try {
    hook();
  } catch {
    // Nothing to do: the session carries on; the hook's owner sees its own bug elsewhere.
  }
}

const asError = (error: unknown): Error => (error instanceof Error ? error : new Error(String(error)));
