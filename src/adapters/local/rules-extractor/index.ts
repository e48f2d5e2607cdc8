import { emptyExtraction, type Extraction } from "../../../domain/extraction/extraction.ts";
import type { Transcript } from "../../../domain/extraction/transcript.ts";
import type { Extractor } from "../../../ports/extractor.ts";
import { createTurnMemo, readCall, type TurnMemo } from "./call-text.ts";
import { classifyCategory, classifySegment, classifyUrgency } from "./classify.ts";
import { findAccessNotes, findPhone, findPostcode, findSummary } from "./details.ts";
import { findAddress } from "./address.ts";
import { findName } from "./names.ts";
import { jobTitle } from "./job-title.ts";
import { findOrganisation } from "./organisation.ts";

export const RULES_EXTRACTOR_NAME = "rules";

/**
 * Reads a call with rules alone: offline, in well under a millisecond a call, the same answer
 * every time. Only the caller's words are read for who they are and where; staff's words help
 * with the trade and urgency, and with postcodes read back and confirmed.
 *
 * @example
 * extractByRules({ lines: [{ speaker: "caller", text: "Hi, my name is Sarah Jones, I rent at 12 Baker Street, N W 1, 6 X E." }] })
 * // { name: "Sarah Jones", address: "12 Baker Street", postcode: "NW1 6XE", segment: "tenant", … }
 */
export function extractByRules(transcript: Transcript, memo: TurnMemo = createTurnMemo()): Extraction {
  const result = emptyExtraction(RULES_EXTRACTOR_NAME);
  const call = readCall(transcript, memo);
  if (call.caller.trim() === "") return result;

  const set = <K extends keyof Extraction & keyof Extraction["confidence"]>(
    field: K,
    found: { confidence: number } | null,
    value: Extraction[K] | undefined,
  ) => {
    if (!found || value === undefined || value === null) return;
    result[field] = value;
    result.confidence[field] = found.confidence;
  };

  const name = findName(call);
  set("name", name, name?.name);
  const organisation = findOrganisation(call);
  set("organisation", organisation, organisation?.organisation);
  const phone = findPhone(call);
  set("phone", phone, phone?.phone);
  const address = findAddress(call);
  set("address", address, address?.address);
  const postcode = findPostcode(call);
  set("postcode", postcode, postcode?.postcode);

  const category = classifyCategory(call);
  set("category", category, category.value);
  const urgency = classifyUrgency(call, category.value !== null);
  set("urgency", urgency, urgency.value);
  const segment = classifySegment(call, result.organisation);
  set("segment", segment, segment.value ?? "unknown");

  const summary = findSummary(call, category.value);
  set("summary", summary, summary?.summary);
  if (summary) result.title = jobTitle(summary.summary, call.caller);
  const access = findAccessNotes(call);
  set("accessNotes", access, access?.accessNotes);
  return result;
}

/**
 * The embedded default extractor (no keys, no network). It remembers what it read in each
 * line, so extracting again as a call grows reads only the new lines.
 */
export function createRulesExtractor(): Extractor {
  const memo = createTurnMemo();
  return {
    name: RULES_EXTRACTOR_NAME,
    extract: async (transcript) => extractByRules(transcript, memo),
  };
}
