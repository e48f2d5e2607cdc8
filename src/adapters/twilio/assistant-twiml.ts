import twilio from "twilio";
import type { OutboundCall } from "../../ports/outbound-caller.ts";

const { VoiceResponse } = twilio.twiml;

/**
 * The TwiML an assistant call runs once answered: `<Connect><Stream>` (bidirectional: Twilio
 * plays the `media` we send back) with the call's id and stream token as `<Parameter>`s, as the
 * inbound stream carries them. Shared by the Twilio caller and the simulator, which reads it back.
 * @example assistantTwiml({ streamUrl: "wss://…/api/twilio/assistant-stream", parameters: { callId, streamToken }, … })
 */
export function assistantTwiml(call: Pick<OutboundCall, "streamUrl" | "parameters">): string {
  const response = new VoiceResponse();
  const stream = response.connect().stream({ url: call.streamUrl });
  for (const [name, value] of Object.entries(call.parameters)) stream.parameter({ name, value });
  return response.toString();
}
