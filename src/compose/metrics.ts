import { Registry } from "prom-client";
import { collectBacklogMetrics } from "../adapters/metrics/backlog-metrics.ts";
import { createPromMetrics } from "../adapters/metrics/prom-metrics.ts";
import { collectProcessMetrics } from "../adapters/metrics/process-metrics.ts";
import { countVendorErrors } from "../adapters/metrics/vendor-errors.ts";
import type { MessagingAdapters } from "./messaging.ts";
import type { Config } from "../config.ts";
import { taskPayloads } from "../domain/tasks/kinds.ts";
import type { Log } from "../ports/log.ts";
import type { Repositories } from "../ports/database.ts";
import type { Metrics, MetricsEndpoint, Vendor } from "../ports/metrics.ts";

/**
 * A registry of this app's own (never prom-client's global one, so each app a test builds counts
 * apart): the instruments the app updates, the process's CPU, memory and event-loop lag, and the
 * shared job queue and outbox, read from the database at each scrape.
 */
export function wireMetrics(
  config: Pick<Config, "METRICS_TOKEN">,
  world: { repos: Pick<Repositories, "tasks" | "messages">; log: Log },
): { metrics: Metrics; endpoint: MetricsEndpoint } {
  const registry = new Registry();
  const { exposition, ...metrics } = createPromMetrics(registry);
  collectProcessMetrics(registry);
  collectBacklogMetrics(registry, {
    jobs: () => world.repos.tasks.backlog(),
    outboxDepth: async () => {
      const counts = await world.repos.messages.outboxCounts();
      return (counts.queued ?? 0) + (counts.sending ?? 0);
    },
    jobKinds: Object.keys(taskPayloads),
    onError: (error) => world.log.warn({ err: error }, "metrics: job queue or outbox could not be read"),
  });
  return { metrics, endpoint: { token: config.METRICS_TOKEN ?? null, exposition } };
}

/** The messaging vendors, each failed call counted under its vendor (Twilio for SMS and MMS, OpenAI for voice notes). */
export function countingMessagingErrors(adapters: MessagingAdapters, metrics: Metrics): MessagingAdapters {
  const count = <T extends object>(adapter: T | null, vendor: Vendor) =>
    adapter && countVendorErrors(adapter, vendor, metrics);
  return {
    whatsapp: count(adapters.whatsapp, "whatsapp"),
    sms: count(adapters.sms, "twilio"),
    smsMedia: count(adapters.smsMedia, "twilio"),
    voiceNotes: count(adapters.voiceNotes, "openai"),
  };
}
