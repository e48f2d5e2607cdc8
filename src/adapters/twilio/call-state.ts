import twilio from "twilio";
import type { ProviderCallState } from "../../domain/live-call/lapsed-calls.ts";

export interface TwilioCallStateConfig {
  accountSid: string;
  authToken: string;
  /** Another address for Twilio's REST API (https://api.twilio.com); tests point it at a loopback peer. */
  apiBaseUrl?: string;
  timeoutMs?: number;
}

/**
 * Asks Twilio how a call stands (GET /2010-04-01/Accounts/{AccountSid}/Calls/{CallSid}.json,
 * through the official SDK): its status word, when it ended and how long it lasted, in seconds.
 * Failures throw, naming Twilio.
 * @example const state = await createTwilioCallState({ accountSid, authToken })("CA…");
 */
export function createTwilioCallState(config: TwilioCallStateConfig): (callSid: string) => Promise<ProviderCallState> {
  const client = twilio(config.accountSid, config.authToken, { timeout: config.timeoutMs ?? 10_000 });
  if (config.apiBaseUrl) client.api.baseUrl = config.apiBaseUrl.replace(/\/$/, "");
  return async (callSid) => {
    try {
      const call = await client.api.v2010.accounts(config.accountSid).calls(callSid).fetch();
      const duration = Number.parseInt(call.duration ?? "", 10);
      return {
        status: call.status,
        endedAt: call.endTime ?? null,
        durationSeconds: Number.isFinite(duration) ? duration : null,
      };
    } catch (error) {
      throw new Error(`Twilio: could not fetch call ${callSid}`, { cause: error });
    }
  };
}
