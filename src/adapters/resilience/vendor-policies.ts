import { createRatePacer, type RatePacer } from "./rate-pacer.ts";
import { VENDOR_LIMITS, VENDOR_PACE } from "./vendor-limits.ts";
import { createVendorPolicy, type CircuitReport, type VendorPolicy } from "./vendor-policy.ts";

export type PolicyVendor = keyof typeof VENDOR_LIMITS;
export type PacedVendor = keyof typeof VENDOR_PACE;

/**
 * Every vendor's one policy and pacer, made on first use, so all of a vendor's adapters share
 * its circuit (an outage seen by SMS sends fails the recording pauses fast too) and its pace.
 * The composition makes one; the integrations page reads the circuits.
 *
 * @example
 * const resilience = createVendorResilience();
 * createTwilioSmsSender({ …, policy: resilience.policy("Twilio"), pacer: resilience.pacer("TwilioSms") });
 */
export function createVendorResilience(options: { now?: () => Date } = {}) {
  const policies = new Map<PolicyVendor, VendorPolicy>();
  const pacers = new Map<string, RatePacer>();
  return {
    policy(vendor: PolicyVendor): VendorPolicy {
      let policy = policies.get(vendor);
      if (!policy) {
        policy = createVendorPolicy({ vendor, ...VENDOR_LIMITS[vendor], now: options.now });
        policies.set(vendor, policy);
      }
      return policy;
    },
    /** One bucket per vendor and sender (`key`: the sending number, where the limit is per number). */
    pacer(vendor: PacedVendor, key = ""): RatePacer {
      const id = `${vendor}:${key}`;
      let pacer = pacers.get(id);
      if (!pacer) {
        pacer = createRatePacer(VENDOR_PACE[vendor]);
        pacers.set(id, pacer);
      }
      return pacer;
    },
    /** Each vendor's circuit, for vendors that have made a call. */
    circuits(): { vendor: string; circuit: CircuitReport }[] {
      return [...policies.values()].map((p) => ({ vendor: p.vendor, circuit: p.circuit() }));
    },
  };
}

export type VendorResilience = ReturnType<typeof createVendorResilience>;

/** A policy of the vendor's defaults for an adapter built on its own (tests, the command line). */
export const defaultPolicy = (vendor: PolicyVendor): VendorPolicy =>
  createVendorPolicy({ vendor, ...VENDOR_LIMITS[vendor] });
