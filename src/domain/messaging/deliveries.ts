import type { WebhookDeliveries } from "../../ports/messages.ts";
import { withFields } from "../../ports/log.ts";
import type { Result } from "../result.ts";
import { nextDeliveryStatus } from "./delivery-status.ts";
import type { InboundBatch, StatusReport } from "./events.ts";
import { recordInboundMessage, type InboundDeps } from "./inbound.ts";
import { publishMessage } from "./live.ts";
import type { OutboundStatus } from "./message.ts";
import { WHATSAPP_DELIVERY_TASK, DEFERRED_STATUS_TASK, type TaskPayload } from "../tasks/kinds.ts";
export { WHATSAPP_DELIVERY_TASK, DEFERRED_STATUS_TASK };

/**
 * A status for a message we cannot find yet is usually one whose send has not been recorded
 * (Meta can report "sent" before its API answer is stored): the delivery is retried for this
 * long before the report is set aside as unmatched.
 */
const UNMATCHED_RETRY_MS = 10 * 60_000;

export type ApplyStatusOutcome = "applied" | "stale" | "unmatched" | "ignored";

/**
 * Applies a provider's status report to the outbound message it is about. Safe under replays and
 * out-of-order delivery: a report that would move the message backwards changes nothing, and the
 * update is a compare-and-set on the status it read.
 */
export async function applyStatusReport(
  deps: Pick<InboundDeps, "messages" | "liveEvents">,
  report: StatusReport,
): Promise<ApplyStatusOutcome> {
  if (!report.status) return "ignored";
  for (let attempt = 0; attempt < 3; attempt++) {
    const message = await deps.messages.byProviderId(report.channel, report.providerId);
    if (!message) return "unmatched";
    if (message.direction !== "outbound") return "ignored";
    const current = message.status as OutboundStatus;
    const next = nextDeliveryStatus(current, report.status);
    if (!next) return "stale";
    const changes = {
      status: next,
      statusAt: report.at,
      ...(next === "failed" ? { error: report.error ?? "The provider reported a failure without a reason." } : {}),
      ...(report.recipient.username ? { username: report.recipient.username } : {}),
    };
    const updated = await deps.messages.advance(message.id, [current], changes);
    if (updated) {
      await publishMessage(deps.liveEvents, updated, "updated");
      return "applied";
    }
  }
  return "stale";
}

/**
 * Processes one recorded webhook delivery (a durable job keyed by the delivery id): a body that
 * does not match the provider's documented shapes is marked unrecognised and changes nothing
 * else; otherwise every message is stored once and every status applied. Throwing leaves the
 * job to be retried, which is safe: each step is idempotent.
 */
export function processWebhookDelivery(
  shared: InboundDeps & { webhookDeliveries: WebhookDeliveries },
  parse: (body: string) => Result<InboundBatch, string>,
) {
  return async ({ deliveryId }: TaskPayload<typeof WHATSAPP_DELIVERY_TASK>) => {
    // Every line logged while processing it names the delivery (the webhook event).
    const deps = { ...shared, log: withFields(shared.log, { eventId: deliveryId }) };
    const delivery = await deps.webhookDeliveries.byId(deliveryId);
    if (!delivery || delivery.state !== "pending") return;
    const parsed = parse(delivery.body);
    if (!parsed.ok) {
      await deps.webhookDeliveries.finish(delivery.id, "unrecognised", parsed.message, deps.now());
      deps.log.warn(
        { deliveryId: delivery.id, provider: delivery.provider, reason: parsed.message },
        "webhook delivery does not match the documented shapes; recorded, nothing changed",
      );
      return;
    }
    const batch = parsed.value;
    let created = 0;
    for (const incoming of batch.messages) {
      if ((await recordInboundMessage(deps, incoming)).created) created++;
    }
    const outcomes: Record<ApplyStatusOutcome, number> = { applied: 0, stale: 0, unmatched: 0, ignored: 0 };
    for (const report of batch.statuses) outcomes[await applyStatusReport(deps, report)]++;
    if (outcomes.unmatched > 0 && deps.now().getTime() - delivery.receivedAt.getTime() < UNMATCHED_RETRY_MS) {
      throw new Error(`${outcomes.unmatched} status report(s) for messages not found yet; retrying`);
    }
    const detail = [
      `${batch.messages.length} message(s), ${created} new`,
      `${batch.statuses.length} status(es): ${outcomes.applied} applied, ${outcomes.stale} stale, ${outcomes.unmatched} unmatched, ${outcomes.ignored} not acted on`,
      ...batch.ignored,
    ].join("; ");
    await deps.webhookDeliveries.finish(delivery.id, "processed", detail, deps.now());
  };
}

/** Applies a deferred status report (durable job); throws while its message is still unknown, so it is retried. */
export function applyDeferredStatus(deps: Pick<InboundDeps, "messages" | "liveEvents">) {
  return async (payload: TaskPayload<typeof DEFERRED_STATUS_TASK>) => {
    const outcome = await applyStatusReport(deps, { ...payload, at: new Date(payload.at) });
    if (outcome === "unmatched")
      throw new Error(`no ${payload.channel} message ${payload.providerId} yet for its "${payload.rawStatus}" report`);
  };
}
