/**
 * Pausing a live call's recording while card details are spoken, so no recording holds them.
 * Only the telephony provider can do this; without its keys there is no such port (null).
 */
export interface RecordingPauses {
  readonly name: string;
  /** Pauses the call's current recording; the paused part is left out of the file (not silence). */
  pause(providerCallId: string): Promise<void>;
  resume(providerCallId: string): Promise<void>;
}
