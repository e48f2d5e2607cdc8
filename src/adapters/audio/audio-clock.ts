/**
 * Maps times in the audio a vendor received (ms from the first byte sent on its connection)
 * back to the call's clock (AudioFrame.timestampMs). They differ when the connection started
 * mid-call (a fallback) or when frames had gaps: each discontinuity starts a new anchor.
 */
export interface AudioClock {
  /** Records a frame as sent: it starts at callMs and lasts durationMs. */
  sent(callMs: number, durationMs: number): void;
  /** Call time of a point in the received audio; extrapolates past the last frame. */
  toCallMs(audioMs: number): number;
  /** Milliseconds of audio sent so far. */
  readonly audioMs: number;
}

export function createAudioClock(): AudioClock {
  const anchors: { audioMs: number; callMs: number }[] = [];
  let audioMs = 0;
  let nextCallMs: number | null = null;
  return {
    sent(callMs, durationMs) {
      // Half a millisecond of slack: timestamps are whole milliseconds.
      if (nextCallMs === null || Math.abs(callMs - nextCallMs) > 0.5) anchors.push({ audioMs, callMs });
      audioMs += durationMs;
      nextCallMs = callMs + durationMs;
    },
    toCallMs(at) {
      let anchor = anchors[0];
      if (!anchor) return Math.round(at);
      for (let i = anchors.length - 1; i >= 0; i--) {
        if (anchors[i]!.audioMs <= at) {
          anchor = anchors[i]!;
          break;
        }
      }
      return Math.round(anchor.callMs + (at - anchor.audioMs));
    },
    get audioMs() {
      return audioMs;
    },
  };
}
