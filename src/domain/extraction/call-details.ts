import type { Call } from "../calls.ts";
import { withCorrections, type CorrectionMarks, type Extraction } from "./extraction.ts";
import { missingIntakeDetails, type MissingDetail } from "./intake.ts";
import { safetyAdvice, type SafetyAdvice, type SafetyRule } from "./safety.ts";
import { callerUtterances, type Transcript } from "./transcript.ts";

/** Everything the details panel shows for a call. */
export interface CallDetails {
  extraction: Extraction;
  /** Intake details still to ask for before the caller hangs up. */
  missing: MissingDetail[];
  /** Dangers the caller described, with what to tell them now. */
  safety: SafetyAdvice[];
  /** Fields staff corrected, shown as such. */
  corrected: string[];
  /** Who corrected each of them, and when. */
  correctedBy: CorrectionMarks;
  /** An email address staff added (no extractor reads one from speech). */
  email: string | null;
  emergency: boolean;
}

/**
 * The panel's view of a call: the extraction with staff's corrections laid over it, what is
 * still missing, and the safety advice for what the caller said. A call is an emergency when
 * its urgency is (safety advice is shown whatever the urgency).
 */
export function callDetails(
  extraction: Extraction,
  call: Pick<Call, "from" | "corrections" | "correctedBy">,
  transcript: Transcript,
  rules: readonly SafetyRule[],
): CallDetails {
  const corrected = withCorrections(extraction, call.corrections);
  const safety = safetyAdvice(callerUtterances(transcript), rules);
  return {
    extraction: corrected,
    missing: missingIntakeDetails(corrected, { callerNumber: call.from.startsWith("+") ? call.from : null }),
    safety,
    corrected: Object.keys(call.corrections),
    correctedBy: call.correctedBy,
    email: call.corrections.email ?? null,
    emergency: corrected.urgency === "emergency",
  };
}
