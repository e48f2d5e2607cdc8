import type { Track } from "../domain/calls.ts";

/**
 * One Twilio media frame as it arrived: G.711 µ-law, 8 kHz, mono, one byte a sample.
 * Twilio sends 20 ms frames of 160 bytes; other sizes are accepted (duration = bytes / 8 ms).
 */
export interface AudioFrame {
  /** µ-law 8 kHz bytes, already base64-decoded. */
  payload: Uint8Array;
  /**
   * Start of the frame in milliseconds from the start of this track's audio (Twilio's
   * `media.timestamp`). Frames are sent in timestamp order; a jump forward is a gap.
   */
  timestampMs: number;
}

/**
 * What a transcriber heard. Interim results for the same stretch of audio replace each other;
 * a final result replaces the interims before it and is what gets stored. A final with empty
 * text means the pending interim came to nothing and should be dropped.
 */
export interface TranscriptResult {
  text: string;
  isFinal: boolean;
  /** Milliseconds from the start of the track's audio, in the same clock as AudioFrame.timestampMs. */
  startMs: number;
  endMs: number;
  /** 0..1 as the vendor reports it, or null when it reports none. */
  confidence: number | null;
  /** Name of the transcriber that produced this result, e.g. "deepgram" or "demo transcript". */
  transcriber: string;
}

export interface TranscriberOpenOptions {
  /** inbound = the caller, outbound = staff. One session per track. */
  track: Track;
  /** Our call id, for logs and error reports. */
  callId: string;
  /** Called from socket event handlers: it must not throw (a throw there is an uncaught error). */
  onResult(result: TranscriptResult): void;
  /**
   * The session failed after it opened (the vendor dropped the connection, refused audio…).
   * Called at most once, then onClose; after it the session ignores audio.
   */
  onError?(error: Error): void;
  /** The session is over, by close() or by failure. Called exactly once. */
  onClose?(): void;
  /**
   * The session lost its vendor and is trying again, or is transcribing again. Only sessions
   * that reconnect (the retrying wrapper) call it; a plain vendor adapter never does.
   */
  onStatus?(status: TranscriberStatus): void;
}

/**
 * A reconnecting session's state. `droppedMs` is the audio (ms, this session so far) that will
 * never be transcribed because it outgrew `keptMs`, the most audio held while disconnected.
 */
export type TranscriberStatus =
  | {
      state: "reconnecting";
      attempt: number;
      maxAttempts: number;
      retryInMs: number;
      error: Error;
      keptMs: number;
      droppedMs: number;
    }
  | { state: "running"; droppedMs: number };

/** An open streaming session for one track of one call. */
export interface TranscriberSession {
  /** Queues a frame for transcription. Never throws and never blocks the caller. */
  send(frame: AudioFrame): void;
  /**
   * Ends the audio, waits (bounded) for the last results, and releases the connection.
   * Never rejects; calling it twice is harmless.
   */
  close(): Promise<void>;
}

/**
 * Live speech to text, one shape for every vendor (WisprFlow, Deepgram, the fallback wrapper,
 * the demo script).
 *
 * @example
 * const session = await transcriber.open({ track: "inbound", callId, onResult: (r) => show(r) });
 * session.send({ payload: mulawBytes, timestampMs: 0 });
 * await session.close();
 */
export interface Transcriber {
  /** Short name for logs, the UI and TranscriptResult.transcriber, e.g. "wisprflow". */
  readonly name: string;
  /**
   * Connects and authenticates. Rejects with an Error naming the vendor and the cause when the
   * vendor cannot be reached or refuses the credentials; nothing is left open then.
   */
  open(options: TranscriberOpenOptions): Promise<TranscriberSession>;
}

/** Milliseconds of audio in a µ-law 8 kHz payload (8 bytes a millisecond). */
export const mulawDurationMs = (payload: Uint8Array): number => payload.byteLength / 8;

/**
 * The vendor refused our credentials (HTTP 401/403 at the handshake). Permanent: trying again
 * with the same key cannot help, so the retrying wrapper gives up at once on it.
 */
export class CredentialsRefusedError extends Error {
  override readonly name = "CredentialsRefusedError";
}

/** Whether an error, or any error it was caused by, is a refused key. */
export function isCredentialsRefused(error: unknown): boolean {
  for (let e = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e instanceof CredentialsRefusedError) return true;
  }
  return false;
}
