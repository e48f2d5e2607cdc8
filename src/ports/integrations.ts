import type { VendorCheckOutcome } from "./vendor-check.ts";

/** How one integration runs, for the integrations page and the start-up log. */
export type IntegrationMode = "vendor" | "embedded" | "off";

export interface IntegrationStatus {
  name: string;
  purpose: string;
  mode: IntegrationMode;
  /** What runs: "Neon", "PGlite in ./data", "Outbox (nothing is sent)". */
  detail: string;
  /** The result of a live check, when the integration has one. */
  health: { state: "ok" } | { state: "failing"; error: string } | { state: "not_checked"; why: string };
  /**
   * The vendor's key check (a cheap authenticated call, repeated every few minutes): what it
   * found and when, or "checking" before the first answer; `vendor` names the check ("S3" for
   * Storage). Absent when there is nothing to check.
   */
  keyCheck?: { vendor: string } & ((VendorCheckOutcome & { checkedAt: Date }) | { state: "checking" });
  /**
   * The vendor's circuit breaker when it is not closed: open (calls fail fast without trying
   * the vendor) since a time, until the next trial; or half-open (one trial call let through).
   */
  circuit?: { state: "open"; since: Date; retryAt: Date } | { state: "half-open"; since: Date };
  /** A page with more (the webhook deliveries that did not match the documented shapes). */
  link?: { href: string; label: string };
}
