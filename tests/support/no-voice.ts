import type { VoiceWithFixedLines } from "../../src/ports/voice-synthesiser.ts";

/**
 * A voice that cannot speak (a vendor refusing, a worker that will not load): nothing. Every `speak` rejects with a reason, so an
 * assistant call hands over to staff at once instead of ringing someone and staying silent.
 */
export const noVoiceConfigured: VoiceWithFixedLines = {
  name: "no voice configured",
  prepare: async () => {},
  speak(): AsyncIterable<Uint8Array> {
    return {
      [Symbol.asyncIterator]: () => ({
        next: () => Promise.reject(new Error("No voice is configured for the assistant.")),
      }),
    };
  },
};
