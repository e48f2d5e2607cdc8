/**
 * Places a phone call that, once answered, opens a bidirectional media stream back to us
 * (Twilio's `<Connect><Stream>`): the assistant speaks and listens on it.
 */
export interface OutboundCall {
  /** Our call id: the stream's custom parameter, as the inbound stream's is. */
  callId: string;
  /** E.164 number to ring. */
  to: string;
  /** wss://…/api/twilio/assistant-stream */
  streamUrl: string;
  /** `<Parameter>`s of the stream: callId, streamToken. */
  parameters: Record<string, string>;
  /** Where the provider reports the call's progress (ringing, answered, completed). */
  statusCallback: string;
  /** Where the provider reports the finished recording. */
  recordingCallback: string;
}

export interface OutboundCaller {
  /** "Twilio", or "call simulator" on the embedded default: for the screen and the logs. */
  readonly name: string;
  /** The number calls come from (E.164), or null on the simulator. */
  readonly from: string | null;
  /**
   * Asks the provider to ring the customer; resolves with the provider's call id (CallSid) once
   * the call is queued, long before anyone answers. Rejects, naming the provider and its
   * reason, when the call could not be placed.
   */
  place(call: OutboundCall): Promise<{ providerCallId: string }>;
}
