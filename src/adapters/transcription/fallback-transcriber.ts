import {
  CredentialsRefusedError,
  isCredentialsRefused,
  mulawDurationMs,
  type AudioFrame,
  type Transcriber,
  type TranscriberOpenOptions,
  type TranscriberSession,
  type TranscriptResult,
} from "../../ports/transcriber.ts";

/** A stretch of a track's audio and the transcriber responsible for it, in call ms. */
export interface ServedSpan {
  transcriber: string;
  fromMs: number;
  toMs: number;
}

export interface TranscriberFailure {
  transcriber: string;
  /** End of the audio received when it failed, in call ms (0 before any audio). */
  atMs: number;
  error: Error;
}

export interface FallbackSession extends TranscriberSession {
  /** Contiguous, in order: the first span starts at the first frame, each next one where the previous ends. */
  readonly servedBy: readonly ServedSpan[];
  /** The transcribers that served, in order, e.g. "wisprflow" or "wisprflow→deepgram"; "" before any audio. */
  readonly label: string;
  readonly failures: readonly TranscriberFailure[];
}

export interface FallbackTranscriber extends Transcriber {
  open(options: TranscriberOpenOptions): Promise<FallbackSession>;
}

export interface FallbackOptions {
  /**
   * Audio kept since the active transcriber's last final result, to replay to the fallback, in
   * ms. Older frames are let go (during long silences a transcriber may send no finals).
   * Default 30 000 (240 KB of µ-law).
   */
  maxBufferedMs?: number;
  /** Told about every switch, for the logs. */
  onSwitch?(event: { from: string; to: string; atMs: number; error: Error }): void;
}

/** "wisprflow→deepgram" from the spans (a transcriber serving twice in a row counts once). */
export function servedByLabel(spans: readonly ServedSpan[]): string {
  return spans
    .map((span) => span.transcriber)
    .filter((name, i, names) => i === 0 || names[i - 1] !== name)
    .join("→");
}

/**
 * Uses `primary`; when it cannot connect or fails mid-call, switches to `fallback` without
 * losing audio: every frame sent since the primary's last final result (and every frame that
 * arrives while the fallback connects) is replayed to the fallback, then audio flows on.
 *
 * Transcriber failures never reach the caller as exceptions: open() always resolves, and when
 * both transcribers fail the session reports it once through onError and ignores audio, while
 * the phone call goes on.
 *
 * @example
 * const transcriber = createFallbackTranscriber(wisprflow, deepgram, { onSwitch: (e) => log.warn(e, "transcriber switched") });
 * const session = await transcriber.open({ track, callId, onResult });
 * // …later: calls.update(callId, { transcriber: session.label })
 */
export function createFallbackTranscriber(
  primary: Transcriber,
  fallback: Transcriber,
  options: FallbackOptions = {},
): FallbackTranscriber {
  const maxBufferedMs = options.maxBufferedMs ?? 30_000;
  return {
    name: `${primary.name} (fallback ${fallback.name})`,
    async open(openOptions) {
      const session = createSession([primary, fallback], openOptions, maxBufferedMs, options.onSwitch);
      await session.started;
      return session;
    },
  };
}

interface Active {
  name: string;
  session: TranscriberSession;
}

