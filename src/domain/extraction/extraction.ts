import type { TradeCategory, Urgency } from "../issues.ts";
import type { LeadSegment } from "../leads.ts";

/** The details an extractor reads from a call, in the order the details panel shows them. */
export const EXTRACTION_FIELDS = [
  "name",
  "organisation",
  "phone",
  "address",
  "postcode",
  "urgency",
  "category",
  "summary",
  "accessNotes",
  "segment",
] as const;
export type ExtractionField = (typeof EXTRACTION_FIELDS)[number];

/** How sure the extractor is of each field, 0 (nothing found) to 1 (said plainly). */
export type FieldConfidence = Record<ExtractionField, number>;

/** Why a vendor extractor's answer was replaced by the fallback's. */
export const FALLBACK_REASONS = [
  "schema_mismatch",
  "refused",
  "timeout",
  "rate_limited",
  "server_error",
  "unavailable",
  "rejected",
] as const;
export type FallbackReason = (typeof FALLBACK_REASONS)[number];

export interface ExtractionFallback {
  /** The extractor whose answer could not be used, e.g. "openai:gpt-4o-mini". */
  from: string;
  reason: FallbackReason;
  /** One line for the logs; never contains what the caller said. */
  detail: string;
}

/**
 * What was understood from a call so far. Every detail is null (segment "unknown") with
 * confidence 0 until the call actually says it; nothing is guessed to fill a gap.
 */
export interface Extraction {
  name: string | null;
  organisation: string | null;
  /** A number the caller spoke, in E.164 (UK numbers without a country code read as UK). */
  phone: string | null;
  /** The site: "Flat 2, 56 Hagley Road, Birmingham" (street line and town when said). */
  address: string | null;
  /** Written form, "NW1 6XE". */
  postcode: string | null;
  urgency: Urgency | null;
  category: TradeCategory | null;
  /** One line: what the job is. */
  summary: string | null;
  /**
   * A short title for the job ("Burst pipe, water through ceiling"), when the extractor makes one;
   * otherwise the job is titled from the summary (see `issueTitle`).
   */
  title?: string | null;
  /** How to get in: keys, codes, who is home when, parking. */
  accessNotes: string | null;
  segment: LeadSegment;
  confidence: FieldConfidence;
  /** Which extractor produced the answer: "rules", "openai:gpt-4o-mini". */
  extractor: string;
  /** Set when the configured extractor failed and another one answered instead. */
  fallback: ExtractionFallback | null;
}

export const noConfidence = (): FieldConfidence =>
  Object.fromEntries(EXTRACTION_FIELDS.map((field) => [field, 0])) as FieldConfidence;

/**
 * The answer for a call that says nothing yet (or nothing we can use).
 * @example emptyExtraction("rules").segment // "unknown"
 */
export function emptyExtraction(extractor: string): Extraction {
  return {
    name: null,
    organisation: null,
    phone: null,
    address: null,
    postcode: null,
    urgency: null,
    category: null,
    summary: null,
    accessNotes: null,
    segment: "unknown",
    confidence: noConfidence(),
    extractor,
    fallback: null,
  };
}

/** The extracted details alone, keyed as `cli extract` prints them and as staff see them. */
export type ExtractedDetails = Pick<Extraction, ExtractionField | "confidence">;

export function extractedDetails(extraction: Extraction): ExtractedDetails {
  const details = Object.fromEntries(EXTRACTION_FIELDS.map((field) => [field, extraction[field]]));
  return { ...(details as Omit<ExtractedDetails, "confidence">), confidence: { ...extraction.confidence } };
}

/** Details staff may add on a call that no extractor reads from speech (an email is spelt, not heard). */
export const ADDED_FIELDS = ["email"] as const;
/** Every detail the panel lets staff type, in the order it shows them. */
export const CORRECTABLE_FIELDS = [
  "name",
  "organisation",
  "phone",
  "email",
  "address",
  "postcode",
  "urgency",
  "category",
  "summary",
  "accessNotes",
  "segment",
] as const satisfies readonly (ExtractionField | (typeof ADDED_FIELDS)[number])[];
export type CorrectableField = (typeof CORRECTABLE_FIELDS)[number];

/** Values staff typed over the extractor's, field by field, and the details only staff add. */
export type Corrections = Partial<Pick<Extraction, ExtractionField> & { email: string | null }>;

/** Who typed each correction (a staff email) and when (an ISO instant). */
export type CorrectionMarks = Partial<Record<CorrectableField, { by: string; at: string }>>;

/**
 * A fresh extraction with staff's corrections laid over it: a corrected field keeps staff's
 * value (confidence 1) whatever a later extraction says.
 * @example withCorrections(next, { name: "Sarah Jones" }).name // "Sarah Jones"
 */
export function withCorrections(extraction: Extraction, corrections: Corrections): Extraction {
  const result: Extraction = { ...extraction, confidence: { ...extraction.confidence } };
  for (const field of EXTRACTION_FIELDS) {
    if (!(field in corrections)) continue;
    (result as unknown as Record<string, unknown>)[field] = corrections[field];
    result.confidence[field] = 1;
  }
  // A title read from the caller's words would contradict the summary staff wrote.
  if ("summary" in corrections) result.title = null;
  return result;
}
