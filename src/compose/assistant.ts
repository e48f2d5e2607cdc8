import type { Config } from "../config.ts";
import type { Logger } from "pino";
import type { AppDeps } from "./app-deps.ts";
import { twilioKeys } from "./vendor-keys.ts";
import type { VendorPolicy } from "../adapters/resilience/vendor-policy.ts";
import { createTwilioOutboundCaller } from "../adapters/twilio/outbound-caller.ts";
import { createSimulatedCaller } from "../simulator/simulated-caller.ts";
import type { AuditTrail } from "../ports/audit.ts";
import { ANSWER_WAIT_MS } from "../domain/assistant/assistant-session.ts";

/**
 * Who places the assistant's calls: Twilio with its keys and TWILIO_PHONE_NUMBER (the number
 * the customer sees), else the call simulator answering as the customer. Consent (hours, once a
 * day, opt-outs) is `deps.callConsent`, composed beside it.
 */
export function wireAssistant(
  config: Config,
  deps: { logger: Logger; authToken: string; policy: VendorPolicy; audit: Pick<AuditTrail, "record"> },
): AppDeps["assistant"] {
  const keys = twilioKeys(config);
  const simulator =
    keys && config.TWILIO_PHONE_NUMBER ? null : createSimulatedCaller({ authToken: deps.authToken, log: deps.logger });
  const caller =
    simulator ??
    createTwilioOutboundCaller({
      accountSid: keys!.accountSid,
      authToken: keys!.authToken,
      from: config.TWILIO_PHONE_NUMBER!,
      apiBaseUrl: keys!.apiBaseUrl,
      policy: deps.policy,
    });
  return {
    caller,
    simulator,
    answerWaitMs: ANSWER_WAIT_MS,
  };
}
