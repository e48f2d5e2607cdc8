import type { Extraction } from "./extraction.ts";

/** What staff need before the caller hangs up, in the order they are usually asked. */
export const INTAKE_DETAILS = ["name", "site_address", "job", "urgency", "access", "callback"] as const;
export type IntakeDetail = (typeof INTAKE_DETAILS)[number];

export interface MissingDetail {
  detail: IntakeDetail;
  /** What staff should ask, in a few words. */
  ask: string;
}

export interface IntakeContext {
  /** The number the call came from, when known (not withheld): it serves as the callback number. */
  callerNumber?: string | null;
  /** Below this confidence a detail still counts as missing; 0.5 unless set. */
  minConfidence?: number;
}

/**
 * The intake details a call has not given yet (or given too unclearly to rely on), so staff can
 * ask for them while the caller is still on the line. A site address counts only with its postcode.
 *
 * @example
 * missingIntakeDetails(emptyExtraction("rules")).map((m) => m.detail)
 * // ["name", "site_address", "job", "urgency", "access", "callback"]
 */
export function missingIntakeDetails(extraction: Extraction, context: IntakeContext = {}): MissingDetail[] {
  const min = context.minConfidence ?? 0.5;
  const { confidence } = extraction;
  const known = (value: unknown, score: number) => value !== null && value !== "" && score >= min;
  const missing: MissingDetail[] = [];

  if (!known(extraction.name, confidence.name)) missing.push({ detail: "name", ask: "Ask for the caller's name." });

  const hasAddress = known(extraction.address, confidence.address);
  const hasPostcode = known(extraction.postcode, confidence.postcode);
  if (!hasAddress || !hasPostcode) {
    missing.push({
      detail: "site_address",
      ask: hasAddress
        ? "Ask for the postcode of the site."
        : hasPostcode
          ? "Ask for the house number and street of the site."
          : "Ask for the site address and postcode.",
    });
  }

  if (!known(extraction.category, confidence.category) && !known(extraction.summary, confidence.summary)) {
    missing.push({ detail: "job", ask: "Ask what the problem is." });
  }
  if (!known(extraction.urgency, confidence.urgency)) {
    missing.push({ detail: "urgency", ask: "Ask how soon they need someone." });
  }
  if (!known(extraction.accessNotes, confidence.accessNotes)) {
    missing.push({ detail: "access", ask: "Ask how we get in: who will be there, keys or codes, parking." });
  }
  const callerNumber = context.callerNumber?.trim();
  if (!known(extraction.phone, confidence.phone) && !callerNumber) {
    missing.push({ detail: "callback", ask: "Ask for the best number to call them back on." });
  }
  return missing;
}
