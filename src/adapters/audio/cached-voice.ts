import type { Log } from "../../ports/log.ts";
import type { VoiceSynthesiser, VoiceWithFixedLines } from "../../ports/voice-synthesiser.ts";

/** A voice whose fixed lines are made ahead and replayed from memory. */
export interface CachedVoice extends VoiceWithFixedLines {
  /** Settles when every line given so far has been tried once (kept, failed or over the budget). */
  ready(): Promise<void>;
  /** Lines kept and the bytes they take. */
  stats(): { phrases: number; cached: number; bytes: number; maxBytes: number };
  /** Stops any synthesis still filling the cache. */
  close(): void;
}

export interface CachedVoiceOptions {
  /** Lines said word for word on every call (the opening line, fixed prompts); more can be `prepare`d later. */
  phrases?: readonly string[];
  /** The most µ-law kept, bytes; default 2 MB (over four minutes of speech at 8 kB a second). */
  maxBytes?: number;
  /** Loads what the voice needs to speak (its SDK, its engine); called by the first prepare(). */
  warm?: () => void;
  log?: Log;
}

/** One phrase: its frames so far, and whether more are coming. */
interface Entry {
  frames: Uint8Array[];
  bytes: number;
  state: "filling" | "ready" | "failed";
  error?: unknown;
  waiters: (() => void)[];
  /** Resolves when it is kept, dropped or failed (never rejects). */
  settled: Promise<void>;
}

const keyOf = (text: string) => text.trim();

const wake = (entry: Entry) => {
  for (const resolve of entry.waiters.splice(0)) resolve();
};

/**
 * Puts a cache in front of a voice: the given phrases (and any `prepare`d later) are synthesised
 * in the background (one after another, so start-up is not a burst of vendor requests) and replayed from
 * memory, so the caller hears the opening line the moment the stream starts. A phrase asked for
 * while it is still being made plays as its frames arrive; one that failed is made again on its
 * next use. Any other text passes straight through. Memory is bounded: at most `maxBytes` are
 * kept (a phrase that would go over is played but not kept), plus the phrase being made.
 * Frames are shared, not copied: callers must not write into them.
 *
 * @example
 * const voice = cachedVoice(createEspeakVoice(), { phrases: [OPENING_LINE], log });
 * for await (const frame of voice.speak(OPENING_LINE, signal)) send(frame); // from memory
 */
export function cachedVoice(inner: VoiceSynthesiser, options: CachedVoiceOptions): CachedVoice {
  const maxBytes = options.maxBytes ?? 2 * 1024 * 1024;
  const phrases: string[] = [];
  const entries = new Map<string, Entry>();
  const closing = new AbortController();
  let keptBytes = 0;

  /** Starts making a phrase in the background. */
  const fill = (text: string): Entry => {
    const entry: Entry = { frames: [], bytes: 0, state: "filling", waiters: [], settled: Promise.resolve() };
    entries.set(text, entry);
    entry.settled = (async () => {
      try {
        // Not the listener's signal: a caller who barges in stops listening, not the filling.
        for await (const frame of inner.speak(text, closing.signal)) {
          entry.frames.push(frame);
          entry.bytes += frame.byteLength;
          wake(entry);
        }
        if (closing.signal.aborted) throw new Error("the voice cache was closed");
        entry.state = "ready";
        if (keptBytes + entry.bytes <= maxBytes) keptBytes += entry.bytes;
        else {
          entries.delete(text);
          options.log?.warn(
            { voice: inner.name, bytes: entry.bytes, keptBytes, maxBytes },
            "Voice cache full: a line was played but not kept",
          );
        }
      } catch (error) {
        entry.state = "failed";
        entry.error = error;
        if (entries.get(text) === entry) entries.delete(text);
        // The phrase's index, not its words: a line may one day carry a name.
        options.log?.warn(
          {
            voice: inner.name,
            phrase: phrases.indexOf(text),
            err: error instanceof Error ? error.message : String(error),
          },
          "Voice cache: a line could not be made ahead; it will be tried again when next needed",
        );
      }
      wake(entry);
    })();
    return entry;
  };

  /** An entry's frames from the start, as they arrive; ends with the entry or the listener's abort. */
  async function* replay(entry: Entry, signal?: AbortSignal): AsyncGenerator<Uint8Array> {
    let next = 0;
    const stop = () => wake(entry);
    signal?.addEventListener("abort", stop, { once: true });
    try {
      while (!signal?.aborted) {
        if (next < entry.frames.length) {
          yield entry.frames[next++]!;
          continue;
        }
        if (entry.state === "ready") return;
        if (entry.state === "failed") throw entry.error;
        await new Promise<void>((resolve) => entry.waiters.push(resolve));
      }
    } finally {
      signal?.removeEventListener("abort", stop);
    }
  }

  let queue: Promise<void> = Promise.resolve();
  /** Makes new lines one after another, after any still being made; resolves when all were tried. */
  let warmed = false;
  const prepare = (lines: readonly string[]): Promise<void> => {
    if (!warmed) {
      warmed = true;
      options.warm?.();
    }
    const fresh = [...new Set(lines.map(keyOf))].filter((line) => line && !phrases.includes(line));
    phrases.push(...fresh);
    queue = queue.then(async () => {
      const started = performance.now();
      for (const phrase of fresh) {
        if (closing.signal.aborted) return;
        // A call may have asked for it first: that filling serves.
        await (entries.get(phrase) ?? fill(phrase)).settled;
      }
      if (fresh.length === 0) return;
      const cached = fresh.filter((line) => entries.get(line)?.state === "ready").length;
      options.log?.info(
        {
          voice: inner.name,
          lines: fresh.length,
          cached,
          bytes: keptBytes,
          ms: Math.round(performance.now() - started),
        },
        `Voice cache: ${cached} of ${fresh.length} fixed lines made ahead with the ${inner.name}`,
      );
    });
    return queue;
  };
  if (options.phrases?.length) void prepare(options.phrases);

  return {
    name: inner.name,
    speak(text, signal) {
      const key = keyOf(text);
      const entry = entries.get(key) ?? (phrases.includes(key) && !closing.signal.aborted ? fill(key) : null);
      return entry ? replay(entry, signal) : inner.speak(text, signal);
    },
    prepare,
    ready: () => queue,
    stats: () => ({
      phrases: phrases.length,
      cached: [...entries.values()].filter((e) => e.state === "ready").length,
      bytes: keptBytes,
      maxBytes,
    }),
    close: () => closing.abort(),
  };
}
