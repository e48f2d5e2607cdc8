/**
 * What one cheap, authenticated call to a vendor found: its key works, the vendor refused it
 * (HTTP 401/403, naming the environment variable to fix), or the vendor could not be reached
 * (network error, timeout, the vendor's own trouble).
 */
export type VendorCheckOutcome =
  | { state: "working" }
  | { state: "refused"; variable: string; reason: string }
  | { state: "unreachable"; reason: string };

/**
 * A vendor's key check: one read-only call through the vendor's SDK (Twilio account fetch, Stripe
 * balance, OpenAI models list…). Never throws: every failure is an outcome.
 */
export interface VendorCheck {
  /** As the integrations page names it: "Twilio", "Stripe", "OpenAI"… */
  vendor: string;
  check(signal: AbortSignal): Promise<VendorCheckOutcome>;
}

/** An outcome and when it was found. */
export interface VendorCheckResult {
  vendor: string;
  outcome: VendorCheckOutcome;
  checkedAt: Date;
}

/** The latest key checks, and a way to run them again now (the integrations page's "Check again"). */
export interface VendorChecks {
  /** The latest result per vendor; a vendor not yet checked is absent. */
  latest(): VendorCheckResult[];
  /** Vendors with a check (configured ones only). */
  vendors(): string[];
  /** Runs the checks now (one vendor, or all) and returns what they found. */
  checkNow(vendor?: string): Promise<VendorCheckResult[]>;
}
