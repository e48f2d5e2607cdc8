/**
 * Why a simulated call could not be played, in words an operator can act on:
 * - `fixture`: the folder is missing or is not a call (no inbound.ulaw / outbound.ulaw);
 * - `unreachable`: nothing answered at the URL;
 * - `refused`: the server answered 403 (the signature: another auth token, or another public URL);
 * - `rejected`: another unexpected HTTP answer;
 * - `bad-answer`: the voice webhook's TwiML starts no media stream;
 * - `stream-closed`: the server closed the media stream before the call ended.
 */
export type SimulatorFailure = "fixture" | "unreachable" | "refused" | "rejected" | "bad-answer" | "stream-closed";

export class SimulatorError extends Error {
  override name = "SimulatorError";
  /** The HTTP status, when the server answered one. */
  readonly status: number | null;

  constructor(
    readonly kind: SimulatorFailure,
    message: string,
    options: { cause?: unknown; status?: number } = {},
  ) {
    super(message, { cause: options.cause });
    this.status = options.status ?? null;
  }
}