function createSession(
  chain: Transcriber[],
  options: TranscriberOpenOptions,
  maxBufferedMs: number,
  onSwitch: FallbackOptions["onSwitch"],
): FallbackSession & { started: Promise<void> } {
  let next = 0;
  let active: Active | null = null;
  /** Identifies the active session's callbacks; a failed or replaced session's are ignored. */
  let activeToken: object | null = null;
  let phase: "connecting" | "streaming" | "closing" | "done" = "connecting";
  const buffer: AudioFrame[] = [];
  let bufferedMs = 0;
  let lastFrameEndMs = 0;
  /** The next delivered frame starts a new span (a transcriber took over). */
  let newSpan = true;
  const spans: ServedSpan[] = [];
  const failures: TranscriberFailure[] = [];
  let opening: Promise<void> = Promise.resolve();
  let finished: () => void = () => {};
  const closed = new Promise<void>((resolve) => (finished = resolve));

  function deliver(frame: AudioFrame): void {
    const endMs = frame.timestampMs + mulawDurationMs(frame.payload);
    const current = spans.at(-1);
    if (newSpan || !current) {
      if (current && current.toMs > frame.timestampMs) current.toMs = frame.timestampMs;
      spans.push({ transcriber: active!.name, fromMs: frame.timestampMs, toMs: endMs });
      newSpan = false;
    } else {
      current.toMs = Math.max(current.toMs, endMs);
    }
    active!.session.send(frame);
  }

  function remember(frame: AudioFrame): void {
    buffer.push(frame);
    bufferedMs += mulawDurationMs(frame.payload);
    while (buffer.length > 1 && bufferedMs > maxBufferedMs) bufferedMs -= mulawDurationMs(buffer.shift()!.payload);
  }

  /** Frames up to the end of a final result are transcribed: no need to replay them. */
  function forget(untilMs: number): void {
    while (buffer.length > 0) {
      const frame = buffer[0]!;
      const duration = mulawDurationMs(frame.payload);
      if (frame.timestampMs + duration > untilMs) break;
      buffer.shift();
      bufferedMs -= duration;
    }
  }

  async function openNext(reason: Error | null): Promise<void> {
    while (next < chain.length) {
      const transcriber = chain[next++]!;
      const token = {};
      let session: TranscriberSession;
      try {
        session = await transcriber.open({
          track: options.track,
          callId: options.callId,
          onResult: (result) => onResult(token, result),
          onError: (error) => onFailure(token, transcriber.name, error),
          onClose: () =>
            onFailure(token, transcriber.name, new Error(`${transcriber.name} closed the session unasked`)),
        });
      } catch (error) {
        reason = asError(error);
        failures.push({ transcriber: transcriber.name, atMs: lastFrameEndMs, error: reason });
        if (phase === "closing") return;
        continue;
      }
      if (phase === "closing" || phase === "done") {
        await session.close();
        return;
      }
      activeToken = token;
      active = { name: transcriber.name, session };
      phase = "streaming";
      newSpan = true;
      if (reason && next > 1) {
        const event = {
          from: chain[next - 2]!.name,
          to: transcriber.name,
          atMs: buffer[0]?.timestampMs ?? lastFrameEndMs,
          error: reason,
        };
        try {
          onSwitch?.(event);
        } catch {
          // A logging hook that throws must not stop the switch; the failure is in `failures`.
        }
      }
      for (const frame of buffer) deliver(frame);
      return;
    }
    // close() was called meanwhile: it reports the end itself.
    if (phase === "closing") return;
    phase = "done";
    buffer.length = 0;
    const summary = failures.map((f) => `${f.transcriber}: ${f.error.message}`).join("; ");
    const message = `every transcriber failed, the call goes on untranscribed (${summary})`;
    // Every vendor refused its key: trying again cannot help (the retrying wrapper gives up at once).
    options.onError?.(
      failures.every((f) => isCredentialsRefused(f.error)) ? new CredentialsRefusedError(message) : new Error(message),
    );
    options.onClose?.();
    finished();
  }

  function onResult(token: object, result: TranscriptResult): void {
    if (token !== activeToken || phase === "done") return;
    if (result.isFinal) forget(result.endMs);
    options.onResult(result);
  }

  function onFailure(token: object, name: string, error: Error): void {
    if (token !== activeToken || phase === "done" || phase === "closing") return;
    activeToken = null;
    failures.push({ transcriber: name, atMs: lastFrameEndMs, error });
    const failed = active;
    active = null;
    phase = "connecting";
    // close() never rejects and the session is already dead; this only releases it.
    void failed?.session.close();
    opening = openNext(error);
  }

  opening = openNext(null);

  return {
    started: opening,
    get servedBy() {
      return spans;
    },
    get label() {
      return servedByLabel(spans);
    },
    get failures() {
      return failures;
    },
    send(frame) {
      if (phase === "done" || phase === "closing") return;
      lastFrameEndMs = Math.max(lastFrameEndMs, frame.timestampMs + mulawDurationMs(frame.payload));
      remember(frame);
      if (phase === "streaming") deliver(frame);
    },
    async close() {
      if (phase === "done" || phase === "closing") return closed;
      phase = "closing";
      await opening;
      const last = active;
      // The token stays until the close is done: the results it flushes are the call's last words.
      if (last) await last.session.close();
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

const asError = (error: unknown): Error => (error instanceof Error ? error : new Error(String(error)));
