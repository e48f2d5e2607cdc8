import { ok, type Result } from "../result.ts";

/** One call the assistant is about to place: to whom, and when. */
export interface AssistantCallRequest {
  leadId: string;
  phone: string;
  at: Date;
}

/**
 * Whether the assistant may ring this customer now: calling hours, one automated call a day, the
 * opt-outs. A refusal's message is shown to staff as it is.
 */
export type MayPlaceAssistantCall = (request: AssistantCallRequest) => Promise<Result<true, string>>;

/**
 * TODO(issue 16, consent): replace with the consent helper from src/domain/assistant/call-policy.ts
 * (calling hours, once a day, opt-outs), wired in src/compose. Until it lands every call is allowed.
 */
export const allowEveryAssistantCall: MayPlaceAssistantCall = async () => ok(true);

/** The customer asked not to be called again (pressed 9, or said "stop calling me"). */
export interface OptOut {
  leadId: string | null;
  phone: string;
  callId: string;
  at: Date;
  /** "dtmf 9" or "speech". */
  how: "dtmf" | "speech";
}

/** Told of every opt-out; the consent work stores it for good. Must not throw. */
export type OptedOut = (optOut: OptOut) => Promise<void>;
