import type { Logger } from "pino";
import { createTwilioCallState } from "../adapters/twilio/call-state.ts";
import type { Config } from "../config.ts";
import type { Call } from "../domain/calls.ts";
import { closeLapsedCall } from "../domain/live-call/close-lapsed-call.ts";
import type { Repositories } from "../ports/database.ts";
import type { Extractor } from "../ports/extractor.ts";
import type { LiveEvents } from "../ports/live-events.ts";
import { createCallLeaseKeeper, type CallLeaseKeeper } from "./call-lease-keeper.ts";
import { twilioKeys } from "./vendor-keys.ts";

/**
 * The call leases of this instance, and the sweep that closes a dead instance's calls: with
 * Twilio's keys it asks Twilio how each call stands first; without, the call is interrupted.
 */
export function wireCallLeases(
  config: Pick<Config, "CALL_LEASE_SECONDS" | "TWILIO_ACCOUNT_SID" | "TWILIO_AUTH_TOKEN">,
  deps: {
    repos: Repositories;
    extractor: Extractor;
    liveEvents: LiveEvents;
    logger: Logger;
    now: () => Date;
    owner: string;
    missedCall: (call: Call) => Promise<void>;
    /** Twilio's REST API elsewhere than https://api.twilio.com (tests: a loopback peer). */
    twilioApiBaseUrl?: string;
  },
): CallLeaseKeeper {
  const keys = twilioKeys(config);
  const twilioCallState = keys
    ? createTwilioCallState({ ...keys, apiBaseUrl: deps.twilioApiBaseUrl ?? keys.apiBaseUrl })
    : null;
  const log = deps.logger.child({ instance: deps.owner });
  return createCallLeaseKeeper({
    leases: deps.repos.callLeases,
    owner: deps.owner,
    leaseSeconds: config.CALL_LEASE_SECONDS,
    log,
    now: deps.now,
    close: (call) =>
      closeLapsedCall(
        {
          calls: deps.repos.calls,
          leads: deps.repos.leads,
          issues: deps.repos.issues,
          auditTrail: deps.repos.audit,
          leases: deps.repos.callLeases,
          extractor: deps.extractor,
          liveEvents: deps.liveEvents,
          log,
          now: deps.now,
          owner: deps.owner,
          missedCall: deps.missedCall,
          providerState: async (lapsed) => (twilioCallState ? twilioCallState(lapsed.providerCallId) : null),
        },
        call,
      ),
  });
}
