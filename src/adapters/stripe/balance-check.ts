import type Stripe from "stripe";
import type { VendorCheck } from "../../ports/vendor-check.ts";
import { outcomeOf } from "../vendor-check-outcome.ts";

/**
 * Stripe's key check: retrieves the account's balance (GET /v1/balance), a read every secret
 * key may make. A wrong or revoked key is refused (401). The webhook secret cannot be checked
 * by a call; a wrong one shows as refused deliveries.
 *
 * @example const check = createStripeBalanceCheck(createStripeClient(secretKey));
 */
export function createStripeBalanceCheck(client: Stripe, options: { timeoutMs?: number } = {}): VendorCheck {
  return {
    vendor: "Stripe",
    check: (signal) =>
      outcomeOf(
        () => client.balance.retrieve({}, { timeout: options.timeoutMs ?? 10_000, maxNetworkRetries: 0 }),
        "STRIPE_SECRET_KEY",
        signal,
      ),
  };
}
