import { createHmac } from "node:crypto";
import type { AppDeps } from "./deps.ts";

/**
 * The token a call's TwiML gives its media stream (as a custom parameter), so a stream can
 * only attach to the call it was started for: HMAC of the call id with the Twilio auth token.
 */
export const streamTokenFor = (deps: Pick<AppDeps, "twilio">, callId: string) =>
  createHmac("sha256", deps.twilio.authToken).update(`media-stream:${callId}`).digest("base64url");
