import type { Config } from "../config.ts";
import type { Logger } from "pino";
import type { AppDeps } from "./app-deps.ts";
import { twilioKeys } from "./vendor-keys.ts";
import type { VendorPolicy } from "../adapters/resilience/vendor-policy.ts";
import { createTwilioOutboundCaller } from "../adapters/twilio/outbound-caller.ts";
import { createSimulatedCaller } from "../simulator/simulated-caller.ts";
import { allowEveryAssistantCall, type OptOut } from "../domain/assistant/consent.ts";
import type { AuditTrail } from "../ports/audit.ts";
import { ANSWER_WAIT_MS } from "../domain/assistant/assistant-session.ts";

/**
 * Who places the assistant's calls: Twilio with its keys and TWILIO_PHONE_NUMBER (the number
 * the customer sees), else the call simulator answering as the customer. The consent check is
 * the default that allows every call until the consent rules land (see consent.ts's TODO).
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
    mayPlaceAssistantCall: allowEveryAssistantCall,
    // Until the opt-outs store lands: kept in the audit trail, never lost (the number stays out of the log).
    optedOut: async (optOut: OptOut) => {
      await deps.audit.record({
        who: "customer (assistant call)",
        what: "asked not to be called by the assistant again",
        entity: "call",
        entityId: optOut.callId,
        at: optOut.at,
        details: { leadId: optOut.leadId, how: optOut.how },
      });
      deps.logger.info(
        { callId: optOut.callId, leadId: optOut.leadId, how: optOut.how },
        "customer opted out of assistant calls",
      );
    },
    answerWaitMs: ANSWER_WAIT_MS,
  };
}
