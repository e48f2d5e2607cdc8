import type { VoiceSynthesiser } from "../../ports/voice-synthesiser.ts";

/**
 * What speaks when no voice is composed: nothing. Every `speak` rejects with a reason, so an
 * assistant call hands over to staff at once instead of ringing someone and staying silent.
 */
export const noVoiceConfigured: VoiceSynthesiser = {
  name: "no voice configured",
  speak(): AsyncIterable<Uint8Array> {
    return {
      [Symbol.asyncIterator]: () => ({
        next: () => Promise.reject(new Error("No voice is configured for the assistant.")),
      }),
    };
  },
};
