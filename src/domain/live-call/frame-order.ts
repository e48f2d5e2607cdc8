/**
 * Puts one track's audio frames back in timestamp order. A frame that follows on from the
 * last one released goes straight through (no added latency); one that arrives early waits,
 * at most `holdMs` of audio, for the frames before it. A frame older than what was already
 * released is a late duplicate or straggler and is dropped.
 */
export interface OrderedFrame {
  timestampMs: number;
  payload: Uint8Array;
}

export interface FrameOrder {
  /** Adds a frame; returns the frames now ready, in order. */
  push(frame: OrderedFrame): OrderedFrame[];
  /** Everything still held, in order (at the end of the stream). */
  flush(): OrderedFrame[];
  /** Frames dropped as duplicates or too late. */
  readonly dropped: number;
}

/** µ-law at 8 kHz: 8 bytes a millisecond. */
const durationMs = (frame: OrderedFrame) => frame.payload.byteLength / 8;

export function createFrameOrder(options: { holdMs?: number } = {}): FrameOrder {
  const holdMs = options.holdMs ?? 200;
  let nextMs: number | null = null;
  let dropped = 0;
  const held: OrderedFrame[] = [];

  const release = (frame: OrderedFrame, out: OrderedFrame[]) => {
    out.push(frame);
    nextMs = frame.timestampMs + durationMs(frame);
  };

  return {
    push(frame) {
      const out: OrderedFrame[] = [];
      if (nextMs !== null && frame.timestampMs < nextMs) {
        dropped += 1;
        return out;
      }
      if (nextMs === null || frame.timestampMs === nextMs) {
        release(frame, out);
      } else {
        const at = held.findIndex((h) => h.timestampMs >= frame.timestampMs);
        if (at >= 0 && held[at]!.timestampMs === frame.timestampMs) {
          dropped += 1;
          return out;
        }
        held.splice(at < 0 ? held.length : at, 0, frame);
      }
      // Release held frames that now follow on, or that waited longer than holdMs of audio.
      while (held.length > 0) {
        const first = held[0]!;
        const newest = held[held.length - 1]!;
        const followsOn = first.timestampMs === nextMs;
        const waitedTooLong = newest.timestampMs + durationMs(newest) - first.timestampMs > holdMs;
        if (!followsOn && !waitedTooLong) break;
        release(held.shift()!, out);
      }
      return out;
    },
    flush() {
      const out: OrderedFrame[] = [];
      while (held.length > 0) release(held.shift()!, out);
      return out;
    },
    get dropped() {
      return dropped;
    },
  };
}
