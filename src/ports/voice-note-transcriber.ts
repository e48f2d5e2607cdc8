/** What a voice note said. */
export interface VoiceNoteTranscript {
  text: string;
  /** The language the transcriber heard, as it names it ("english"), when it says. */
  language?: string;
}

/**
 * Turns a recorded voice note (a WhatsApp voice message, a voicemail) into text. Not for live
 * calls: the whole recording is sent at once. Failures throw, naming the vendor.
 */
export interface VoiceNoteTranscriber {
  /** "openai:whisper-1", for the integrations page and logs. */
  readonly name: string;
  /** `contentType` as the audio came, e.g. "audio/ogg" (WhatsApp voice notes are Opus in Ogg). */
  transcribe(audio: Uint8Array, contentType: string): Promise<VoiceNoteTranscript>;
}
