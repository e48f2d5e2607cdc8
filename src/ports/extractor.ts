import type { Extraction } from "../domain/extraction/extraction.ts";
import type { Transcript } from "../domain/extraction/transcript.ts";

export type { Extraction, Transcript };

/**
 * Reads who is calling, where, how urgent and what the job is from a call's words.
 * Called again as the transcript grows; each call gets the whole transcript so far.
 * An empty or nonsense transcript gives unknowns with confidence 0, never invented details.
 * Implementations: the rules extractor (embedded default) and OpenAI (gpt-4o-mini), which
 * falls back to the rules and says so in `fallback`.
 */
export interface Extractor {
  /** "rules" or "openai:gpt-4o-mini", for the integrations page and logs. */
  readonly name: string;
  extract(transcript: Transcript): Promise<Extraction>;
}
