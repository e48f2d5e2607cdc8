import type { Track } from "../calls.ts";
import type { TranscriberStatus } from "../../ports/transcriber.ts";

/** What the live view says about transcription: one state for the call, from both tracks. */
export interface TranscriberHealth {
  state: "running" | "reconnecting" | "failed";
  label: string | null;
  /** The tracks in that state (both, when both are). */
  tracks: Track[];
  /** Most audio held for a reconnecting transcriber, in ms (null unless reconnecting). */
  keptMs: number | null;
  /** Audio that will not be transcribed on the worst-hit track, in ms. */
  droppedMs: number;
}

/** What the live view says about transcription right now. */
export type TranscriberShown = { state: "not_configured" | "running"; label: string | null } | TranscriberHealth;

type TrackHealth = { state: TranscriberHealth["state"]; keptMs: number | null; droppedMs: number };

const RANK = { running: 0, reconnecting: 1, failed: 2 } as const;

/**
 * Each track has its own transcriber session, so one may be reconnecting while the other runs.
 * The call shows the worst of them and says which side it is. A failed track stays failed.
 *
 * @example
 * const health = trackTranscriberHealth("deepgram");
 * health.update("inbound", { state: "reconnecting", attempt: 1, … }) // { state: "reconnecting", tracks: ["inbound"], … }
 */
export function trackTranscriberHealth(label: string) {
  const byTrack = new Map<Track, TrackHealth>();
  return {
    update(track: Track, status: TranscriberStatus | { state: "failed" }): TranscriberHealth {
      const before = byTrack.get(track);
      if (before?.state !== "failed") {
        byTrack.set(track, {
          state: status.state,
          keptMs: status.state === "reconnecting" ? status.keptMs : null,
          droppedMs: "droppedMs" in status ? status.droppedMs : (before?.droppedMs ?? 0),
        });
      }
      const all = [...byTrack.entries()];
      const worst = all.reduce(
        (w, [, h]) => (RANK[h.state] > RANK[w] ? h.state : w),
        "running" as TrackHealth["state"],
      );
      const hit = all.filter(([, h]) => h.state === worst);
      return {
        state: worst,
        label,
        tracks: worst === "running" ? [] : hit.map(([t]) => t),
        keptMs: worst === "reconnecting" ? Math.max(...hit.map(([, h]) => h.keptMs ?? 0)) : null,
        droppedMs: Math.max(0, ...all.map(([, h]) => h.droppedMs)),
      };
    },
  };
}
