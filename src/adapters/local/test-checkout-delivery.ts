import { receivePaymentWebhook } from "../../domain/payments/settlement-flow.ts";
import type { Log } from "../../ports/log.ts";
import type { PaymentWebhooks } from "../../ports/payments.ts";
import type { Tasks } from "../../ports/tasks.ts";
import type { SignedDelivery, TestCheckout } from "./test-checkout.ts";
import { TEST_WEBHOOK_TASK, type TaskPayload } from "../../domain/tasks/kinds.ts";
export { TEST_WEBHOOK_TASK };

export interface DeliveryDeps {
  webhooks: PaymentWebhooks;
  tasks: Tasks;
  now: () => Date;
  log: Log;
  poke: () => void;
}

/**
 * Hands signed test-checkout events to the app's webhook handler, exactly as a POST to
 * /api/stripe/webhook would (same verifier, same durable record, same settlement job). Returns
 * the ones refused or failed.
 */
export async function deliverTestEvents(deps: DeliveryDeps, deliveries: SignedDelivery[]): Promise<string[]> {
  const failures: string[] = [];
  for (const delivery of deliveries) {
    try {
      const result = await receivePaymentWebhook(deps, delivery.payload, delivery.signature);
      if (!result.ok) failures.push(`${delivery.eventId}: ${result.message}`);
    } catch (error) {
      failures.push(`${delivery.eventId}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return failures;
}

/** The job: re-sign the session's events now (a fresh timestamp, as Stripe does per attempt) and deliver them. */
export const deliverTestWebhooksTask =
  (deps: DeliveryDeps & { testCheckout: TestCheckout | null }) =>
  async ({ sessionId }: TaskPayload<typeof TEST_WEBHOOK_TASK>) => {
    if (!deps.testCheckout) throw new Error("the test checkout is not in use (Stripe is configured)");
    const failures = await deliverTestEvents(deps, await deps.testCheckout.deliveries(sessionId));
    if (failures.length > 0) throw new Error(`test checkout events not accepted: ${failures.join("; ")}`);
  };
