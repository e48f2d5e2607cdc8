/**
 * What staff see once a card number was heard on a call. The transcript is masked, but the
 * recording is audio: it holds the number unless the provider paused it.
 * - paused: the recording is paused until staff press "payment talk finished";
 * - not_paused: no provider can pause it here (the embedded default has no Twilio account);
 * - pause_failed: the provider refused; the recording may hold card data;
 * - resumed: staff said the payment talk is over and the recording runs again (or failed to).
 */
export type RecordingState = "paused" | "not_paused" | "pause_failed" | "resumed" | "resume_failed";

export interface CardDataNotice {
  heardAt: string;
  recording: RecordingState;
  /** The caller's secure payment link (an open quote's page), to steer them to instead. */
  payLink: string | null;
}
