import type { Call, TranscriptSegment } from "../calls.ts";
import type { Calls } from "../../ports/calls.ts";
import type { Extractor } from "../../ports/extractor.ts";
import type { LiveEvents } from "../../ports/live-events.ts";
import { CALLS_CHANNEL, callChannel } from "../live-call/channels.ts";
import type { Log } from "../../ports/log.ts";
import { callDetails, type CallDetails } from "./call-details.ts";
import type { Extraction } from "./extraction.ts";
import type { SafetyRule } from "./safety.ts";
import { transcriptFromSegments } from "./transcript.ts";

export interface LiveExtractionDeps {
  calls: Calls;
  extractor: Extractor;
  liveEvents: LiveEvents;
  log: Log;
  safetyRules: () => Promise<readonly SafetyRule[]>;
  /**
   * Told what the panel now shows, each time it changed (the caller check hooks in here), with
   * the call as read for it a moment ago, so the hook need not read it again.
   */
  detailsChanged?: (details: CallDetails, call: Call) => Promise<void>;
  /** Told once, the moment the call is first heard to be an emergency (the on-call texts hook in here). */
  emergencyHeard?: (details: CallDetails) => Promise<void>;
}

export interface LiveExtractionOptions {
  /** Wait this long after a final line for more before extracting. */
  debounceMs: number;
  /**
   * At most one extraction per this much speech (ms of call audio): 15 s for a paid model,
   * 0 for the local rules. The last extraction at the end of the call is always made.
   */
  minSpeechMsBetweenRuns: number;
}

export interface LiveExtraction {
  segmentStored(segment: TranscriptSegment): void;
  /** The last extraction, once the call's audio has ended. */
  finish(): Promise<CallDetails | null>;
}

/**
 * Re-reads the call as final transcript lines arrive, never two extractions at once for one
 * call, debounced and rate-limited by speech time; stores what it understood and publishes the
 * details panel when they changed. An emergency is flagged the moment it is heard, not at the end.
 */
export function startLiveExtraction(
  deps: LiveExtractionDeps,
  callId: string,
  options: LiveExtractionOptions,
): LiveExtraction {
  const segments: TranscriptSegment[] = [];
  let timer: ReturnType<typeof setTimeout> | null = null;
  let running: Promise<CallDetails | null> | null = null;
  let again = false;
  let lastRunSpeechMs = Number.NEGATIVE_INFINITY;
  let finished = false;
  let flaggedEmergency = false;
  // What was last stored and shown, as JSON: an extraction that changed nothing writes and sends nothing.
  let stored: string | null = null;
  let shown: string | null = null;

  const speechMs = () => segments.reduce((max, s) => Math.max(max, s.endMs), 0);

  async function extractNow(): Promise<CallDetails | null> {
    if (segments.length === 0) return null;
    lastRunSpeechMs = speechMs();
    const transcript = transcriptFromSegments(segments);
    let extraction: Extraction;
    try {
      extraction = await deps.extractor.extract(transcript);
    } catch (error) {
      deps.log.warn(
        { err: error, callId, extractor: deps.extractor.name },
        "extraction failed; the panel keeps what it had",
      );
      return null;
    }
    if (extraction.fallback) deps.log.warn({ callId, fallback: extraction.fallback }, "extraction fell back");
    // Corrections are read fresh each time, as late as can be: staff may have typed one a moment ago.
    const rules = await deps.safetyRules();
    const call = await deps.calls.byId(callId);
    if (!call) return null;
    const details = callDetails(extraction, call, transcript, rules);
    const emergencyNow = details.emergency && !call.emergency && !flaggedEmergency;
    const extracted = JSON.stringify(extraction);
    if (extracted !== stored || emergencyNow) {
      await deps.calls.update(callId, { extracted: extraction, ...(emergencyNow ? { emergency: true } : {}) });
      stored = extracted;
    }
    const panel = JSON.stringify(details);
    if (panel !== shown) {
      await deps.liveEvents.publish(callChannel(callId), { type: "details", data: details });
      shown = panel;
      await deps
        .detailsChanged?.(details, call)
        .catch((error: unknown) => deps.log.error({ err: error, callId }, "reacting to the call's new details failed"));
    }
    if (emergencyNow) {
      flaggedEmergency = true;
      deps.log.warn({ callId }, "emergency heard on a live call");
      await deps.liveEvents.publish(CALLS_CHANNEL, { type: "emergency", data: { callId } });
      await deps
        .emergencyHeard?.(details)
        .catch((error: unknown) => deps.log.error({ err: error, callId }, "reacting to the emergency failed"));
    }
    return details;
  }

  /** One extraction at a time; a line arriving meanwhile asks for one more afterwards. */
  function run(): Promise<CallDetails | null> {
    if (running) {
      again = true;
      return running;
    }
    running = extractNow().finally(() => {
      running = null;
      if (again && !finished) {
        again = false;
        schedule();
      }
    });
    return running;
  }

  function schedule() {
    if (finished || timer) return;
    timer = setTimeout(() => {
      timer = null;
      if (speechMs() - lastRunSpeechMs < options.minSpeechMsBetweenRuns) return;
      void run();
    }, options.debounceMs);
  }

  return {
    segmentStored(segment) {
      if (finished) return;
      segments.push(segment);
      schedule();
    },
    async finish() {
      finished = true;
      if (timer) clearTimeout(timer);
      timer = null;
      while (running) await running;
      return extractNow();
    },
  };
}
