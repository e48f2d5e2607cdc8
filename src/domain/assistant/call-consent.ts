import type { CallConsent, CallReservation } from "../../ports/call-consent.ts";
import type { Log } from "../../ports/log.ts";
import { londonDate } from "../london-time.ts";
import { phoneFromCarrier } from "../phone.ts";
import { reject, type Result } from "../result.ts";
import {
  alreadyCalledToday,
  checkCallingHours,
  optedOut,
  type CallRefusal,
  type OptOut,
  type OptOutSource,
} from "./call-policy.ts";

/**
 * The one gate the outbound call engine goes through before ringing a customer, and where it
 * reports an opt-out. Built once by the composition (src/compose/index.ts) as `deps.callConsent`.
 */
export interface AssistantCallGate {
  /**
   * Whether the assistant may ring `phone` at `now`. In order: the number must be dialable, not
   * on the opt-out register, `now` inside the calling hours, and the number's one attempt of
   * that London day still free, which this call then takes (atomically, across instances).
   * Refusals carry a sentence for people ("outside calling hours: calls go out 09:00–19:00,
   * Monday to Saturday"). Place the call only on `ok`.
   * @example const gate = await deps.callConsent.mayPlaceAssistantCall({ phone: lead.phone, now: deps.now() });
   */
  mayPlaceAssistantCall(request: { phone: string; now: Date }): Promise<Result<CallReservation, CallRefusal>>;
  /** Ties the reservation to the call placed with it (Switchboard's call id). */
  attachCall(reservation: Pick<CallReservation, "id">, callId: string): Promise<void>;
  /**
   * Gives the day's attempt back when the call could not be placed at all (the telephony API
   * refused it). A call that rang, unanswered or not, keeps it.
   */
  releaseReservation(reservation: Pick<CallReservation, "id">): Promise<void>;
  /**
   * The customer pressed 9, said "stop calling me", or asked the office (`who` then names the
   * staff member): the number goes on the register for good (the first opt-out is kept; a repeat
   * changes nothing). Audited. Never refused for a bad call id.
   */
  recordOptOut(request: {
    phone: string;
    callId: string | null;
    source: OptOutSource;
    at?: Date;
    who?: string;
  }): Promise<Result<OptOut, "invalid_phone">>;
}

/**
 * @example const gate = createAssistantCallGate({ register: repos.callConsent, log, now });
 */
export function createAssistantCallGate(deps: { register: CallConsent; log: Log; now: () => Date }): AssistantCallGate {
  const { register, log } = deps;
  // Refusals are logged by reason only: the number is personal data and stays out of logs.
  const refused = <R extends CallRefusal>(refusal: { ok: false; reason: R; message: string }) => {
    log.info({ event: "assistant_call_refused", reason: refusal.reason }, "automated call not placed");
    return refusal;
  };
  return {
    async mayPlaceAssistantCall({ phone, now }) {
      const number = phoneFromCarrier(phone);
      if (!number.ok) return refused(reject("invalid_phone", "not a number the assistant can dial"));
      const optOut = await register.optOutFor(number.value);
      if (optOut) return refused(optedOut(optOut));
      const inHours = checkCallingHours(now, await register.callingHours());
      if (!inHours.ok) return refused(inHours);
      const reserved = await register.reserve(number.value, londonDate(now), now);
      if (!reserved.ok) return refused(alreadyCalledToday(reserved.firstAt));
      return reserved;
    },

    attachCall: (reservation, callId) => register.attachCall(reservation.id, callId),

    releaseReservation: (reservation) => register.release(reservation.id),

    async recordOptOut({ phone, callId, source, at, who }) {
      const number = phoneFromCarrier(phone);
      if (!number.ok) {
        log.warn({ event: "opt_out_unreadable", callId, source }, "an opt-out came with no readable number");
        return reject("invalid_phone", "not a phone number: the opt-out could not be recorded");
      }
      const { optOut, created } = await register.recordOptOut({
        phone: number.value,
        source,
        callId,
        at: at ?? deps.now(),
        who,
      });
      log.info({ event: "opt_out", optOutId: optOut.id, callId, source, created }, "automated calls opt-out");
      return { ok: true, value: optOut };
    },
  };
}
