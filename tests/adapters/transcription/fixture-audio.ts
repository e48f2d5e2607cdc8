import { resolve } from "node:path";
import { callScriptSchema, type CallScript } from "../../../src/adapters/transcription/script-transcriber.ts";
import type { Track } from "../../../src/domain/calls.ts";
import type { AudioFrame } from "../../../src/ports/transcriber.ts";
import { SHIPPED_FIXTURES_DIR } from "../../../src/fixtures.ts";

export const FIXTURE_CALLS = ["boiler-leak-tenant", "burst-pipe-agent", "extractor-fan-landlord"] as const;

export const FRAME_BYTES = 160;

export interface FixtureCall {
  script: CallScript;
  /** The track's µ-law bytes as stored. */
  audio(track: Track): Promise<Uint8Array>;
  /** The track in Twilio's 20 ms frames; the last one padded with 0xFF (µ-law silence). */
  frames(track: Track): Promise<AudioFrame[]>;
}

export async function loadFixture(name: string): Promise<FixtureCall> {
  const dir = resolve(SHIPPED_FIXTURES_DIR, name);
  const script = callScriptSchema.parse(await Bun.file(resolve(dir, "call.json")).json());
  const audio = async (track: Track) => new Uint8Array(await Bun.file(resolve(dir, `${track}.ulaw`)).arrayBuffer());
  return {
    script,
    audio,
    async frames(track) {
      return toFrames(await audio(track));
    },
  };
}

export function toFrames(bytes: Uint8Array): AudioFrame[] {
  const frames: AudioFrame[] = [];
  for (let offset = 0; offset < bytes.length; offset += FRAME_BYTES) {
    const payload = new Uint8Array(FRAME_BYTES).fill(0xff);
    payload.set(bytes.subarray(offset, offset + FRAME_BYTES));
    frames.push({ payload, timestampMs: (offset / FRAME_BYTES) * 20 });
  }
  return frames;
}

/**
 * Sends frames faster than real time: `framesPerTick` frames, then a pause of `tickMs` so
 * sockets get a turn. The default plays 33 s of audio in about half a second.
 */
export async function play(
  frames: readonly AudioFrame[],
  send: (frame: AudioFrame) => void,
  options: { framesPerTick?: number; tickMs?: number; onFrame?: (index: number) => void | Promise<void> } = {},
): Promise<void> {
  const framesPerTick = options.framesPerTick ?? 25;
  for (let i = 0; i < frames.length; i++) {
    send(frames[i]!);
    await options.onFrame?.(i);
    if ((i + 1) % framesPerTick === 0) await Bun.sleep(options.tickMs ?? 1);
  }
}

/** Resolves when `check` holds, polling every 5 ms; rejects after `timeoutMs`. */
export async function until(check: () => boolean, timeoutMs = 5000, what = "condition"): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await Bun.sleep(5);
  }
}
